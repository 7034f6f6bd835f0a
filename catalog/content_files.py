"""Content files: which files below the content folder are pages (hidden files, `exclude`
patterns and, for a Jekyll site, files without front matter left out; there an HTML file
with front matter is a page too), and each one read
into an unlinked Page: as a regular file, as UTF-8, its front matter parsed and its known
keys type-checked. SourceMemo spares reading and parsing files that did not change.
"""
from __future__ import annotations

import errno
import fnmatch
import functools
import hashlib
import itertools
import os
import pickle
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, NamedTuple

from .config import SiteConfig
from .content import Page, _humanize
from .diagnostics import Diagnostic, LocatedError, Report
from .hashing import code_digest, digest
from .jekyll_urls import has_yaml_header, is_html_page, is_liquid_file, is_section_file, markdown_suffix, stem
from .parallel import MIN_PARALLEL, Workers
from .regular_files import open_regular_file, read_regular_file

SECTION_FILES = ("_index.md", "index.md")
_TASKS_PER_WORKER = 4  # files the memo lacks, in so many tasks a worker (SourceMemo.pages)

# Front matter keys with a meaning to the generator, and the types they accept.
KNOWN_FIELDS: dict[str, tuple[type, ...]] = {
    "title": (str,), "weight": (int,), "description": (str,), "draft": (bool,),
    "hidden": (bool,), "alwaysopen": (bool,), "aliases": (str, list), "url": (str,),
    "slug": (str,), "node_name": (str,), "parent": (list, str), "published": (bool,),
    "exclude_from_search": (bool,), "linktitle": (str,),
    "_build": (dict,),  # Hugo's build options, which Hugo refuses in any other form (page_build_options.py)
}


@dataclass(frozen=True)
class _Parsed:
    """What one content file gave when it was last read: its page (a template, copied into
    each new site, never linked into a tree itself) or the diagnostics that rejected it."""

    stat: tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode
    trusted: bool  # the stat alone may vouch for the bytes next time (see SourceMemo)
    digest: str
    page: Page | None
    diagnostics: tuple[Diagnostic, ...]
    where: tuple[str, str] = ("", "")  # the rel and the shown source it was parsed as (page and diagnostics name them)


class SourceMemo:
    """Content files as last parsed, by path: a rebuild reads and parses only files that changed.

    A file is taken as unchanged without reading it when its size, mtime, ctime and inode
    are those of the last read. ctime cannot be set from user space, so an edit that keeps
    size and mtime (an editor or `touch -d` restoring the old mtime) still changes it. What
    the stat cannot tell is a second write within the same tick of the file system's coarse
    clock: a file whose mtime or ctime was within RACY_NS of the moment it was read is
    "racily clean" (as git calls it) and is read and hashed again next time; only different
    bytes are parsed again."""

    RACY_NS = 2_000_000_000  # the coarsest common timestamp (FAT's 2 s), and clock skew

    def __init__(self) -> None:
        self.files: dict[str, _Parsed] = {}
        # the other files of the content folder (attachments, images), by path: (stat, sha256 of
        # the bytes), so that a build publishes an unchanged one without reading it (page_files)
        self.digests: dict[str, tuple[tuple[int, int, int, int], str]] = {}
        self._asked: set[str] = set()  # the paths of `digests` this build asked for; the others are gone
        self.changed = False  # a file was parsed, or its record renewed or dropped, since load() or save()

    @classmethod
    def load(cls, path: Path) -> SourceMemo:
        """The memo `save` left in `path` (the CLI's .catalog-cache/sources.pickle) if this very
        code wrote it, else an empty one: a missing or unreadable file costs reading every page."""
        memo = cls()
        try:
            with open_regular_file(path) as handle:  # a FIFO named like the memo would wait for ever
                stored = pickle.load(handle)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError, ValueError):
            return memo
        if isinstance(stored, dict) and stored.get("code") == _code_key() and isinstance(stored.get("files"), dict):
            memo.files, memo.digests = stored["files"], stored.get("digests", {})
        return memo

    def save(self, path: Path) -> None:
        """Keep the memo for the next process's build, whole or not at all; OSError if it cannot."""
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        try:
            with temporary.open("wb") as handle:
                digests = {path: entry for path, entry in self.digests.items() if path in self._asked}
                pickle.dump({"code": _code_key(), "files": self.files, "digests": digests}, handle,
                            protocol=pickle.HIGHEST_PROTOCOL)
            temporary.replace(path)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        self.changed = False

    def page(self, path: str, rel: str, source: str, report: Report, read: SourceRead | None = None) -> Page | None:
        """A fresh, unlinked Page of the file `path`, parsed again only if its bytes changed;
        `read`: what read_source just made of a file this memo has no record of (`lacks`)."""
        known = self.files.get(path)
        where = (rel, source)
        if known is not None and known.where != where:  # another content folder's name for the same file
            known = None
        if known is None:  # read and parse it, as a worker may have done already (pages)
            return self._take(path, source, read or read_source((path, rel, source)), report)
        now = time.time_ns()
        try:
            stat = os.stat(path)
        except OSError as exc:   # a dangling or looping symbolic link, a folder without search permission
            return self._take(path, source, SourceRead(None, _os_reason(path, exc)), report)
        signature = (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)
        if known.stat != signature or not known.trusted:
            try:
                data = read_regular_file(path)
            except OSError as exc:
                return self._take(path, source, SourceRead(None, _os_reason(path, exc)), report)
            file_digest = hashlib.sha256(data).hexdigest()
            if known.digest != file_digest:
                return self._take(path, source, SourceRead(_parse(data, file_digest, rel, source, now, signature)), report)
            trusted = max(stat.st_mtime_ns, stat.st_ctime_ns) < now - self.RACY_NS
            known = _Parsed(signature, trusted, file_digest, known.page, known.diagnostics, where)
            self.files[path] = known
            self.changed = True
        return self._copy(known, report)

    def lacks(self, path: str, rel: str, source: str) -> bool:
        """Whether `page` has to read and parse the file `path` whatever its stat (read_source)."""
        known = self.files.get(path)
        return known is None or known.where != (rel, source)

    def pages(self, files: list[tuple[str, str, str]], report: Report,
              workers: Workers | None = None) -> Iterator[Page | None]:
        """`page` of each (path, rel, source), in order; the files this memo lacks read and
        parsed by `workers` when there are enough of them (a cold build's: every file)."""
        new = [self.lacks(*file) for file in files]
        lacking = [file for file, lacks in zip(files, new) if lacks]
        reads: Iterator[SourceRead] = iter(())
        if workers is not None and len(lacking) >= MIN_PARALLEL:  # else read here, one by one (`page`)
            # a few ranges of the list (sent once) a worker, all handed out at once: each task's
            # pages cross a pipe, a round trip of milliseconds on a busy machine (tasks of 32
            # files, a few ahead, left the workers waiting for work half of a cold load)
            # (fewer ranges than MIN_PARALLEL: Workers.imap then makes each a task of its own)
            size = -(-len(lacking) // min(workers.jobs * _TASKS_PER_WORKER, MIN_PARALLEL - 1))
            batches = [range(start, min(start + size, len(lacking))) for start in range(0, len(lacking), size)]
            reads = itertools.chain.from_iterable(workers.imap(
                functools.partial(read_sources, lacking), batches, len(batches), min_parallel=1, ahead=len(batches)))
        for file, lacks in zip(files, new):
            yield self.page(*file, report, next(reads, None) if lacks else None)
        for _ in reads:  # the end of the workers' results, which lets their generator finish
            pass

    def _take(self, path: str, source: str, read: SourceRead, report: Report) -> Page | None:
        if read.parsed is None:
            self.changed |= self.files.pop(path, None) is not None
            report.error(source, 0, 0, "file-unreadable", f"cannot read the file: {read.reason}",
                         _UNREADABLE_HINT)
            return None
        self.files[path] = read.parsed
        self.changed = True
        return self._copy(read.parsed, report)

    @staticmethod
    def _copy(known: _Parsed, report: Report) -> Page | None:
        report.extend(known.diagnostics)
        if known.page is None:
            return None
        page = Page.__new__(Page)  # a shallow copy, without copy.copy's generic detour
        page.__dict__.update(known.page.__dict__, children=[])
        return page

    def known_digest(self, path: str) -> str | None:
        """The sha256 of the file `path` (no page) when its stat is that of an earlier read the
        stat may vouch for (see the class), else None: read it, and `note_digest`."""
        self._asked.add(path)
        known = self.digests.get(path)
        if known is None:
            return None
        try:
            stat = os.stat(path)
        except OSError:
            return None
        return known[1] if known[0] == (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino) else None

    def note_digest(self, path: str, stat: os.stat_result, now: int, sha256: str) -> None:
        """Keep the sha256 of the bytes of `path` read after `stat` was taken, at `now` (ns)."""
        signature = (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)
        if max(stat.st_mtime_ns, stat.st_ctime_ns) >= now - self.RACY_NS:  # racily clean: read it next time
            self.changed |= self.digests.pop(path, None) is not None
        elif self.digests.get(path) != (signature, sha256):
            self.digests[path] = (signature, sha256)
            self.changed = True

    def retain(self, paths: set[str]) -> None:
        """Forget files that are gone."""
        if len(paths) != len(self.files):
            kept = {key: value for key, value in self.files.items() if key in paths}
            self.changed |= len(kept) != len(self.files)
            self.files = kept


class SourceRead(NamedTuple):
    """A content file read and parsed afresh (read_source), in this process or a worker:
    what the memo keeps of it, or why it could not be read."""

    parsed: _Parsed | None
    reason: str = ""  # why it could not be read (parsed is None)


def read_source(file: tuple[str, str, str]) -> SourceRead:
    """Read, hash and parse the content file (path, rel, source): the part of
    SourceMemo.page that needs no memo, and so can run in a worker (SourceMemo.pages)."""
    path, rel, source = file
    now = time.time_ns()
    try:
        stat = os.stat(path)
        data = read_regular_file(path)
    except OSError as exc:   # a dangling or looping symbolic link, a folder without search permission
        return SourceRead(None, _os_reason(path, exc))
    signature = (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)
    return SourceRead(_parse(data, hashlib.sha256(data).hexdigest(), rel, source, now, signature))


def read_sources(files: list[tuple[str, str, str]], batch: range) -> list[SourceRead]:
    """read_source of each file of the batch: a worker's task (SourceMemo.pages)."""
    return [read_source(files[index]) for index in batch]


def _parse(data: bytes, file_digest: str, rel: str, source: str, now: int,
           signature: tuple[int, int, int, int]) -> _Parsed:
    """What the memo keeps of a file whose bytes `data` were read after a stat gave `signature`, at `now` (ns)."""
    parsed = Report()
    page = _read_page(data, file_digest, rel, source, parsed)
    trusted = max(signature[1], signature[2]) < now - SourceMemo.RACY_NS
    return _Parsed(signature, trusted, file_digest, page, tuple(parsed.items), (rel, source))


def _code_key() -> str:
    """The code that parsed a saved memo's pages: another version's Page may differ."""
    return code_digest(Path(__file__).parent, (".py",))


_UNREADABLE_HINT = "a content file is a regular file the build can read: fix this one or remove it"


def _os_reason(path: str, exc: OSError) -> str:
    reason = exc.strerror or str(exc)
    if os.path.islink(path) and exc.errno in (errno.ENOENT, errno.ELOOP):
        return f"a symbolic link that cannot be followed ({reason.lower()})"
    return reason


def content_files(project: Path, config: SiteConfig) -> list[str]:
    """The content folder's Markdown files (POSIX paths below it), as load_site reads them."""
    root = project / config.content_dir
    files = _markdown_files(root, config.content_exclude, config.jekyll)
    if config.jekyll:  # an HTML (or other) file is a page when it starts with front matter, as Jekyll decides
        files = [rel for rel in files if not is_html_page(rel) or has_yaml_header(root / rel)]
    if config.front_matter_required:  # as Jekyll: a file without front matter is no page
        files = [rel for rel in files if _starts_with_front_matter(root / rel)]
    return files


def source_path(config: SiteConfig, rel: str) -> str:
    """A content file's path as diagnostics show it, relative to the project."""
    folder = config.content_dir.strip("/")
    return rel if folder in ("", ".") else f"{folder}/{rel}"


def excluded(rel: str, patterns: tuple[str, ...]) -> bool:
    """Whether a path, or one of its folders, matches a pattern (Jekyll's `exclude`)."""
    parts = rel.split("/")
    prefixes = ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]
    return any(fnmatch.fnmatchcase(name, pattern) or fnmatch.fnmatchcase(prefix, pattern.strip("/"))
               for pattern in patterns for name, prefix in zip(parts, prefixes))


def _starts_with_front_matter(path: Path) -> bool:
    try:
        head = read_regular_file(str(path), limit=5)  # a FIFO would wait for a writer for ever
    except OSError:
        return True  # load_site reports what is wrong with it
    return head.removeprefix(b"\xef\xbb\xbf").startswith((b"---", b"+++"))


def ignored_name(name: str) -> bool:
    """Whether a file or folder below content/ is no part of the site, as Hugo's content walk
    has it: hidden (`.x`), an editor's autosave (emacs' `#x.md#`) or backup (`x.md~`)."""
    return name.startswith((".", "#")) or name.endswith("~")


def _markdown_files(root: Path, exclude: tuple[str, ...] = (), jekyll: bool = False) -> list[str]:
    """POSIX paths below `root` of its *.md files, ignored names (ignored_name) and those
    `excluded` by the patterns left out (an excluded folder, such as a Jekyll root's public/,
    is not walked), in the order of sorted(root.rglob("*.md")), which also does not enter
    linked folders. (rglob itself hashes every Path it yields: a third of a 5,000-page
    preview rebuild.)"""
    found: list[str] = []

    def visit(folder: str, prefix: str) -> None:  # siblings by name, a folder where its name sorts
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError:
            return
        for entry in entries:
            if ignored_name(entry.name):
                continue
            rel = prefix + entry.name
            if exclude and excluded(rel, exclude):
                continue
            if entry.is_dir(follow_symlinks=False):
                visit(entry.path, rel + "/")
            elif (markdown_suffix(entry.name, jekyll) or jekyll and is_html_page(entry.name)
                  and not (is_liquid_file(entry.name) and entry.is_symlink())) \
                    and not _links_to_folder(entry):  # .markdown and .html: Jekyll's (content_files)
                # a linked feed.xml is no page, as a linked file is not copied (Jekyll --safe: neither)
                found.append(rel)   # whatever it is: SourceMemo.page reads only regular files

    visit(str(root), "")
    return found


def _links_to_folder(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:   # a symbolic link loop
        return False


def _read_page(data: bytes, file_digest: str, rel: str, source: str, report: Report) -> Page | None:
    from . import frontmatter  # here: with every file unchanged, a build imports no YAML parser (issue 20)
    try:  # as Path.read_text reads it: universal newlines
        text = data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError as exc:
        line = exc.object.count(b"\n", 0, exc.start) + 1
        col = exc.start - exc.object.rfind(b"\n", 0, exc.start)
        report.error(source, line, col, "encoding", f"file is not UTF-8: {exc.reason} at byte {exc.start}",
                     "save the file as UTF-8")
        return None
    try:
        fm = frontmatter.parse(text, source)
    except LocatedError as err:
        report.add(err.diagnostic)
        return None
    meta = fm.meta
    # Hugo reads front-matter keys without regard to case (`Title:`, `Weight:`): the known
    # ones are read under their lower-case name, and checked as such. The keys are copied
    # first: adding to a dict while iterating it is an error.
    for key in list(meta):
        lowered = key.lower()
        if lowered != key and lowered in KNOWN_FIELDS and lowered not in meta:
            meta[lowered] = meta[key]
            if key in fm.key_lines:
                fm.key_lines.setdefault(lowered, fm.key_lines[key])
    ok = True
    for key, types in KNOWN_FIELDS.items():
        if key in meta and meta[key] is not None and not isinstance(meta[key], types):
            expected = " or ".join({str: "a string", int: "an integer", bool: "true or false",
                                    list: "a list", dict: "a table"}[t] for t in types)
            report.error(source, fm.key_lines.get(key, 1), 1, "front-matter-type",
                         f"'{key}' must be {expected}, got {type(meta[key]).__name__} {meta[key]!r}",
                         f"for example: {key}: {_example_value(key)}")
            ok = False
        elif key == "weight" and isinstance(meta.get(key), bool):
            report.error(source, fm.key_lines.get(key, 1), 1, "front-matter-type",
                         f"'weight' must be an integer, got {meta[key]!r}", "for example: weight: 10")
            ok = False
    if not ok:
        return None
    name = rel.rsplit("/", 1)[-1]
    folder = rel.rsplit("/", 1)[0] if "/" in rel else ""
    kind = "section" if name in SECTION_FILES or is_section_file(name) else "page"
    aliases = meta.get("aliases") or ()
    if isinstance(aliases, str):
        aliases = (aliases,)
    page = Page(rel=rel, source=source, kind=kind, meta=meta, body=fm.body, body_line=fm.body_line,
                key_lines=fm.key_lines, dir=folder,
                title=str(meta.get("title") or (_humanize(folder.rsplit("/", 1)[-1]) if kind == "section" and folder
                                               else _humanize(stem(name)))),
                weight=int(meta.get("weight") or 0), description=str(meta.get("description") or ""),
                hidden=bool(meta.get("hidden")), alwaysopen=bool(meta.get("alwaysopen")),
                draft=bool(meta.get("draft")) or meta.get("published") is False,
                aliases=tuple(str(a) for a in aliases), digest=file_digest, meta_digest=digest(meta))
    return page


def _example_value(key: str) -> str:
    return {"weight": "10", "draft": "true", "hidden": "true", "alwaysopen": "true", "published": "false",
            "aliases": "[/old/path/]", "parent": "[user_guide]",
            "_build": "{render: never, list: never}"}.get(key, '"text"')
