"""Epochs: every preview build is a complete, immutable set of site files, and the one
being served never changes (mkdocs' epochs, kept in memory).

`build(write=False)` plans every file in memory; a successful build becomes the
current epoch in one assignment, so a request is answered either from the old epoch
or from the new one, never from half of each. With it goes the set of site files
whose bytes differ from the previous epoch, which is how live reload knows which
tabs to reload. A failed build keeps the current epoch and records its diagnostics
for the browser's overlay. Page bodies are kept between builds in a `RenderCache`,
so a rebuild renders again only what the change affects; an edit to page bodies alone
skips the whole pipeline (`incremental.rebuild_bodies`, from the last build's state).
"""
from __future__ import annotations

import gc
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping, Sequence

from ..build import BuildOptions, build
from ..build_result import BuildResult
from ..render_cache import RenderCache
from ..config import SiteConfig
from ..diagnostics import Diagnostic, Report
from ..early import EarlyFiles
from ..excerpts import SourceExcerpts
from ..sources import load_project_config
from ..incremental import BuildState, rebuild_bodies, warm
from .progress import Progress

HISTORY = 64  # epochs whose changes are remembered; a tab older than that reloads


@dataclass(frozen=True)
class Epoch:
    """One complete build: every site file by site-relative path."""

    number: int
    files: Mapping[str, bytes] = field(repr=False)
    base_url: str
    base_path: str
    changed: frozenset[str] | None  # site files that differ from the previous epoch; None: first epoch


@dataclass(frozen=True)
class BuildStatus:
    """The latest build's outcome: `generation` grows with every build, good or failed."""

    generation: int
    epoch: Epoch | None
    diagnostics: tuple[Diagnostic, ...] = ()  # of the latest build, when it failed

    @property
    def failed(self) -> bool:
        return bool(self.diagnostics)


class PreviewSite:
    """The site as the preview serves it. Builds run one at a time; request threads read
    `status` and long-poll with `wait`."""

    def __init__(self, project: Path, *, drafts: bool = False, strict: bool = False,
                 say: Callable[[str], None] = print, progress: Progress | None = None) -> None:
        self.project = project.resolve()
        self.drafts, self.strict = drafts, strict
        self.say = say
        self.progress = progress or Progress()
        self.cache = RenderCache()
        self._state: BuildState | None = None  # what the last build leaves for a body-only edit
        self._status = BuildStatus(0, None)
        self._changes: list[tuple[int, frozenset[str] | None]] = []  # (epoch number, changed), oldest first
        self._condition = threading.Condition()
        self._closed = False
        self._building = threading.Lock()  # the first build and the watcher's rebuilds may overlap
        # until the first build ends: the files a browser asks for, made ahead of the other pages,
        # and the site's base path (made now, so that a request before the build starts waits for it)
        config = load_project_config(self.project, Report())
        self._early: tuple[EarlyFiles, str] | None = (EarlyFiles(), config.base_path) if config is not None else None

    @property
    def base_path(self) -> str:
        """The site's base path before its first build ends (after, the epoch's)."""
        early = self._early
        return early[1] if early is not None else self._status.epoch.base_path if self._status.epoch else "/"

    @property
    def status(self) -> BuildStatus:
        return self._status

    def rebuild(self, inputs: Sequence[str] = ()) -> BuildStatus:
        """Build; swap the result in when it succeeds. `inputs` are the source files that
        changed since the last build (project-relative; empty: unknown, build everything):
        when they are page bodies only, the last build is updated instead of redone."""
        with self._building:
            return self._rebuild(inputs)

    def early_file(self, path: str, timeout: float) -> tuple[bytes, int] | None:
        """Request thread, while there is no epoch yet: the file at URL `path` as the first
        build will have it, as soon as that build has made it, and the number its epoch will
        have; None once the build is over (serve its result), or when there is no such build."""
        early = self._early
        if early is None or not path.startswith(early[1]):
            return None
        rel = path[len(early[1]):]
        if rel == "" or rel.endswith("/"):
            rel += "index.html"
        data = early[0].want(rel, timeout)
        return None if data is None else (data, self._status.generation + 1)

    def _rebuild(self, inputs: Sequence[str]) -> BuildStatus:
        early = self._early[0] if self._early is not None and self._status.generation == 0 else None
        try:
            return self._rebuild_with(inputs, early)
        finally:
            if early is not None:  # after the result is published: waiting requests are answered from it
                self._early = None
                early.end()

    def _rebuild_with(self, inputs: Sequence[str], early: EarlyFiles | None) -> BuildStatus:
        generation = self._status.generation + 1
        started = time.perf_counter()
        with self.progress.running("building" if generation == 1 else "rebuilding"):
            previous_state = self._state
            try:
                result = self._update(inputs)
                if result is None:
                    options = BuildOptions(drafts=self.drafts, strict=self.strict, write=False, fingerprint=False,
                                           keep_state=True, early=early)
                    result = build(self.project, self.project / "public", options, cache=self.cache)
                self._state = result.state
                diagnostics = tuple(result.report.sorted())
                failed = result.report.failed(self.strict)
            except Exception as exc:  # a bug in a build stage must not end the preview
                self.say(traceback.format_exc().rstrip())
                self.cache = RenderCache()  # it may hold half of what the crashed build put in
                self._state = None
                diagnostics = (Diagnostic("catalog", 0, 0, "error", "build-crashed",
                                          f"the build stopped with {type(exc).__name__}: {exc}",
                                          "this is a bug in catalog; the traceback is in the terminal "
                                          "running catalog serve"),)
                failed, result = True, None
        seconds = time.perf_counter() - started
        why = f" ({_summarise(inputs)} changed)" if inputs else ""
        sources = SourceExcerpts(self.project)  # one per rebuild: the files change between them
        for diagnostic in diagnostics:
            self.say(sources.format(diagnostic))

        if failed or result is None:
            status = BuildStatus(generation, self._status.epoch, diagnostics)
            self._publish(status)
            errors = sum(1 for d in diagnostics if d.severity == "error")
            counted = (_count(errors, "error") if errors
                       else f"{_count(len(diagnostics), 'warning')} treated as errors")
            kept = "still serving the last good build" if status.epoch else "no good build to serve yet"
            self.say(f"build failed{why}: {counted}; {kept}")
            return status

        previous = self._status.epoch
        if previous is None:
            _settle_heap()
        files = dict(result.outputs)
        changed = None if previous is None else _changed(previous.files, files)
        config = load_project_config(self.project, Report()) or SiteConfig()
        status = BuildStatus(generation, Epoch(generation, files, config.base_url, config.base_path, changed))
        self._publish(status)
        verb = "built" if previous is None else "rebuilt"
        differ = "" if changed is None else f", {_count(len(changed), 'file')} changed"
        self.say(f"{verb} {result.pages} pages ({result.rendered} rendered) in {seconds:.2f}s{differ}{why}")
        if self._state is not None and self._state is not previous_state:
            warm(self._state)  # after the swap: the new epoch is served meanwhile
        return status

    def _update(self, inputs: Sequence[str]) -> BuildResult | None:
        """The last build with `inputs` applied when they change page bodies only, else None."""
        state, self._state = self._state, None  # a fast path that gives up leaves it half updated
        if state is None or not inputs:
            return None
        try:
            return rebuild_bodies(state, inputs, self.cache)
        except Exception:  # a bug on the fast path: say so, and build in full
            self.say(traceback.format_exc().rstrip())
            self.cache = RenderCache()
            return None

    def changes_since(self, epoch_number: int | None, status: BuildStatus) -> frozenset[str] | None:
        """Site files that differ between epoch `epoch_number` and the epoch of `status`;
        None when that is not known (a tab of an error page, or older than HISTORY epochs)."""
        current = status.epoch.number if status.epoch else None
        if epoch_number == current:
            return frozenset()
        with self._condition:
            numbers = [number for number, _ in self._changes]
            if epoch_number not in numbers or current not in numbers:
                return None
            changed: set[str] = set()
            for _, files in self._changes[numbers.index(epoch_number) + 1: numbers.index(current) + 1]:
                if files is None:
                    return None
                changed |= files
            return frozenset(changed)

    def wait(self, generation: int, timeout: float) -> BuildStatus:
        """The status once its generation differs from `generation`, or after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        with self._condition:
            while self._status.generation == generation and not self._closed:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._condition.wait(remaining)
            return self._status

    def close(self) -> None:
        """Answer every waiting tab now (the server is going away)."""
        with self._condition:
            self._closed = True
            self._condition.notify_all()

    def _publish(self, status: BuildStatus) -> None:
        with self._condition:
            if status.epoch is not None and status.epoch is not self._status.epoch:
                self._changes.append((status.epoch.number, status.epoch.changed))
                del self._changes[:-HISTORY]
            self._status = status
            self._condition.notify_all()


def _settle_heap() -> None:
    """After the first build, hide what it left alive (the render cache: bodies, pages, the
    search index, parsed sources) from the cycle collector. Otherwise every rebuild, whose
    discarded site model is a cycle (parents and children) that only a full collection
    frees, brings on a full collection that walks the whole cache again: at 5,000 pages
    about a third of a one-page rebuild. What is frozen is still freed by reference
    counting when a later build replaces it; the first build's own garbage is collected
    here first, so nothing of it is kept."""
    gc.collect()
    gc.freeze()


def _changed(before: Mapping[str, bytes], after: Mapping[str, bytes]) -> frozenset[str]:
    return frozenset(path for path in before.keys() | after.keys() if before.get(path) != after.get(path))


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def _summarise(inputs: Sequence[str]) -> str:
    shown = ", ".join(inputs[:3])
    return shown + (f" and {len(inputs) - 3} more" if len(inputs) > 3 else "")
