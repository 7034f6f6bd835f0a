"""The site search index: plain text of every searchable page and plugin, turned into a
small manifest (`search-index.json`) and shards under `search/` that static/js/search.js
fetches as a query needs them: a visitor downloads the manifest, the term shards that
hold the query's words, and the result shards of the ten results shown, never the whole
index (20,000 pages: ~10 MB of index, well under 300 KB for any one query).

Why shards of our own and not Pagefind: the ranking (title over section over text, the
title that starts with or is the query) is computed here from flags stored beside each
posting, so results are exactly those of the one-file index this replaced; Pagefind
ranks by its own rules, indexes the built HTML again (a second pass over every page
and a Rust binary to ship) and brings its own search box, where ours is the theme's.

Words are normalised the same way here and in search.js (NFKD, combining marks dropped,
lower case, runs of letters and digits), so a query word matches exactly what was indexed.

Format (version 2). The manifest, keys in this order:

    {"version": 2,
     "stopwords": ["a", "an", ...],        # never indexed; search.js ignores them in queries
     "count": 1234,                        # results 0..count-1
     "docs": 50,                           # results per result shard
     "doc_files": ["search/d-<hash>.json", ...],   # shard k: results k*docs ..
     "term_starts": ["", "cloud", ...],    # the first term of each term shard ("" for the first)
     "term_files": ["search/t-<hash>.json", ...]}

File names carry a hash of their content (paths relative to the manifest), so a browser
never mixes shards of two builds. A result shard is `[[url, title, section, kind,
excerpt], ...]`. A term shard is `{"terms": [...], "postings": [...], "fields": [...]}`,
its terms in JavaScript string order. A term `w` followed by U+0001 is the union of
every term starting with `w` (made for `w` of 1 to 3 characters when two or more terms
start with it), so typing "c" does not fetch every term that starts with "c".

A postings string is a run of base-32 numbers (the gaps between doc numbers, the first
counted from -1) written with the URL-safe base-64 alphabet: the 32 characters `A`..`f`
end a number and carry its last 5 bits, the 32 characters `g`..`_` carry 5 more
significant bits each; a gap repeated four or more times is written once, then `~` and
how many more times (a word found in every page costs three characters).
A fields string gives the docs where the word is in the title or the section, as runs
over the term's postings: how many postings to skip, how many to take (base-32 numbers
as above), then two characters (6 bits each, high first) of the flags they share:
bits 0-4 the word is the title's word 0..4, bit 5 it is a word of the title, bit 6 a
word of the section, bits 7-9 the number of words in the title (7: seven or more).

The postings and fields strings are search_postings.py's; which pages are searchable, their
entries and the plain text of a body are search_entries.py's; the words of a text, title and
section (which a render worker finds for its page's text) are search_terms.py's.
"""
from __future__ import annotations

import bisect
import functools
import hashlib
import json
import operator
from collections import defaultdict, deque
from dataclasses import dataclass
from itertools import repeat

from .search_postings import encode_fields, encode_postings
from .search_terms import (EXCERPT_CHARS, IN_SECTION, IN_TITLE, MAX_TERM_CHARS, MAX_TEXT_CHARS, STOPWORDS,
                           TITLE_POSITIONS, TextTerms, field_terms, indexed, text_terms, words)

INDEX_VERSION = 2
INDEX_FILE = "search-index.json"
DOCS_PER_SHARD = 16  # the ten results shown fetch at most ten shards of ~4 kB
TERM_SHARD_CHARS = 24_000  # a term shard is cut once it holds this many characters
PREFIX_CHARS = 3  # typed prefixes up to this long have their union made up front
PREFIX_MARK = "\u0001"
KINDS = ("page", "plugin")
# the word and field limits live in search_terms.py, which render workers import; named here too
__all__ = ["EXCERPT_CHARS", "IN_SECTION", "IN_TITLE", "MAX_TERM_CHARS", "MAX_TEXT_CHARS", "STOPWORDS",
           "TITLE_POSITIONS", "SearchEntry", "SearchIndex", "build_search_index", "words"]


@dataclass(frozen=True)
class SearchEntry:
    """One search result: a docs page or a plugin, with the plain text to search in."""

    url: str
    title: str
    section: str  # where it sits: "Writing pages › Shortcodes"; a plugin's categories
    text: str  # plain text (see page_text); "" when `terms` is given
    kind: str = "page"  # "page" | "plugin"
    # the text's excerpt and terms, when a render worker computed them (a page's): then `text`
    # is not kept, in the build, the render cache or the preview's state
    terms: TextTerms | None = None


# (excerpt, the text's terms joined by spaces, the title's and section's terms, their field flags)
_Parts = tuple[str, str, tuple[str, ...], tuple[tuple[str, int], ...]]


def _entry_parts(entry: SearchEntry) -> _Parts:
    text = _text_of(entry)
    fields, flags = field_terms(entry.title, entry.section)
    return text.excerpt, text.terms, fields, flags


def _text_of(entry: SearchEntry) -> TextTerms:
    return entry.terms if entry.terms is not None else _text_terms(entry.text)


_text_terms = functools.lru_cache(maxsize=4096)(text_terms)  # plugins' texts, built again by every build


def _doc(entry: SearchEntry, excerpt: str) -> str:
    return _json([entry.url, entry.title, entry.section, entry.kind, excerpt])


def _term_set(joined: str, fields: tuple[str, ...]) -> set[str]:
    terms = set(joined.split())
    terms.update(fields)
    return terms


@functools.lru_cache(maxsize=1024)
def _entry_terms(title: str, section: str, text: str) -> tuple[str, tuple[str, ...], tuple[tuple[str, int], ...]]:
    """An entry's excerpt, indexed terms (sorted) and the field flags of its title and
    section words, all at once: what the index adds up from text_terms and field_terms."""
    excerpt, joined = text_terms(text)
    fields, flags = field_terms(title, section)
    return excerpt, tuple(sorted(_term_set(joined, fields))), flags


def build_search_index(entries: list[SearchEntry]) -> dict[str, bytes]:
    """The index files of `entries` (the manifest under INDEX_FILE, the shards under
    search/), in the order given (which also breaks ranking ties).

    Same entries, same bytes. Raises ValueError for an unknown kind or a URL given twice."""
    return SearchIndex().update(entries)


class SearchIndex:
    """The index of the entries last given, kept to be updated: when the same URLs come
    again in the same order (an edit that changes text or titles only), only the changed
    entries' terms are taken out and put back, only their terms' postings (and the
    prefixes of those terms) are encoded again, and the files are joined from kept
    pieces. Any other change builds it afresh, from the entries given to `grow` if they
    begin the list (a cold build's pages, merged as they were rendered). `update` gives
    the files `build_search_index` gives for the same entries."""

    def __init__(self) -> None:
        self._reset()

    def _reset(self) -> None:
        self.entries: list[SearchEntry] = []
        # each entry's terms, as _entry_parts gives them (its text's joined, its title's and section's):
        # a page's joined string is its body's, not one string per term and page
        self.terms_of: list[tuple[str, tuple[str, ...]]] = []
        self.flags_of: list[tuple[tuple[str, int], ...]] = []  # each entry's title/section flags
        self.docs: list[str] = []  # each entry's JSON
        self.postings: dict[str, list[int]] = {}  # term -> ascending entry numbers
        self.flags: dict[str, dict[int, int]] = {}  # term -> {entry number: flags} (title and section terms)
        self.encoded: dict[str, str] = {}  # term (or prefix + PREFIX_MARK) -> its JSON [postings, fields] pair
        self.order: list[str] = []  # the terms in JavaScript's string order
        self.prefixed: dict[str, set[str]] = {}  # a prefix of PREFIX_CHARS or fewer -> the terms starting with it
        # ... -> the title and section words never indexed (stop words) that start with it: search.js
        # ranks "install th" as "Install the agent" starts with it, as when it had every title
        self.unindexed: dict[str, set[str]] = {}
        self.files: dict[str, bytes] = {}  # none yet
        # the postings of the entries given to `grow`, while a new index grows ahead of `update`
        self.growing: defaultdict[str, list[int]] | None = None

    @property
    def data(self) -> bytes:
        """The manifest's bytes."""
        return self.files.get(INDEX_FILE, b"")

    def update(self, entries: list[SearchEntry], changed: list[int] | None = None) -> dict[str, bytes]:
        """The index files of `entries` (see build_search_index), from what changed since the last call.
        `changed`, when the caller knows it, numbers the only entries that may differ from the
        last call's (same URLs, same order): the rest are not compared again. Returns the
        same dict object as the last call when nothing changed."""
        if changed is not None and self.files and len(entries) == len(self.entries):
            changed = [number for number in changed if entries[number] != self.entries[number]]
            if not changed:
                return self.files
        elif len(entries) == len(self.entries) and self.files and all(
                new.url == old.url and new.kind == old.kind for new, old in zip(entries, self.entries)):
            changed = [number for number, (new, old) in enumerate(zip(entries, self.entries)) if new != old]
            if not changed:
                return self.files
        else:  # a new index: every entry's terms are new, numbered in order
            _validate(entries)
            grown = self.entries if self.growing is not None else []
            if len(grown) > len(entries) or not all(map(operator.is_, grown, entries)):
                grown = []  # `grow` was given other entries than these begin with
            if not grown:
                self._reset()
                self.growing = defaultdict(list)
            self._append(entries[len(grown):])
            # made here, not as entries grow: the JSON repeats what the entries hold (5,000 pages: 2.8 MB)
            self.docs = [_doc(entry, _text_of(entry).excerpt) for entry in entries]
            changed = []
        touched: set[str] = set()
        touched_unindexed: set[str] = set()
        if self.growing is not None:
            self.postings, self.growing = dict(self.growing), None  # a missing term must stay missing
            touched.update(self.postings)
            touched_unindexed.update(word for word in self.flags if not indexed(word))
        self.entries = list(entries)
        for number in changed:
            entry = entries[number]
            excerpt, joined, fields, flags = _entry_parts(entry)
            self.docs[number] = _doc(entry, excerpt)
            before, after = _term_set(*self.terms_of[number]), _term_set(joined, fields)
            for term in before - after:
                self.postings[term].remove(number)
                touched.add(term)
            for term in after - before:
                numbers = self.postings.setdefault(term, [])
                bisect.insort(numbers, number)
                touched.add(term)
            if flags != self.flags_of[number]:
                for word, _ in self.flags_of[number]:
                    self.flags[word].pop(number, None)
                    (touched if indexed(word) else touched_unindexed).add(word)
                for word, flag in flags:
                    self.flags.setdefault(word, {})[number] = flag
                    (touched if indexed(word) else touched_unindexed).add(word)
                self.flags_of[number] = flags
            self.terms_of[number] = (joined, fields)
        listed = {term for term in touched if term in self.encoded}  # `encoded` holds the terms of `order`
        for term in touched:
            if self.postings[term]:
                self.encoded[term] = self._pair(self.postings[term], self.flags.get(term, {}))
            else:
                del self.postings[term]
                self.flags.pop(term, None)
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
        self._update_prefixes(touched, added, removed, touched_unindexed)
        self.files = self._files()
        return self.files

    def grow(self, entries: list[SearchEntry]) -> None:
        """Put `entries` into a new index ahead of `update`, which takes them as they are if its
        entries begin with these very objects (else it starts again): the build merges each
        page's entry as the page comes from its render worker, and is left with the encoding."""
        if self.growing is None:
            self._reset()
            self.growing = defaultdict(list)
        self._append(entries)
        self.entries.extend(entries)

    def _append(self, entries: list[SearchEntry]) -> None:
        """What update's loop does for entries all new, after those the index has: each term's
        postings appended to in entry order (the loop inserts each number, comparing lists)."""
        assert self.growing is not None
        # the appends run in C (map over the lists a defaultdict makes): 5,000 pages are
        # half a million postings, a third of the index's time as a Python loop
        postings, all_flags = self.growing, self.flags
        for number, entry in enumerate(entries, len(self.terms_of)):
            _, joined, fields, flags = _entry_parts(entry)
            deque(map(list.append, map(postings.__getitem__, _term_set(joined, fields)), repeat(number)), 0)
            for word, flag in flags:
                all_flags.setdefault(word, {})[number] = flag
            self.flags_of.append(flags)
            self.terms_of.append((joined, fields))

    @staticmethod
    def _pair(numbers: list[int], flags: dict[int, int]) -> str:
        # both alphabets need no JSON escapes
        return f'"{encode_postings(numbers)}","{encode_fields(numbers, flags)}"'

    def _update_prefixes(self, touched: set[str], added: set[str], removed: set[str],
                         unindexed: set[str]) -> None:
        """The union entries of the short prefixes of the touched terms (and unindexed title words)."""
        prefixes: set[str] = set()
        for word in unindexed:
            for size in range(1, min(PREFIX_CHARS, len(word)) + 1):
                prefixes.add(word[:size])
                if self.flags.get(word):
                    self.unindexed.setdefault(word[:size], set()).add(word)
                else:
                    self.unindexed.get(word[:size], set()).discard(word)
        for term in touched:
            for size in range(1, min(PREFIX_CHARS, len(term)) + 1):
                prefix = term[:size]
                prefixes.add(prefix)
                if size == len(term):  # the term itself: read from `postings`
                    continue
                if term in added:
                    self.prefixed.setdefault(prefix, set()).add(term)
                elif term in removed:
                    self.prefixed.get(prefix, set()).discard(term)
        for prefix in prefixes:
            key = prefix + PREFIX_MARK
            terms = self.prefixed.get(prefix, set()) | ({prefix} if prefix in self.postings else set())
            extra = self.unindexed.get(prefix, set())
            if not terms or (len(terms) < 2 and not extra):  # search.js reads the one term itself
                self.encoded.pop(key, None)
                continue
            found = set().union(*(self.postings[term] for term in terms))
            flagged = [self.flags[term] for term in terms if term in self.flags]
            # the flags of the first flagged term copied in C, the others' OR-ed in (most
            # prefixes of three letters have one title or section word)
            flags: dict[int, int] = dict(flagged.pop()) if flagged else {}
            for term_flags in flagged:
                for number, flag in term_flags.items():
                    flags[number] = flags.get(number, 0) | flag
            for word in extra:  # a stop word adds its flags to the pages the prefix finds, never pages
                for number, flag in self.flags[word].items():
                    if number in found:
                        flags[number] = flags.get(number, 0) | flag
            self.encoded[key] = self._pair(sorted(found), flags)

    def _files(self) -> dict[str, bytes]:
        files: dict[str, bytes] = {}
        doc_files = []
        for start in range(0, len(self.docs), DOCS_PER_SHARD):
            doc_files.append(_shard(files, "d", "[" + ",".join(self.docs[start:start + DOCS_PER_SHARD]) + "]"))
        shards: list[list[str]] = []
        current: list[str] = []
        size = 0
        for key in sorted(self.encoded, key=_js_order):
            cost = len(self.encoded[key]) + len(key) + 8
            if current and size + cost > TERM_SHARD_CHARS:
                shards.append(current)
                current, size = [], 0
            current.append(key)
            size += cost
        if current:
            shards.append(current)
        starts, term_files = [], []
        for shard in shards:
            starts.append(shard[0] if starts else "")
            pairs = [self.encoded[term].split('","', 1) for term in shard]
            term_files.append(_shard(files, "t", "".join([
                '{"terms":', _json(shard), ',"postings":[', ",".join(pair[0] + '"' for pair in pairs),
                '],"fields":[', ",".join('"' + pair[1] for pair in pairs), "]}"])))
        files[INDEX_FILE] = "".join([
            '{"version":', _json(INDEX_VERSION), ',"stopwords":', _json(list(STOPWORDS)),
            ',"count":', _json(len(self.docs)), ',"docs":', _json(DOCS_PER_SHARD),
            ',"doc_files":', _json(doc_files), ',"term_starts":', _json(starts),
            ',"term_files":', _json(term_files), "}"]).encode("utf-8")
        return files


def _shard(files: dict[str, bytes], kind: str, text: str) -> str:
    data = text.encode("utf-8")
    name = f"search/{kind}-{hashlib.sha256(data).hexdigest()[:12]}.json"
    files[name] = data
    return name


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


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))  # json.dumps made one a call


def _json(value: object) -> str:
    # as Hugo's jsonify: no '<', '>' or '&' in the file, so the index stays data even when
    # inlined in a <script> element ('</script>', '<!--' in a title cannot end it)
    text = _ENCODER.encode(value)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")

