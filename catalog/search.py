"""The site search index: plain text of every searchable page and plugin, turned into one
compact JSON file (`search-index.json`) that static/js/search.js queries in the browser.

The index holds, per entry, only what a result shows (URL, title, section, kind and a
short excerpt) plus, per word, the sorted list of entries that contain it. Full page
text never ships: the 5,000-page benchmark corpus gives 1.7 MB (190 kB gzipped). Words
are normalised the same way here and in search.js (NFKD, combining marks dropped, lower
case, runs of letters and digits), so a query word matches exactly what was indexed.

Format (version 1), keys in this order:

    {"version": 1,
     "stopwords": ["a", "an", ...],         # never indexed; search.js ignores them in queries
     "docs": [[url, title, section, kind, excerpt], ...],
     "terms": ["aws", "blueprint", ...],     # in JavaScript string order, for prefix ranges
     "postings": ["BBC", ...]}               # one per term: ascending doc numbers, delta-coded

A postings string is a run of base-32 numbers (the gaps between doc numbers, the first
counted from -1) written with the URL-safe base-64 alphabet: the 32 characters `A`..`f`
end a number and carry its last 5 bits, the 32 characters `g`..`_` carry 5 more
significant bits each. A word found in every page costs one character per page.
"""
from __future__ import annotations

import functools
import json
import re
import unicodedata
from dataclasses import dataclass
from html import unescape
from typing import Callable, Iterable

from markdown_it import MarkdownIt

from .content import Page

INDEX_VERSION = 1
MAX_TEXT_CHARS = 20_000  # per page; longer pages are indexed on their first 20,000 characters
EXCERPT_CHARS = 160  # the start of the text, shown under a result with the query words marked
MAX_TERM_CHARS = 32  # longer "words" are hashes, keys and the like: not worth an index entry
KINDS = ("page", "plugin")

# Words found on nearly every page: they would make the index larger and match everything.
STOPWORDS = ("a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "in", "into",
             "is", "it", "its", "of", "on", "or", "that", "the", "this", "to", "was", "were", "will", "with")
_STOPWORD_SET = frozenset(STOPWORDS)

_markdown = MarkdownIt("commonmark", {"html": False})
_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_WORD = re.compile(r"[^\W_]+")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class SearchEntry:
    """One search result: a docs page or a plugin, with the plain text to search in."""

    url: str
    title: str
    section: str  # where it sits: "Writing pages › Shortcodes"; a plugin's categories
    text: str  # plain text (see page_text)
    kind: str = "page"  # "page" | "plugin"


@functools.lru_cache(maxsize=65536)
def _entry_terms(title: str, section: str, text: str) -> tuple[str, tuple[str, ...]]:
    """An entry's excerpt and indexed terms. Memoised: the preview server rebuilds the
    index after every edit, and only the edited page's entry needs tokenising again."""
    text = _clip(_SPACE.sub(" ", text).strip(), MAX_TEXT_CHARS)
    terms = {term for term in words(f"{title} {section} {text}")
             if term not in _STOPWORD_SET and len(term) <= MAX_TERM_CHARS}
    return _clip(text, EXCERPT_CHARS), tuple(sorted(terms))


def build_search_index(entries: list[SearchEntry]) -> bytes:
    """The JSON index of `entries`, in the order given (which also breaks ranking ties).

    Same entries, same bytes. Raises ValueError for an unknown kind or a URL given twice."""
    seen: set[str] = set()
    postings: dict[str, list[int]] = {}
    docs = []
    for number, entry in enumerate(entries):
        if entry.kind not in KINDS:
            raise ValueError(f"search entry {entry.url}: kind {entry.kind!r} is not one of {', '.join(KINDS)}")
        if entry.url in seen:
            raise ValueError(f"search entry {entry.url} is given twice")
        seen.add(entry.url)
        excerpt, terms = _entry_terms(entry.title, entry.section, entry.text)
        docs.append([entry.url, entry.title, entry.section, entry.kind, excerpt])
        for term in terms:
            postings.setdefault(term, []).append(number)
    terms = sorted(postings, key=lambda term: term.encode("utf-16-be"))  # JavaScript's string order
    index = {
        "version": INDEX_VERSION,
        "stopwords": list(STOPWORDS),
        "docs": docs,
        "terms": terms,
        "postings": [encode_postings(postings[term]) for term in terms],
    }
    text = json.dumps(index, ensure_ascii=False, separators=(",", ":"))
    # as Hugo's jsonify: no '<', '>' or '&' in the file, so the index stays data even when
    # inlined in a <script> element ('</script>', '<!--' in a title cannot end it)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").encode("utf-8")


def searchable(page: Page) -> bool:
    """Whether `page` belongs in the index: not a draft (a `--drafts` build publishes
    them), not `exclude_from_search: true`, and not hidden, itself or through a hidden
    section (hidden pages are for readers who follow a link, not for finding)."""
    return not (page.draft or page.meta.get("exclude_from_search") is True
                or page.hidden or any(p.hidden for p in page.ancestors()))


def page_entries(pages: Iterable[Page], text_of: Callable[[Page], str]) -> list[SearchEntry]:
    """One entry per searchable page, in the order given; `text_of` gives a page's
    plain text (`page_text` of its rendered body, which the build computes once per body
    and caches). The section is the page's breadcrumb below the home page."""
    return [SearchEntry(page.url, page.title, " › ".join(p.linktitle for p in page.ancestors()[1:]),
                        text_of(page), "page")
            for page in pages if searchable(page)]


def plugin_entry(url: str, name: str, title: str, description: str, categories: Iterable[str]) -> SearchEntry:
    """The entry of one plugin page: found by its title, package name, description
    (Markdown) and category names; shown with its categories as the section."""
    categories = list(categories)
    text = " ".join([page_text(_markdown.render(description)), name, *categories])
    return SearchEntry(url, title or name, ", ".join(categories), text, "plugin")


def words(text: str) -> list[str]:
    """The normalised words of `text`, as search.js's `words()` finds them."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        marks = {c: None for c in set(text) if unicodedata.category(c).startswith("M")}
        text = text.translate(str.maketrans(marks)) if marks else text
    return _WORD.findall(text.lower())


def encode_postings(numbers: list[int]) -> str:
    """Ascending doc numbers as gap-coded base-32 digits (see the module docstring)."""
    out = []
    previous = -1
    for number in numbers:
        gap = number - previous
        previous = number
        digits = [_ALPHABET[gap & 31]]
        gap >>= 5
        while gap:
            digits.append(_ALPHABET[32 + (gap & 31)])
            gap >>= 5
        out.append("".join(reversed(digits)))
    return "".join(out)


def decode_postings(encoded: str) -> list[int]:
    """The inverse of encode_postings (search.js has the same loop)."""
    numbers = []
    value = 0
    previous = -1
    for char in encoded:
        digit = _ALPHABET.index(char)
        if digit >= 32:
            value = value * 32 + digit - 32
        else:
            previous += value * 32 + digit
            numbers.append(previous)
            value = 0
    return numbers


def page_text(html: str, limit: int = MAX_TEXT_CHARS) -> str:
    """The readable text of a rendered page body: tags stripped, code listings (<pre>),
    scripts, styles and diagram sources dropped, whitespace collapsed, at most `limit`
    characters (cut at a word boundary)."""
    text = _SKIPPED.sub(" ", html)
    text = _INLINE_TAG.sub("", text)  # "<em>wag</em>on" is one word
    text = _TAG.sub(" ", text)
    return _clip(_SPACE.sub(" ", unescape(text)).strip(), limit)


# Regular expressions rather than an HTML parser: page bodies come from our own Markdown
# renderer, and this runs once per page of every build (a parser took 1.5 ms a page).
_SKIPPED = re.compile(r"<!--.*?-->|<(pre|script|style|template|svg|math|noscript|textarea)\b.*?</\1\s*>"
                      r"|<div class=\"mermaid\">.*?</div>", re.S | re.I)
_INLINE_TAG = re.compile(r"</?(?:a|abbr|b|bdi|bdo|cite|code|data|del|dfn|em|i|ins|kbd|mark|q|s|samp|small|span"
                         r"|strong|sub|sup|time|u|var|wbr)\b[^>]*>", re.I)
_TAG = re.compile(r"<[^>]*>")


def _clip(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit + 1)
    return text[:cut if cut > limit // 2 else limit].rstrip()
