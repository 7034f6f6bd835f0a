"""The content model: pages and sections read from content/, in Hugo's tree and order.

Folders are sections and `_index.md` is a section's own page. Pages written for
Jekyll sites (`parent` / `node_name`) are hung under the page whose `node_name`
their `parent` names, so both dialects share one sidebar tree.
"""
from __future__ import annotations

import datetime
import errno
import fnmatch
import hashlib
import os
import posixpath
import re
import stat as statmod
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from . import frontmatter
from .build_options import apply_build_options
from .collation import collation_key
from .config import SiteConfig
from .diagnostics import Diagnostic, LocatedError, Report, did_you_mean
from .hashing import digest
from .languages import is_section_file, language_stem

SECTION_FILES = ("_index.md", "index.md")

# Front matter keys with a meaning to the generator, and the types they accept.
KNOWN_FIELDS: dict[str, tuple[type, ...]] = {
    "title": (str,), "weight": (int,), "description": (str,), "draft": (bool,),
    "hidden": (bool,), "alwaysopen": (bool,), "aliases": (str, list), "url": (str,),
    "slug": (str,), "node_name": (str,), "parent": (list, str), "published": (bool,),
    "exclude_from_search": (bool,), "linktitle": (str,),
}


@dataclass(eq=False)
class Page:
    """One page of the site: a regular page, a section's landing page, or the home page."""

    rel: str  # POSIX path below content/, e.g. "writing/shortcodes.md"; "" for a made-up section
    source: str  # path for diagnostics, relative to the project, e.g. "content/writing/shortcodes.md"
    kind: str  # "home" | "section" | "page"
    meta: dict[str, Any]
    body: str
    body_line: int
    key_lines: dict[str, int] = field(default_factory=dict)
    dir: str = ""  # the section folder this page belongs to (its own folder for a section)
    url: str = ""
    title: str = ""
    weight: int = 0
    description: str = ""
    hidden: bool = False
    alwaysopen: bool = False
    draft: bool = False
    aliases: tuple[str, ...] = ()
    parent: "Page | None" = None
    children: list["Page"] = field(default_factory=list)
    digest: str = ""  # sha256 of the source file's bytes: fixes meta, body and body_line
    meta_digest: str = ""  # hash of the front matter alone (what the page tree shows of it)

    @property
    def is_section(self) -> bool:
        return self.kind in ("home", "section")

    @property
    def linktitle(self) -> str:
        return str(self.meta.get("linktitle") or self.title)

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, 1)

    def ancestors(self) -> list["Page"]:
        """From the home page down to this page's parent."""
        chain: list[Page] = []
        node = self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain[::-1]

    def walk(self) -> Iterator["Page"]:
        """This page and its descendants, in sidebar reading order."""
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class Site:
    """All pages of the site, indexed the ways the generator looks them up."""

    home: Page
    pages: list[Page]  # every published page, home first, in reading order
    by_rel: dict[str, Page]  # "a/b.md" and "a/_index.md" -> page
    # Hugo's build options (build_options.py): pages not written (headless, `render: never`
    # or `link`), which refs still find, and bundle folders whose own files are not published
    unwritten: list[Page] = field(default_factory=list)
    unpublished: tuple[str, ...] = ()
    language: str = ""  # the Hugo default content language whose file suffix names no page (languages.py)

    def sections(self) -> list[Page]:
        return [p for p in self.pages if p.is_section]


def sort_key(page: Page) -> tuple:
    """Hugo's default order (page.DefaultPageSort): weight ascending with unset (0) last,
    then date, newest first, then the link title as a collator orders it (a page without a
    title sorts as ""), then the file's path (case aside), a section without a file first."""
    title = page.title if page.is_section else ""
    title = str(page.meta.get("linktitle") or page.meta.get("title") or title)
    # the path as Hugo's compare.LessStrings orders it: letters without regard to case first
    return (page.weight == 0, page.weight, -_date_seconds(page.meta), collation_key(title),
            bool(page.rel), page.rel.lower(), page.rel)


_ZERO_TIME = -62135596800  # Go's zero time in Unix seconds: the date of a page without one


def _date_seconds(meta: dict[str, Any]) -> int:
    """The page's date as Hugo reads it by default (date, else publishDate, else lastmod)."""
    for key in ("date", "publishdate", "lastmod"):
        value = next((v for k, v in meta.items() if str(k).lower() == key), None)
        if isinstance(value, str):
            try:
                value = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                continue
        if isinstance(value, datetime.datetime):
            if value.tzinfo is None:
                value = value.replace(tzinfo=datetime.timezone.utc)
            return int(value.timestamp())
        if isinstance(value, datetime.date):
            return int(datetime.datetime(value.year, value.month, value.day, tzinfo=datetime.timezone.utc).timestamp())
    return _ZERO_TIME


def _humanize(name: str) -> str:
    words = re.sub(r"[-_]+", " ", name).strip()
    return words[:1].upper() + words[1:]


def urlize(path: str) -> str:
    """Hugo's pretty, lower-cased URL path for a content path (no extension)."""
    path = path.lower().replace(" ", "-")
    return re.sub(r"/+", "/", path)


@dataclass(frozen=True)
class _Parsed:
    """What one content file gave when it was last read: its page (a template, copied into
    each new site, never linked into a tree itself) or the diagnostics that rejected it."""

    stat: tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode
    trusted: bool  # the stat alone may vouch for the bytes next time (see SourceMemo)
    digest: str
    page: Page | None
    diagnostics: tuple[Diagnostic, ...]


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

    def page(self, path: str, rel: str, source: str, report: Report) -> Page | None:
        """A fresh, unlinked Page of the file `path`, parsed again only if its bytes changed."""
        now = time.time_ns()
        try:
            stat = os.stat(path)
        except OSError as exc:   # a dangling or looping symbolic link, a folder without search permission
            self.files.pop(path, None)
            report.error(source, 0, 0, "file-unreadable", f"cannot read the file: {_os_reason(path, exc)}",
                         _UNREADABLE_HINT)
            return None
        signature = (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)
        known = self.files.get(path)
        if known is None or known.stat != signature or not known.trusted:
            try:
                data = _read_regular_file(path)
            except OSError as exc:
                self.files.pop(path, None)
                report.error(source, 0, 0, "file-unreadable", f"cannot read the file: {_os_reason(path, exc)}",
                             _UNREADABLE_HINT)
                return None
            file_digest = hashlib.sha256(data).hexdigest()
            if known is None or known.digest != file_digest:
                parsed = Report()
                page = _read_page(data, file_digest, rel, source, parsed)
                known = _Parsed(signature, False, file_digest, page, tuple(parsed.items))
            trusted = max(stat.st_mtime_ns, stat.st_ctime_ns) < now - self.RACY_NS
            known = _Parsed(signature, trusted, file_digest, known.page, known.diagnostics)
            self.files[path] = known
        report.extend(known.diagnostics)
        if known.page is None:
            return None
        page = Page.__new__(Page)  # a shallow copy, without copy.copy's generic detour
        page.__dict__.update(known.page.__dict__, children=[])
        return page

    def retain(self, paths: set[str]) -> None:
        """Forget files that are gone."""
        if len(paths) != len(self.files):
            self.files = {key: value for key, value in self.files.items() if key in paths}


_UNREADABLE_HINT = "a content file is a regular file the build can read: fix this one or remove it"


def _read_regular_file(path: str) -> bytes:
    """The bytes of `path`, which must be a regular file: opened without blocking (a FIFO would
    wait for a writer for ever) and checked on the open file, so a swap after a stat cannot
    slip a FIFO or device in."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not statmod.S_ISREG(mode):
            kind = "a FIFO" if statmod.S_ISFIFO(mode) else "a socket" if statmod.S_ISSOCK(mode) else \
                "a device" if statmod.S_ISCHR(mode) or statmod.S_ISBLK(mode) else "a folder" \
                if statmod.S_ISDIR(mode) else "a special file"
            raise OSError(errno.EINVAL, f"it is {kind}, not a regular file")
        with open(fd, "rb", closefd=False) as handle:
            return handle.read()
    finally:
        os.close(fd)


def _os_reason(path: str, exc: OSError) -> str:
    reason = exc.strerror or str(exc)
    if os.path.islink(path) and exc.errno in (errno.ENOENT, errno.ELOOP):
        return f"a symbolic link that cannot be followed ({reason.lower()})"
    return reason


def content_files(project: Path, config: SiteConfig) -> list[str]:
    """The content folder's Markdown files (POSIX paths below it), as load_site reads them."""
    files = _markdown_files(project / config.content_dir, config.content_exclude)
    if config.front_matter_required:  # as Jekyll: a file without front matter is no page
        root = project / config.content_dir
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
        with open(path, "rb") as handle:
            head = handle.read(5)
    except OSError:
        return True  # load_site reports what is wrong with it
    return head.removeprefix(b"\xef\xbb\xbf").startswith((b"---", b"+++"))


def load_site(project: Path, config: SiteConfig, report: Report, *, drafts: bool = False,
              memo: SourceMemo | None = None, files: list[str] | None = None) -> Site:
    """Read every page under the content folder and build the tree; report all problems.

    `memo` (kept by the caller between builds) spares reading and parsing unchanged files;
    `files` are the content files when the caller listed them already (content_files)."""
    content_root = project / config.content_dir
    memo = memo or SourceMemo()
    pages: dict[str, Page] = {}
    seen: set[str] = set()
    for rel in content_files(project, config) if files is None else files:
        path = os.path.join(content_root, rel)
        seen.add(path)
        page = memo.page(path, rel, source_path(config, rel), report)
        if page is None:
            continue
        if page.draft and not drafts:
            continue
        if config.content_language and is_section_file(rel, config.content_language):
            page.kind = "section"  # Hugo's _index.en.md: the folder's page in the default language
        pages[rel] = page
    memo.retain(seen)
    home = pages.get("_index.md") or pages.get("index.md") or \
        next((p for rel, p in pages.items() if p.kind == "section" and "/" not in rel), None)  # _index.en.md
    if home is None:
        home = Page("", config.content_dir.strip("/") or ".", "home", {}, "", 1, title=config.title)
    home.kind = "home"
    home.dir = ""
    if not home.title:
        home.title = config.title
    sections = _collect_sections(pages, home)
    for page in pages.values():
        if page.kind == "section" and page is not home and sections.get(page.dir) is not page:
            chosen = home if not page.dir else sections[page.dir]
            report.warning(page.source, 1, 1, "section-page-twice",
                           f"ignored: {chosen.source} is already this folder's page",
                           f"merge the two files, or rename this one to make it a page of its own")
    _link_tree(pages, sections, home, report)
    _assign_urls(home, config)
    for page in home.walk():
        _check_page_url(page, report)
    ordered, unwritten, unpublished = apply_build_options(home)
    by_rel = {p.rel: p for p in ordered if p.rel}
    return Site(home, ordered, by_rel, unwritten, tuple(unpublished), config.content_language.lower())


def _markdown_files(root: Path, exclude: tuple[str, ...] = ()) -> list[str]:
    """POSIX paths below `root` of its *.md files, hidden files and folders and those
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
            if entry.name.startswith("."):
                continue
            rel = prefix + entry.name
            if exclude and excluded(rel, exclude):
                continue
            if entry.is_dir(follow_symlinks=False):
                visit(entry.path, rel + "/")
            elif entry.name.endswith(".md") and not _links_to_folder(entry):
                found.append(rel)   # whatever it is: SourceMemo.page reads only regular files

    visit(str(root), "")
    return found


def _links_to_folder(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:   # a symbolic link loop
        return False


def _read_page(data: bytes, file_digest: str, rel: str, source: str, report: Report) -> Page | None:
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
                                    list: "a list"}[t] for t in types)
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
    kind = "section" if name in SECTION_FILES else "page"
    aliases = meta.get("aliases") or ()
    if isinstance(aliases, str):
        aliases = (aliases,)
    page = Page(rel=rel, source=source, kind=kind, meta=meta, body=fm.body, body_line=fm.body_line,
                key_lines=fm.key_lines, dir=folder,
                title=str(meta.get("title") or (_humanize(folder.rsplit("/", 1)[-1]) if kind == "section" and folder
                                               else _humanize(name[:-3]))),
                weight=int(meta.get("weight") or 0), description=str(meta.get("description") or ""),
                hidden=bool(meta.get("hidden")), alwaysopen=bool(meta.get("alwaysopen")),
                draft=bool(meta.get("draft")) or meta.get("published") is False,
                aliases=tuple(str(a) for a in aliases), digest=file_digest, meta_digest=digest(meta))
    return page


def _example_value(key: str) -> str:
    return {"weight": "10", "draft": "true", "hidden": "true", "alwaysopen": "true", "published": "false",
            "aliases": "[/old/path/]", "parent": "[user_guide]"}.get(key, '"text"')


def _collect_sections(pages: dict[str, Page], home: Page) -> dict[str, Page]:
    """Section pages by folder, making up one for every folder that has no _index.md."""
    sections: dict[str, Page] = {"": home}
    for rel, page in pages.items():
        if page.kind == "section" and page is not home:
            if page.dir in sections and sections[page.dir].rel != rel:
                # both _index.md and index.md in one folder: _index.md wins, as in Hugo
                continue
            sections[page.dir] = page
    for page in list(pages.values()):
        # every folder above a page, also above a folder that has its own _index.md
        # ("a/b/_index.md" alone still needs a section "a" to hang under)
        folder = page.dir if page.kind == "page" else page.dir.rpartition("/")[0]
        while folder and folder not in sections:
            name = folder.rsplit("/", 1)[-1]
            sections[folder] = Page("", f"{folder}/", "section", {}, "", 1, dir=folder, title=_humanize(name))
            folder = folder.rsplit("/", 1)[0] if "/" in folder else ""
    return sections


def _link_tree(pages: dict[str, Page], sections: dict[str, Page], home: Page, report: Report) -> None:
    nodes = {str(p.meta["node_name"]): p for p in pages.values() if p.meta.get("node_name")}
    nodes.setdefault("index", home)
    members = [p for p in pages.values() if p.kind == "page" or sections.get(p.dir) is p]
    members += [s for s in sections.values() if not s.rel and s is not home]
    for page in members:
        if page is home:
            continue
        parent: Page | None = None
        if "parent" in page.meta:
            chain = page.meta["parent"]
            chain = [chain] if isinstance(chain, str) else list(chain or [])
            chain = [str(name) for name in chain if name is not None]
            wanted = chain[-1] if chain else ""
            parent = nodes.get(wanted) if wanted else home
            if parent is None:
                # Jekyll builds such a page (its sidebar simply misses it): place it under the
                # deepest ancestor the list names that exists, else at the top, and say so
                at = next((i for i in range(len(chain) - 2, -1, -1) if chain[i] in nodes), -1)
                found = chain[at] if at >= 0 else ""
                parent = nodes[found] if found else home
                where = f"under '{found}'" if found else "under the home page"
                skipped = chain[at + 1:-1]
                if skipped:  # the ancestors between it and the missing parent are missing too
                    where += f" (no page has node_name {', '.join(repr(name) for name in skipped)} either)"
                report.warning(page.source, page.line_of("parent"), 1, "parent-not-found",
                               f"parent '{wanted}' names no page (no page has node_name: {wanted}); "
                               f"the page is placed {where}",
                               did_you_mean(wanted, [name for name, node in nodes.items() if node is not page])
                               or f"set node_name: {wanted} on the parent page")
                wanted = found or wanted
            if parent is page or page in parent.ancestors():
                report.error(page.source, page.line_of("parent"), 1, "parent-cycle",
                             f"parent '{wanted}' makes this page its own ancestor",
                             "point parent at a page above this one")
                parent = None
        if parent is None:
            folder = page.dir
            if page.kind == "section" or not page.rel:
                folder = folder.rsplit("/", 1)[0] if "/" in folder else ""
            parent = sections[folder]
        page.parent = parent
        parent.children.append(page)
    for section in [home, *sections.values(), *pages.values()]:
        section.children.sort(key=sort_key)
    _drop_empty_folders(home)


def _drop_empty_folders(node: Page) -> None:
    """Leave out the made-up section of a folder all of whose pages joined other parents:
    a Jekyll site lays its files out in folders but builds its tree from parent/node_name,
    and has no page for the folder, so it would be an empty entry in the sidebar."""
    for child in node.children:
        _drop_empty_folders(child)
    node.children = [child for child in node.children if child.rel or child.children]


def _assign_urls(home: Page, config: SiteConfig) -> None:
    base = config.base_path
    for page in home.walk():
        if page is home:
            page.url = base
            continue
        if isinstance(page.meta.get("url"), str):
            page.url = posixpath.join(base, page.meta["url"].lstrip("/"))
            if not page.url.endswith("/") and "." not in page.url.rsplit("/", 1)[-1]:
                page.url += "/"
            continue
        if page.kind == "section" or not page.rel:
            path = page.dir
        else:
            stem = language_stem(page.rel, config.content_language) or page.rel[:-3]  # install.en.md: install
            if isinstance(page.meta.get("slug"), str):
                stem = posixpath.join(page.dir, page.meta["slug"])
            path = stem
        page.url = base + urlize(path).strip("/") + "/"


# A page's URL and each alias become a file path and a line of _redirects: a line break would
# split the rule (and could add one: "/x/\n/* https://evil.example/ 302!"), and '?' or '#'
# name no path a page could sit at. Spaces are fine (encoded in _redirects).
_UNFIT_IN_URL_PATH = re.compile(r"[\x00-\x1f\x7f?#]")


def url_path_problem(path: str) -> str | None:
    """Why `path` cannot be a URL path of the site, or None when it can."""
    if _UNFIT_IN_URL_PATH.search(path):
        return f"{path!r} holds a control character, '?' or '#'"
    return None


def _check_page_url(page: Page, report: Report) -> None:
    problem = url_path_problem(page.url)
    if problem is None:
        return
    if isinstance(page.meta.get("url"), str):
        where, line = "its url", page.line_of("url")
    elif isinstance(page.meta.get("slug"), str) and page.kind == "page":
        where, line = "its slug", page.line_of("slug")
    else:
        where, line = "its file name", 1
    report.error(page.source, line, 1, "url-invalid", f"the page's URL {problem} (from {where})",
                 "a URL is a path on one line: rename the file, or set url: or slug: to a plain path")


def alias_urls(page: Page, config: SiteConfig) -> list[str]:
    """The site paths of a page's aliases; relative aliases are relative to its folder, as in Hugo."""
    urls = []
    for alias in page.aliases:
        if alias.startswith(("http://", "https://")):
            continue
        path = alias if alias.startswith("/") else posixpath.join(page.dir, alias)
        path = posixpath.normpath(path.lstrip("/") or ".")  # keeps a leading '..', reported when written
        path = "/" if path == "." else "/" + path
        if not path.endswith((".html", ".htm")):
            path += "/"
        urls.append(config.base_path.rstrip("/") + (path if path.startswith("/") else "/" + path))
    return urls
