"""Watching the project's inputs with watchfiles, and handing over settled batches of changes.

Two watchers feed one queue: a recursive one over the input folders (content, the
plugin index with its local wagons, themes, layouts, static) and a flat one over the
project folder itself, for `site.toml` (editors replace it by renaming, which a
watch on the file would lose) and for input folders that appear or vanish. Each
watcher yields its changes once a step (STEP_MS) passed without a new one, so the
writes, renames and deletes of one editor save (microseconds apart) make one batch;
the dispatcher then waits SETTLE seconds more for the other watcher and for the rest
of a save of several files, and hands the batch over. Changes that arrive during a
rebuild make the next batch, so a save slower than that costs a second rebuild,
never a stale page. Both waits are short because a body-only edit now rebuilds in
tens of milliseconds: mkdocs' 0.1 s settle on top of watchfiles' 50 ms step was most
of the preview's edit-to-reload time.
"""
from __future__ import annotations

import queue
import threading
import traceback
from pathlib import Path
from typing import Callable

import watchfiles

from ..config import SiteConfig
from ..diagnostics import Report
from ..sources import CONFIG_NAMES, load_project_config
from ..sources.hugo import CONFIG_DIR as HUGO_CONFIG_DIR

FIXED_INPUTS = ("themes", "layouts", "static")
STEP_MS = 20  # watchfiles' quiet period before it yields a batch (its default: 50)
SETTLE = 0.02  # seconds the dispatcher waits for more changes after a batch


def input_names(project: Path) -> set[str]:
    """Project-relative folders whose files a build reads, whether they exist yet or not."""
    config = load_project_config(project, Report()) or SiteConfig()
    # a Hugo project's config/_default/ is configuration too
    return {config.content_dir, config.plugins_dir, config.layouts_dir, *FIXED_INPUTS, HUGO_CONFIG_DIR}


def input_folders(project: Path) -> list[Path]:
    """The input folders that exist."""
    return sorted(project / name for name in input_names(project) if (project / name).is_dir())


class SourceWatcher:
    """Calls `on_change(paths)` (project-relative, sorted) from its own thread after each settled batch."""

    def __init__(self, project: Path, on_change: Callable[[list[str]], None], *, settle: float = SETTLE,
                 force_polling: bool = False) -> None:
        self.project = project.resolve()
        self.on_change = on_change
        self.settle = settle
        self.force_polling = force_polling
        self._changes: queue.Queue[set[str]] = queue.Queue()
        self._stop = threading.Event()
        self._folders: list[Path] = []
        self._top_level: set[str] = set()
        self._tree_stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self, ready_timeout: float = 10.0) -> None:
        """Start watching; returns once both watchers are in place (or after `ready_timeout`)."""
        root_ready = self._watch([self.project], recursive=False, stop=self._stop, name="project")
        tree_ready = self._restart_tree()
        dispatcher = threading.Thread(target=self._dispatch, name="catalog-serve-rebuild", daemon=True)
        dispatcher.start()
        self._threads.append(dispatcher)
        root_ready.wait(ready_timeout)
        tree_ready.wait(ready_timeout)

    def stop(self, timeout: float = 5.0) -> None:
        """Stop watching; waits up to `timeout` seconds for a rebuild in progress."""
        self._stop.set()
        self._tree_stop.set()
        for thread in self._threads:
            thread.join(timeout)

    def _restart_tree(self) -> threading.Event:
        self._tree_stop.set()
        self._tree_stop = threading.Event()
        self._folders = input_folders(self.project)
        self._top_level = _top_level(self.project)
        return self._watch(self._folders, recursive=True, stop=self._tree_stop, name="inputs")

    def _refresh_folders(self) -> None:
        """An input folder appeared or vanished, or site.toml names other ones: watch what exists now."""
        self._top_level = _top_level(self.project)
        if input_folders(self.project) != self._folders:
            self._restart_tree()

    def _watch(self, paths: list[Path], *, recursive: bool, stop: threading.Event, name: str) -> threading.Event:
        """Start a watcher thread; the returned event is set once its watches are in place."""
        ready = threading.Event()
        if not paths:
            ready.set()
            return ready
        is_input = self._is_root_input if not recursive else _is_tree_input

        def run() -> None:
            # yield_on_timeout: the first (empty) yield tells that the watches exist
            for changes in watchfiles.watch(*paths, watch_filter=is_input, recursive=recursive, stop_event=stop,
                                            step=STEP_MS, rust_timeout=200, yield_on_timeout=True,
                                            raise_interrupt=False, force_polling=self.force_polling or None):
                ready.set()
                if changes and not (stop.is_set() or self._stop.is_set()):
                    self._changes.put({path for _, path in changes})
            ready.set()

        thread = threading.Thread(target=run, name=f"catalog-serve-watch-{name}", daemon=True)
        thread.start()
        self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        return ready

    def _is_root_input(self, change: watchfiles.Change, path: str) -> bool:
        name = Path(path).name
        return (name in CONFIG_NAMES or name in self._top_level) and not is_editor_temp(name)  # site.toml...

    def _dispatch(self) -> None:
        while not self._stop.is_set():
            try:
                batch = set(self._changes.get(timeout=0.2))
            except queue.Empty:
                continue
            while True:  # settle: wait until the changes stop coming
                try:
                    batch |= self._changes.get(timeout=self.settle)
                except queue.Empty:
                    break
            if self._stop.is_set():
                return
            if any(Path(path).parent == self.project for path in batch):
                self._refresh_folders()
            try:
                self.on_change(sorted(_relative(path, self.project) for path in batch))
            except Exception:  # keep watching: the next change may well build
                traceback.print_exc()


_DEFAULT_FILTER = watchfiles.DefaultFilter()


def is_editor_temp(name: str) -> bool:
    """Whether a file name is one an editor writes beside the file it saves (a swap file, a
    backup, a test of the folder's permissions, a safe-write copy): Hugo's own list
    (hugolib's watcher, isTempFile), so a save neither rebuilds twice nor is reported as
    a change of 'content/4913'. watchfiles' DefaultFilter knows only some of them."""
    dot = name.rfind(".")
    ext = name[dot:] if dot >= 0 else ""  # as Go's filepath.Ext: from the last dot
    return (ext.endswith("~")
            or ext in (".swp", ".swx", ".tmp", ".DS_Store")  # vim's swap files, any temp file, macOS
            or name == "4913"  # vim: the file it writes to test that the folder is writable
            or ext.startswith((".goutputstream", ".sb-"))  # GNOME's safe write, Byword
            or ext.endswith(("jb_old___", "jb_tmp___", "jb_bak___"))  # JetBrains' safe write
            or name.startswith("#") or name.startswith(".#"))  # emacs: autosave, lock


def _is_tree_input(change: watchfiles.Change, path: str) -> bool:
    return not is_editor_temp(Path(path).name) and _DEFAULT_FILTER(change, path)


def _top_level(project: Path) -> set[str]:
    return {Path(name).parts[0] for name in input_names(project) if Path(name).parts}


def _relative(path: str, project: Path) -> str:
    try:
        return Path(path).relative_to(project).as_posix()
    except ValueError:
        return path
