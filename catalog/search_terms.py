"""A search entry's words: the normalised words of a text (as search.js finds them), a
page text's excerpt and indexed terms (`text_terms`, which a render worker computes once
per body, so that only the merge into the index is left to the build's serial end), and
the title and section words with their field flags (the format is in search.py's
docstring)."""
from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any, NamedTuple

MAX_TEXT_CHARS = 20_000  # per page; longer pages are indexed on their first 20,000 characters
EXCERPT_CHARS = 160  # the start of the text, shown under a result with the query words marked
MAX_TERM_CHARS = 32  # longer "words" are hashes, keys and the like: not worth an index entry
TITLE_POSITIONS = 5  # flags say which of the title's first words a term is
IN_TITLE, IN_SECTION = 1 << 5, 1 << 6

# Words found on nearly every page: they would make the index larger and match everything.
STOPWORDS = ("a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "in", "into",
             "is", "it", "its", "of", "on", "or", "that", "the", "this", "to", "was", "were", "will", "with")
_STOPWORD_SET = frozenset(STOPWORDS)

_WORD = re.compile(r"[^\W_]+")
# _WORD in an ASCII text: letters lower-cased, digits kept, every other character a space to split
# at (one translate, C's ASCII path, and split: 12 us for a page's text against 29 for a findall)
_ASCII_WORDS = str.maketrans({chr(c): chr(c).lower() if chr(c).isalnum() else " " for c in range(128)})


class TextTerms(NamedTuple):
    """What the index needs of a page's text: its excerpt and its indexed terms. Small
    beside the text (5,000 generated pages: 0.7 kB against 2.1 kB), so a render worker
    sends it, and the build and the render cache keep it, instead of the text."""

    excerpt: str
    terms: str  # the distinct indexed terms, sorted, joined by single spaces (a term holds none)


def text_terms(text: str, collapsed: bool = False) -> TextTerms:
    """The excerpt and indexed terms of a plain `text`. `collapsed`: its white space is
    collapsed and it is clipped already, as search_entries.page_text gives it."""
    if not collapsed:
        text = clip(" ".join(text.split()), MAX_TEXT_CHARS)  # split() and \s+ agree on white space
    found = set(words(text))
    found.difference_update(_STOPWORD_SET)
    return TextTerms(clip(text, EXCERPT_CHARS), " ".join(sorted(term for term in found if len(term) <= MAX_TERM_CHARS)))


def field_terms(title: str, section: str) -> tuple[tuple[str, ...], tuple[tuple[str, int], ...]]:
    """The indexed terms of a title and section, and the field flags of their words (a stop
    word's flags go into the prefix unions only)."""
    title_words, section_words = words(title), _section_words(section)
    length = min(len(title_words), 7) << 7
    flags: dict[str, int] = {}
    for position, word in enumerate(title_words):
        flags[word] = flags.get(word, length) | IN_TITLE | (1 << position if position < TITLE_POSITIONS else 0)
    for word in section_words:
        flags[word] = flags.get(word, length) | IN_SECTION
    # the words of the parts are those of the parts joined by spaces (no word, case rule or
    # reordering of combining marks crosses a space); every title and section word has flags
    shared = _SHARED if len(_SHARED) < 65_536 else {}
    return (tuple(sorted(shared.setdefault(word, word) for word in flags if indexed(word))),
            tuple(sorted(shared.setdefault(pair, pair) for pair in flags.items())))


# one copy of each title or section word and (word, flags) pair, which many entries share: the
# index holds every entry's (5,000 pages: 3.5 MB otherwise, through the pages stage)
_SHARED: dict[Any, Any] = {}


@functools.lru_cache(maxsize=4096)
def _section_words(section: str) -> list[str]:
    # memoised: a section is shared by its pages, and its " › " is no ASCII (the slower path)
    return words(section)


def indexed(word: str) -> bool:
    return word not in _STOPWORD_SET and len(word) <= MAX_TERM_CHARS


def words(text: str) -> list[str]:
    """The normalised words of `text`, as search.js's `words()` finds them."""
    if text.isascii():  # most text: its letters and digits are [a-z0-9] once lower-cased
        return text.translate(_ASCII_WORDS).split()
    text = unicodedata.normalize("NFKD", text)
    marks = {c: None for c in set(text) if unicodedata.category(c).startswith("M")}
    text = text.translate(str.maketrans(marks)) if marks else text
    return _WORD.findall(text.lower())


def clip(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, at a word boundary in its second half."""
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit + 1)
    return text[:cut if cut > limit // 2 else limit].rstrip()
