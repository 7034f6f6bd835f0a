"""The built folder as the checks see it: its files, its base path and origin, and which
file a static host serves for a URL."""
from __future__ import annotations

import html
import os
import posixpath
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from ..diagnostics import Report, did_you_mean

_CANONICAL = re.compile(r"""<link\b[^>]*?\brel=["']?canonical\b[^>]*>""", re.I)
_HREF = re.compile(r"""\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
_REFRESH = re.compile(r"""<meta\b[^>]*?http-equiv=["']?refresh""", re.I)
_ID_QUICK = re.compile(r""" id=(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")  # how the build writes ids: fast
_ID = re.compile(r"""\sid\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.I)
_NAME = re.compile(r"""\sname\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.I)


@dataclass(frozen=True)
class Target:
    """Where an internal URL leads.

    `path` is the URL path below the base path ('writing/shortcodes/'), `file` the file a
    static host serves for it ('' when there is none), `fragment` the decoded #fragment
    (None when the URL has no '#'). `outside` marks a path on this origin but outside the
    base path (or under a skipped prefix): another build serves it, so it is not checked.
    """

    path: str
    file: str
    fragment: str | None
    outside: bool = False


@dataclass
class BuiltSite:
    """A built site folder: every file in it by site-relative POSIX path."""

    root: Path
    files: set[str]
    base_path: str = "/"
    origin: str = ""  # 'https://host' from the canonical links; '' when unknown
    skip: tuple[str, ...] = ()  # URL path prefixes another build serves
    ids: dict[str, set[str]] = field(default_factory=dict)  # HTML file -> its ids (filled by the page check)
    _all_ids: set[str] = field(default_factory=set, repr=False)  # files whose ids were scanned thoroughly
    _served: dict[str, list[str]] | None = field(default=None, repr=False)

    @classmethod
    def scan(cls, root: Path, base_path: str | None = None, skip: tuple[str, ...] = (),
             report: Report | None = None) -> "BuiltSite":
        """The site in `root`: its regular files (a link to one counts as the file). Anything
        else a host cannot serve, and reading it could hang (a FIFO) or fail (a dangling or
        looping link): it is reported to `report` and left out."""
        files = set()
        top = str(root)
        for folder, dirs, names in os.walk(top):
            dirs.sort()
            rel_folder = os.path.relpath(folder, top).replace(os.sep, "/")
            for name in names:
                rel = name if rel_folder == "." else f"{rel_folder}/{name}"
                problem = _not_a_file(os.path.join(folder, name))
                if problem is None:
                    files.add(rel)
                elif report is not None:
                    display = rel if top == "." else f"{root.as_posix().rstrip('/')}/{rel}"
                    report.error(display, 0, 0, "file-unreadable", f"not checked: {problem}",
                                 "a site holds regular files: rebuild it, or remove this one")
        site = cls(root, files, skip=tuple(_slashed(p) for p in skip))
        found_base, site.origin = site._from_canonical()
        site.base_path = _slashed(base_path) if base_path else found_base
        return site

    def display(self, rel: str) -> str:
        """The path a diagnostic names: the folder as given, then the file ('public/a/index.html')."""
        top = self.root.as_posix()
        return rel if top == "." else f"{top.rstrip('/')}/{rel}"

    def url_of(self, rel: str) -> str:
        """The URL path a file is served at: 'a/b/index.html' -> '/base/a/b/'."""
        if rel == "index.html" or rel.endswith("/index.html"):
            rel = rel[: -len("index.html")]
        return self.base_path + rel

    def resolve(self, url: str, page_url: str) -> Target | None:
        """The target of `url` found on the page served at `page_url`; None when it is not
        this site's (another host, mailto:, data:, ...)."""
        url = url.strip()
        parts = urlsplit(url)
        if parts.scheme and parts.scheme.lower() not in ("http", "https"):
            return None
        if parts.netloc or parts.scheme:
            if not self.origin or parts.netloc.lower() != urlsplit(self.origin).netloc.lower():
                return None
            url = urlsplit(url)._replace(scheme="", netloc="").geturl() or "/"
        joined = urlsplit(urljoin(page_url, url))
        path = unquote(joined.path)
        fragment = unquote(joined.fragment) if "#" in url else None
        if any(path.startswith(prefix) for prefix in self.skip):
            return Target(path, "", fragment, outside=True)
        if not path.startswith(self.base_path):
            if path + "/" != self.base_path:
                return Target(path, "", fragment, outside=True)
            path = self.base_path
        rel = path[len(self.base_path):]
        return Target(rel, self.file_for(rel), fragment)

    def file_for(self, rel: str) -> str:
        """The file served for a path below the base path, as Netlify and nginx serve it."""
        if rel == "" or rel.endswith("/"):
            candidate = rel + "index.html"
            return candidate if candidate in self.files else ""
        if rel in self.files:
            return rel
        for candidate in (rel + "/index.html", rel + ".html"):  # pretty URLs: /a/b serves a/b/index.html
            if candidate in self.files:
                return candidate
        return ""

    def has_id(self, file: str, fragment: str) -> bool:
        """Whether the HTML page `file` has an element with id `fragment` (or an <a name>).

        The page check collects ids with a quick pattern (` id="..."`, as the build writes
        them); only when a fragment is not among those is the page read again for every
        spelling of an id, and for <a name>."""
        ids = self.ids.get(file)
        if ids is not None and fragment in ids:
            return True
        if file not in self._all_ids:
            text = (self.root / file).read_bytes().decode("utf-8", errors="replace")
            self.ids[file] = (ids or set()) | all_ids(text)
            self._all_ids.add(file)
        return fragment in self.ids[file]

    def lacks_fragment(self, target: Target) -> bool:
        """Whether the #fragment of a found target names nothing on its page."""
        fragment = target.fragment
        if not fragment or fragment.lower() == "top" or fragment.startswith(":~:"):
            return False  # browsers scroll to the top for '#' and '#top'; ':~:text=' is a text fragment
        return target.file.endswith((".html", ".htm")) and not self.has_id(target.file, fragment)

    def missing(self, target: Target) -> str:
        """What a found target lacks, or "": the file itself, or the element its #fragment names."""
        if not target.file:
            return f"the site has no file for '{self.base_path}{target.path}'"
        if self.lacks_fragment(target):
            return f"no element with id \"{target.fragment}\" on {self.url_of(target.file)}"
        return ""

    def suggest(self, rel: str) -> str:
        """'did you mean ...?' among the paths served next to a missing one."""
        if self._served is None:
            self._served = {}
            for name in self.files:
                served = name[: -len("index.html")] if name == "index.html" or name.endswith("/index.html") else name
                self._served.setdefault(posixpath.dirname(served.rstrip("/")), []).append(served)
        folder = posixpath.dirname(rel.rstrip("/"))
        while True:
            if folder in self._served:
                return did_you_mean(self.base_path + rel, [self.base_path + path for path in self._served[folder]])
            if not folder:
                return ""
            folder = posixpath.dirname(folder)

    def _from_canonical(self) -> tuple[str, str]:
        """(base path, origin) from the canonical link of the home page, else of the first page
        whose canonical URL ends with its own path. Redirect pages are skipped: their canonical
        link names their target."""
        pages = sorted((f for f in self.files if f.endswith(".html")), key=lambda f: (f != "index.html", f))
        for rel in pages[:50]:
            try:
                head = (self.root / rel).read_text(encoding="utf-8", errors="replace")[:20000]
            except OSError:
                continue
            link = _CANONICAL.search(head)
            if not link or _REFRESH.search(head):
                continue
            href = _HREF.search(link.group(0))
            if not href:
                continue
            parts = urlsplit(next(g for g in href.groups() if g is not None))
            own = self.url_of(rel)[1:]  # base path is still '/': the page's path below it
            if parts.path.endswith("/" + own) or parts.path == own or (own == "" and parts.path.endswith("/")):
                base = parts.path[: len(parts.path) - len(own)] if own else parts.path
                origin = f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""
                return _slashed(base or "/"), origin
        return "/", ""


def _not_a_file(path: str) -> str | None:
    """Why `path` is not a regular file (following links), or None when it is one."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        if os.path.islink(path):
            return f"a symbolic link that cannot be followed ({exc.strerror.lower()})"
        return f"cannot be read: {exc.strerror}"
    if stat.S_ISREG(mode):
        return None
    kind = ("a FIFO" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
            else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a regular file")
    return kind + (" (behind a symbolic link)" if os.path.islink(path) else "")


def quick_ids(text: str) -> set[str]:
    """The ids of a page written as ` id="..."`."""
    return {_unescape(a or b or c) for a, b, c in _ID_QUICK.findall(text) if a or b or c}


def all_ids(text: str) -> set[str]:
    """Every id of a page, however written, and every name of an <a>: the targets of #fragments."""
    ids = {_unescape(a or b or c) for a, b, c in _ID.findall(text) if a or b or c}
    for match in _NAME.finditer(text):
        opening = text.rfind("<", 0, match.start())
        if text[opening + 1:opening + 2] in ("a", "A") and text[opening + 2:opening + 3].isspace():
            value = next(g for g in match.groups() if g is not None)
            if value:
                ids.add(_unescape(value))
    return ids


def _unescape(value: str) -> str:
    return html.unescape(value) if "&" in value else value


def _slashed(path: str) -> str:
    """'7.0' or '/7.0' -> '/7.0/'."""
    path = "/" + path.strip("/") + "/"
    return "/" if path == "//" else path
