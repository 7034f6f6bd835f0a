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

import bisect
import functools
import json
import re
import sys
import unicodedata
from dataclasses import dataclass
from html import unescape
from typing import Any, Callable, Iterable

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
    # one string per distinct word across all entries, not one per entry and word (20,000
    # pages of ~60 words each: ~70 MB of duplicates otherwise, held by the memo)
    return _clip(text, EXCERPT_CHARS), tuple(sorted(sys.intern(term) for term in terms))


def build_search_index(entries: list[SearchEntry]) -> bytes:
    """The JSON index of `entries`, in the order given (which also breaks ranking ties).

    Same entries, same bytes. Raises ValueError for an unknown kind or a URL given twice."""
    return SearchIndex().update(entries)


class SearchIndex:
    """The index of the entries last given, kept to be updated: when the same URLs come
    again in the same order (an edit that changes text or titles only), only the changed
    entries' terms are taken out and put back, only their terms' postings are encoded
    again, and the JSON is joined from kept pieces. Any other change builds it afresh.
    `update` gives the bytes `build_search_index` gives for the same entries."""

    def __init__(self) -> None:
        self._reset(0)

    def _reset(self, size: int) -> None:
        self.entries: list[SearchEntry] = []
        self.terms_of: list[tuple[str, ...]] = [()] * size  # each entry's terms
        self.docs: list[str] = [""] * size  # each entry's JSON
        self.postings: dict[str, list[int]] = {}  # term -> ascending entry numbers
        self.encoded: dict[str, str] = {}  # term -> JSON string of its encoded postings
        self.order: list[str] = []  # the terms in JavaScript's string order
        self.data = b""  # none yet

    def update(self, entries: list[SearchEntry], changed: list[int] | None = None) -> bytes:
        """The JSON index of `entries` (see build_search_index), from what changed since the last call.
        `changed`, when the caller knows it, numbers the only entries that may differ from the
        last call's (same URLs, same order): the rest are not compared again."""
        if changed is not None and self.data and len(entries) == len(self.entries):
            changed = [number for number in changed if entries[number] != self.entries[number]]
            if not changed:
                return self.data
        elif len(entries) == len(self.entries) and self.data and all(
                new.url == old.url and new.kind == old.kind for new, old in zip(entries, self.entries)):
            changed = [number for number, (new, old) in enumerate(zip(entries, self.entries)) if new != old]
            if not changed:
                return self.data
        else:
            _validate(entries)
            self._reset(len(entries))
            changed = list(range(len(entries)))
        self.entries = list(entries)
        touched: set[str] = set()
        for number in changed:
            entry = entries[number]
            excerpt, terms = _entry_terms(entry.title, entry.section, entry.text)
            self.docs[number] = _json([entry.url, entry.title, entry.section, entry.kind, excerpt])
            before, after = set(self.terms_of[number]), set(terms)
            for term in before - after:
                self.postings[term].remove(number)
                touched.add(term)
            for term in after - before:
                numbers = self.postings.setdefault(term, [])
                bisect.insort(numbers, number)
                touched.add(term)
            self.terms_of[number] = terms
        listed = {term for term in touched if term in self.encoded}  # `encoded` holds the terms of `order`
        for term in touched:
            if self.postings[term]:
                self.encoded[term] = f'"{encode_postings(self.postings[term])}"'  # its alphabet needs no escapes
            else:
                del self.postings[term]
                self.encoded.pop(term, None)
        added = {term for term in touched if term in self.encoded} - listed
        removed = {term for term in listed if term not in self.encoded}
        if len(added) + len(removed) > 64 or not self.order:
            self.order = sorted(self.postings, key=_js_order)
        elif added or removed:  # an edit adds or drops a few words: place them, not sort them all
            if removed:
                self.order = [term for term in self.order if term not in removed]
            for term in added:
                bisect.insort(self.order, term, key=_js_order)
        self.data = "".join([
            '{"version":', _json(INDEX_VERSION), ',"stopwords":', _json(list(STOPWORDS)),
            ',"docs":[', ",".join(self.docs), '],"terms":', _json(self.order),
            ',"postings":[', ",".join([self.encoded[term] for term in self.order]), "]}",
        ]).encode("utf-8")
        return self.data


def _js_order(term: str) -> bytes:
    return term.encode("utf-16-be")  # JavaScript compares strings by UTF-16 code units


def _validate(entries: list[SearchEntry]) -> None:
    seen: set[str] = set()
    for entry in entries:
        if entry.kind not in KINDS:
            raise ValueError(f"search entry {entry.url}: kind {entry.kind!r} is not one of {', '.join(KINDS)}")
        if entry.url in seen:
            raise ValueError(f"search entry {entry.url} is given twice")
        seen.add(entry.url)


def _json(value: object) -> str:
    # as Hugo's jsonify: no '<', '>' or '&' in the file, so the index stays data even when
    # inlined in a <script> element ('</script>', '<!--' in a title cannot end it)
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def searchable(page: Page, hidden_above: bool | None = None) -> bool:
    """Whether `page` belongs in the index: not a draft (a `--drafts` build publishes
    them), not `exclude_from_search: true`, and not hidden, itself or through a hidden
    section (hidden pages are for readers who follow a link, not for finding).
    `hidden_above`: whether an ancestor is hidden, when the caller knows."""
    if hidden_above is None:
        hidden_above = any(p.hidden for p in page.ancestors())
    return not (page.draft or page.meta.get("exclude_from_search") is True or page.hidden or hidden_above)


def page_entries(pages: Iterable[Page], text_of: Callable[[Page], str]) -> list[SearchEntry]:
    """One entry per searchable page, in the order given; `text_of` gives a page's
    plain text (`page_text` of its rendered body, which the build computes once per body
    and caches). The section is the page's breadcrumb below the home page."""
    above: dict[int, tuple[str, bool]] = {}  # by parent: siblings share breadcrumb and hidden ancestors

    def parent_facts(page: Page) -> tuple[str, bool]:
        key = id(page.parent)
        if key not in above:
            ancestors = page.ancestors()
            above[key] = (" › ".join(p.linktitle for p in ancestors[1:]), any(p.hidden for p in ancestors))
        return above[key]

    return [SearchEntry(page.url, page.title, parent_facts(page)[0], text_of(page), "page")
            for page in pages if searchable(page, parent_facts(page)[1])]


def plugin_entry(url: str, name: str, title: str, description: str, categories: Iterable[str]) -> SearchEntry:
    """The entry of one plugin page: found by its title, package name, description
    (Markdown) and category names; shown with its categories as the section."""
    categories = list(categories)
    text = " ".join([page_text(_plain_markdown().render(description)), name, *categories])
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


@functools.lru_cache(maxsize=1)
def _plain_markdown() -> Any:
    """CommonMark without raw HTML, for plugin descriptions; made when a site has plugins
    (importing markdown-it costs a build whose pages all come from the cache ~20 ms)."""
    from markdown_it import MarkdownIt
    return MarkdownIt("commonmark", {"html": False})


def _clip(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit + 1)
    return text[:cut if cut > limit // 2 else limit].rstrip()
