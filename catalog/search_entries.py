"""What the search index is made of: which pages are searchable, one entry per page or
plugin, and the plain text of a rendered body (page_text, which the renderer extracts once
per body and the render cache keeps).
"""
from __future__ import annotations

import functools
import re
from html import unescape
from typing import Any, Callable, Iterable

from .body import Body
from .content import Page
from .search import SearchEntry, SearchIndex
from .search_terms import MAX_TEXT_CHARS, TextTerms, clip, text_terms
from .tag_patterns import any_case, both_cases, first_letters, names_any_case


def searchable(page: Page, hidden_above: bool | None = None) -> bool:
    """Whether `page` belongs in the index: not a draft (a `--drafts` build publishes
    them), not `exclude_from_search: true`, and not hidden, itself or through a hidden
    section (hidden pages are for readers who follow a link, not for finding).
    `hidden_above`: whether an ancestor is hidden, when the caller knows."""
    if hidden_above is None:
        hidden_above = any(p.hidden for p in page.ancestors())
    return not (page.draft or page.meta.get("exclude_from_search") is True or page.hidden or hidden_above)


def page_entries(pages: Iterable[Page], text_of: Callable[[Page], str | TextTerms]) -> list[SearchEntry]:
    """One entry per searchable page, in the order given; `text_of` gives a page's
    plain text (`page_text` of its rendered body), or what the index reads of it
    (`body_terms`). The section is the page's breadcrumb below the home page."""
    facts = _ParentFacts()
    return [_page_entry(page.url, page.title, facts(page)[0], text_of(page))
            for page in pages if searchable(page, facts(page)[1])]


class PageFeed:
    """The pages' entries (as page_entries gives them, a URL given twice taken once), made as
    the build hands over each page's body, and merged as they come into `index` (a new
    index, the build's when the cache keeps none; SearchIndex.grow): the pages stage waits
    on its render workers, and the build's serial end is left with encoding."""

    def __init__(self, index: SearchIndex | None) -> None:
        self.index = index
        self.entries: list[SearchEntry] = []
        self._urls: set[str] = set()
        self._facts = _ParentFacts()

    def add(self, page: Page, body: Body) -> None:
        section, hidden_above = self._facts(page)
        if page.url in self._urls or not searchable(page, hidden_above):
            return
        entry = SearchEntry(page.url, page.title, section, "", "page", body_terms(body))
        self._urls.add(page.url)
        self.entries.append(entry)
        if self.index is not None:
            self.index.grow([entry])


class _ParentFacts:
    """A page's breadcrumb below the home page, and whether an ancestor is hidden, by parent:
    siblings share them."""

    def __init__(self) -> None:
        self.above: dict[int, tuple[str, bool]] = {}

    def __call__(self, page: Page) -> tuple[str, bool]:
        key = id(page.parent)
        if key not in self.above:
            ancestors = page.ancestors()
            self.above[key] = (" › ".join(p.linktitle for p in ancestors[1:]), any(p.hidden for p in ancestors))
        return self.above[key]


def _page_entry(url: str, title: str, section: str, text: str | TextTerms) -> SearchEntry:
    if isinstance(text, str):
        return SearchEntry(url, title, section, text, "page")
    return SearchEntry(url, title, section, "", "page", text)


def body_terms(body: Body) -> TextTerms:
    """What the search index reads of a body's text: made by the render worker (PageRenderer),
    or here for a body rendered otherwise (the preview's fast path renders in its process)."""
    return body.terms if body.terms is not None else text_terms(body.text, collapsed=True)


def plugin_entry(url: str, name: str, title: str, description: str, categories: Iterable[str]) -> SearchEntry:
    """The entry of one plugin page: found by its title, package name, description
    (Markdown) and category names; shown with its categories as the section."""
    categories = list(categories)
    text = " ".join([page_text(_plain_markdown().render(description)), name, *categories])
    return SearchEntry(url, title or name, ", ".join(categories), text, "plugin")


def page_text(html: str, limit: int = MAX_TEXT_CHARS) -> str:
    """The readable text of a rendered page body: tags stripped, code listings (<pre>),
    scripts, styles and diagram sources dropped, whitespace collapsed, at most `limit`
    characters (cut at a word boundary)."""
    if html.isascii():  # tag names in any case without re.I (tag_patterns.py): most bodies
        text = _INLINE_TAG_ASCII.sub("", _SKIPPED_ASCII.sub(" ", html))
    else:
        text = _INLINE_TAG.sub("", _SKIPPED.sub(" ", html))  # "<em>wag</em>on" is one word
    text = _TAG.sub(" ", text)
    # split() and \s+ agree on what is white space (every code point checked); joining the
    # words costs a fifth of replacing each run of spaces by a space
    return clip(" ".join(unescape(text).split()), limit)


# Regular expressions rather than an HTML parser: page bodies come from our own Markdown
# renderer, and this runs once per page of every build (a parser took 1.5 ms a page).
_SKIPPED_NAMES = ("pre", "script", "style", "template", "svg", "math", "noscript", "textarea")
_SKIPPED = re.compile(rf"<!--.*?-->|<({'|'.join(_SKIPPED_NAMES)})\b.*?</\1\s*>|<div class=\"mermaid\">.*?</div>",
                      re.S | re.I)


def _skipped_region(name: str) -> list[str]:
    # `.*?</pre\s*>` unrolled: runs of text taken whole, not a try of the end tag at every character
    end = rf"\b(?:[^<]++|<(?!/{any_case(name)}\s*>))*+</{any_case(name)}\s*>"
    return [start + end for start in both_cases(name)]


# _SKIPPED for ASCII text; the lookahead passes over a tag none of them starts with at once
_MERMAID = rf"(?:[^<]++|<(?!/{any_case('div')}>))*+</{any_case('div')}>"
_SKIPPED_ASCII = re.compile(
    rf"<(?={first_letters([*_SKIPPED_NAMES, '!', 'd'])})(?:!--.*?-->"
    + "".join(f"|{region}" for name in _SKIPPED_NAMES for region in _skipped_region(name))
    + "".join(f"|{start}{_MERMAID}" for start in both_cases('div class="mermaid">')) + ")", re.S)
_INLINE_NAMES = ("a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "i", "ins", "kbd", "mark",
                 "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var", "wbr")
_INLINE_TAG = re.compile(rf"</?(?:{'|'.join(_INLINE_NAMES)})\b[^>]*>", re.I)
_INLINE_TAG_ASCII = re.compile(rf"</?(?={first_letters(_INLINE_NAMES)})(?:{names_any_case(_INLINE_NAMES)})\b[^>]*>")
_TAG = re.compile(r"<[^>]*>")


@functools.lru_cache(maxsize=1)
def _plain_markdown() -> Any:
    """CommonMark without raw HTML, for plugin descriptions; made when a site has plugins
    (importing markdown-it costs a build whose pages all come from the cache ~20 ms)."""
    from markdown_it import MarkdownIt
    return MarkdownIt("commonmark", {"html": False})
