"""Links in the built HTML pages: every internal href/src and #anchor resolves, and every
alias page (`<meta http-equiv="refresh">`) points at a page that exists.

Each page is scanned with regular expressions, not an HTML parser: a 5,000-page site has
a million links (the sidebar repeats on every page), and a parser spends microseconds on
every tag where the regular expression engine passes over the ones that link nowhere.
The scan skips comments and script/style bodies. Positions are only needed for problems,
so a page is scanned again, with offsets, only when one of its links is broken.

A link's target file is looked up in the folder's file list, and resolved URLs are cached,
so the sidebar costs one lookup for the whole site. A #fragment to another page waits
until every page's ids are known.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from itertools import repeat
from typing import Iterable, NamedTuple
from urllib.parse import unquote

from ..diagnostics import Report, did_you_mean
from .site import BuiltSite, Target, quick_ids

# the elements whose attributes load or link to a URL (a, area and link: href)
LINK_ATTRS = {
    "script": ("src",), "iframe": ("src",), "img": ("src", "srcset"), "source": ("src", "srcset"),
    "video": ("src", "poster"), "audio": ("src",), "track": ("src",), "embed": ("src",),
}

# Groups: 1 script attributes | 2 a/area/link, 3-5 its href value | 6 other element, 7 its attributes.
_SCAN = r"""<(?:!--.*?-->
  |(?:script|style)\b([^>]*)>.*?</(?:script|style)\s*>
  |(a|area|link)\s[^>]*?\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))
  |(img|source|iframe|video|audio|track|embed|meta|base)\b([^>]*)>)"""
_LOWER = re.compile(_SCAN, re.S | re.X)
_ANY_CASE = re.compile(_SCAN, re.S | re.X | re.I)  # several times slower: only for pages that need it
_UPPER_TAG = re.compile(r"</?[A-Z]")  # HTML with upper-case tags (ours is all lower case)
_ATTR = re.compile(r"""\s(src|srcset|poster|name|http-equiv|content|href)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""",
                   re.I)
_REFRESH_URL = re.compile(r"""^\s*\d+(?:\.\d*)?\s*[;,]?\s*(?:url\s*=\s*)?(["']?)(.*?)\1\s*$""", re.I | re.S)
_SRCSET_URL = re.compile(r"\s*([^\s,]+)[^,]*,?")


# One URL in a page: (url, offset of its value in the page's text or -1 when not asked for,
# what: 'a href', 'img src', 'meta refresh', ...). A plain tuple: a page has hundreds.
Link = tuple[str, int, str]


@dataclass
class PageScan:
    """What a page says: its ids, its links, its <base href>, its meta refresh."""

    ids: set[str] = field(default_factory=set)
    links: list[Link] = field(default_factory=list)
    base: str = ""
    refresh: Link | None = None


def scan_page(text: str, offsets: bool = False) -> PageScan:
    """Ids and links of one HTML page, in document order (with offsets when asked)."""
    page = PageScan(ids=quick_ids(text))
    pattern = _ANY_CASE if _UPPER_TAG.search(text) else _LOWER
    for groups, match in _matches(pattern, text, offsets):
        script, tag, quoted, single, bare, other, attrs = groups
        if tag:
            value = quoted or single or bare
            page.links.append((html.unescape(value) if "&" in value else value,
                               match.start(match.lastindex or 0) if match else -1, f"{tag.lower()} href"))
        elif script:
            _attribute_links(page, "script", script, match.start(1) if match else -1)
        elif other:
            _attribute_links(page, other.lower(), attrs, match.start(7) if match else -1)
    return page


def _matches(pattern: re.Pattern[str], text: str, offsets: bool) -> Iterable[tuple[tuple, re.Match[str] | None]]:
    if offsets:
        return [(match.groups(default=""), match) for match in pattern.finditer(text)]
    return zip(pattern.findall(text), repeat(None))


def _attribute_links(page: PageScan, tag: str, attrs: str, start: int) -> None:
    """The URLs in the attributes of an element other than a, area and link."""
    wanted = LINK_ATTRS.get(tag, ())
    refresh = tag == "meta" and re.search(r"http-equiv\s*=\s*[\"']?refresh", attrs, re.I)
    for attr in _ATTR.finditer(attrs):
        name = attr.group(1).lower()
        value = attr.group(attr.lastindex)
        value = html.unescape(value) if "&" in value else value
        offset = start + attr.start(attr.lastindex) if start >= 0 else -1
        if name in wanted:
            if name == "srcset":
                page.links += [(m.group(1), offset + m.start(1) if start >= 0 else -1, f"{tag} srcset")
                               for m in _SRCSET_URL.finditer(value)]
            else:
                page.links.append((value, offset, f"{tag} {name}"))
        elif tag == "base" and name == "href":
            page.base = value
        elif refresh and name == "content":
            target = _REFRESH_URL.match(value)
            if target and target.group(2):
                page.refresh = (target.group(2), offset + target.start(2) if start >= 0 else -1, "meta refresh")


def position(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of an offset (0, 0 for an unknown one)."""
    if offset < 0:
        return 0, 0
    return text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)


@dataclass
class LinkStats:
    pages: int = 0
    links: int = 0
    redirects: int = 0  # alias pages (meta refresh)
    outside: int = 0    # links to paths another build serves: not checked


class Problem(NamedTuple):
    """A broken link, by its index in the page's links (-1: the meta refresh)."""

    index: int
    target: Target
    code: str  # link-missing, link-fragment or redirect-missing


class LinkChecker:
    """Checks the links of every page, then the #fragments that point to other pages."""

    def __init__(self, site: BuiltSite, report: Report) -> None:
        self.site = site
        self.report = report
        self.stats = LinkStats()
        self._resolved: dict[str, Target | None] = {}
        self._suggestions: dict[str, str] = {}
        # (target file, fragment) -> the links that ask for it: (page, link index, code)
        self._pending: dict[tuple[str, str], list[tuple[str, int, str]]] = {}

    def resolve(self, url: str, page_url: str) -> Target | None:
        key = url if url.startswith("/") and not url.startswith("//") else f"{page_url} {url}"
        try:
            return self._resolved[key]
        except KeyError:
            target = self._resolved[key] = self.site.resolve(url, page_url)
            return target

    def check_page(self, rel: str) -> None:
        text = (self.site.root / rel).read_bytes().decode("utf-8", errors="replace")
        page = scan_page(text)
        self.site.ids[rel] = page.ids
        self.stats.pages += 1
        self.stats.links += len(page.links)
        page_url = self.site.url_of(rel)
        if page.base:
            base = self.site.resolve(page.base, page_url)
            page_url = self.site.base_path + base.path if base and not base.outside else page_url

        problems: list[Problem] = []
        redirect = None
        if page.refresh is not None:
            self.stats.redirects += 1
            redirect = self.resolve(page.refresh[0], page_url)
            if redirect is not None:
                self.check_target(rel, -1, redirect, "redirect-missing", problems)
        for index, (url, _, _) in enumerate(page.links):
            if url[:1] == "#" and not page.base:  # on this page (with <base>, on the base's page)
                fragment = unquote(url[1:])
                if fragment not in page.ids and self.site.lacks_fragment(Target("", rel, fragment)):
                    problems.append(Problem(index, Target("", rel, fragment), "link-fragment"))
                continue
            target = self.resolve(url, page_url)
            if target is None or (target.file and target.fragment is None):
                continue  # not this site's, or a file without #fragment: the common case, done
            if redirect is not None and target.path == redirect.path:
                continue  # the alias page's own links to its target: reported once, as the redirect
            self.check_target(rel, index, target, "link-missing", problems)
        if problems:
            self.report_problems(rel, problems, text)

    def check_target(self, rel: str, index: int, target: Target, code: str, problems: list[Problem]) -> None:
        """A missing file is a problem now; a #fragment of another page waits for its ids."""
        if target.outside:
            self.stats.outside += 1
        elif not target.file:
            problems.append(Problem(index, target, code))
        elif target.file == rel:
            if self.site.lacks_fragment(target):
                problems.append(Problem(index, target, "redirect-missing" if index < 0 else "link-fragment"))
        elif target.fragment is not None:
            self._pending.setdefault((target.file, target.fragment), []).append((rel, index, code))

    def check_fragments(self) -> None:
        """Every #fragment names an id (or <a name>) of its target page."""
        broken: dict[str, list[Problem]] = {}
        for (file, fragment), uses in self._pending.items():
            target = Target("", file, fragment)
            if self.site.lacks_fragment(target):
                for rel, index, code in uses:
                    broken.setdefault(rel, []).append(
                        Problem(index, target, "redirect-missing" if code == "redirect-missing" else "link-fragment"))
        self._pending.clear()
        for rel, problems in sorted(broken.items()):
            self.report_problems(rel, problems)

    def report_problems(self, rel: str, problems: list[Problem], text: str | None = None) -> None:
        """Report the broken links of one page, at their line and column."""
        if text is None:
            text = (self.site.root / rel).read_bytes().decode("utf-8", errors="replace")
        located = scan_page(text, offsets=True)  # the same links again, with their positions
        for index, target, code in problems:
            link = located.refresh if index < 0 else located.links[index]
            assert link is not None
            url, offset, what = link
            line, col = position(text, offset)
            if not target.file:
                where = "redirects to" if code == "redirect-missing" else "links to"
                self.report.error(self.site.display(rel), line, col, code,
                                  f"{what} {where} '{url}', but the site has no file for "
                                  f"'{self.site.base_path}{target.path}'",
                                  self.suggest(target.path) or "fix the URL or publish the missing page")
                continue
            fragment = target.fragment or ""
            where = " on this page" if target.file == rel else f" on {self.site.url_of(target.file)}"
            # the page is there and the browser shows its top: a warning, as the build's
            # ref-fragment is (an error with --strict, in both)
            emit = self.report.warning if code == "link-fragment" else self.report.error
            emit(self.site.display(rel), line, col, code,
                              f"{what} '{url}': no element with id \"{fragment}\"{where}",
                              did_you_mean(fragment, self.site.ids.get(target.file, ()))
                              or "link to an id that exists, or drop the #fragment")

    def suggest(self, path: str) -> str:
        if path not in self._suggestions:
            self._suggestions[path] = self.site.suggest(path)
        return self._suggestions[path]
