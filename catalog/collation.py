"""Title order as Hugo sorts pages: Unicode collation (Go's x/text/collate), not code points.

Hugo compares link titles with a language collator: letters before case and accents
("a" < "Á" < "ä" < "B"), accents before case ("e" < "E" < "é"), lower case before upper
("m" < "M"), punctuation and spaces before digits before letters ("_x" < "(x" < "10" <
"9" < "a"), each digit on its own ("10" < "9"). This is the Unicode Collation Algorithm
with its default table in small: the three levels are compared one after the other, and
the table's order is kept for ASCII punctuation and the common accents; other symbols
and scripts fall in code point order after them. No ICU is needed for that, and the
order does not depend on the machine's locale.
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache

# The default table's order of white space, punctuation and symbols (all before digits),
# for ASCII, Latin-1 and the common typographic marks
_PUNCTUATION = ("\t\n\v\f\r \u00a0_-\u2010\u2011\u2012\u2013\u2014\u2015,;:!\u00a1?\u00bf.\u2026\u00b7"
                "'\u2018\u2019\u201a\u2039\u203a\"\u201c\u201d\u201e\u00ab\u00bb()[]{}\u00a7\u00b6@*/\\&#%"
                "\u2030\u2020\u2021\u2022`\u00b4^\u00a8\u00af\u00b8\u00b0\u00a9\u00ae+\u00b1\u00f7\u00d7<=>"
                "\u00ac|\u00a6~\u00a4\u00a2$\u00a3\u00a5\u20ac")
_PUNCTUATION_RANK = {char: rank for rank, char in enumerate(_PUNCTUATION)}
# The default table's order of the common accents (secondary weights); others after them
_ACCENTS = "\u0301\u0300\u0306\u0302\u030c\u030a\u0308\u030b\u0303\u0307\u0338\u0327\u0328\u0304"
_ACCENT_RANK = {char: rank + 1 for rank, char in enumerate(_ACCENTS)}
# Letters the table expands (compared as two letters at the first level)
_EXPANSIONS = {"ß": "ss", "æ": "ae", "œ": "oe", "ĳ": "ij"}
# Letters with a stroke, which Unicode does not decompose but the table sorts as the plain
# letter with an accent ("o" < "ø" < "p", as hugo orders them)
_STROKED = str.maketrans({"ø": "o\u0338", "Ø": "O\u0338", "đ": "d\u0335", "Đ": "D\u0335", "ł": "l\u0337",
                          "Ł": "L\u0337", "ħ": "h\u0335", "Ħ": "H\u0335"})

_SYMBOL, _DIGIT, _LETTER, _OTHER = 1, 2, 3, 4


Key = tuple[tuple[tuple[int, int], ...], tuple[int, ...], tuple[int, ...]]


def collation_key(text: str) -> Key:
    """A key whose order is the collator's: first-level weights (the letters, digits and
    symbols themselves), then accents, then case."""
    if text.isascii():
        # most titles: no accents, no expansions, so each character's weights are its own,
        # read from a table (the same key _unicode_key makes, at a tenth of the cost; a
        # 5,000-page site's titles overflowed that function's cache on every build)
        return (tuple(map(_ASCII_PRIMARY.__getitem__, text)), (0,) * len(text),
                tuple(map(_ASCII_CASE.__getitem__, text)))
    return _unicode_key(text)


@lru_cache(maxsize=4096)
def _unicode_key(text: str) -> Key:
    primary: list[tuple[int, int]] = []
    secondary: list[int] = []
    tertiary: list[int] = []
    for char in unicodedata.normalize("NFD", text).translate(_STROKED):
        if unicodedata.combining(char):
            secondary.append(_ACCENT_RANK.get(char, 100 + ord(char)))
            continue
        upper = char != char.lower() or char.isupper()
        lowered = char.lower()
        for base in _EXPANSIONS.get(lowered, lowered):
            if base in _PUNCTUATION_RANK:
                primary.append((_SYMBOL, _PUNCTUATION_RANK[base]))
            elif base.isdigit():
                primary.append((_DIGIT, unicodedata.digit(base, 0)))
            elif base.isalpha():
                primary.append((_LETTER, ord(base)))
            elif unicodedata.category(base)[0] in "PSZ":
                primary.append((_SYMBOL, 1000 + ord(base)))
            else:
                primary.append((_OTHER, ord(base)))
            secondary.append(0)
            # case: lower < an expanded letter ("ss" < "ß") < upper
            tertiary.append(2 if upper else 1 if lowered in _EXPANSIONS else 0)
    return tuple(primary), tuple(secondary), tuple(tertiary)


_ASCII_KEYS = {chr(code): _unicode_key.__wrapped__(chr(code)) for code in range(128)}
_ASCII_PRIMARY = {char: key[0][0] for char, key in _ASCII_KEYS.items()}
_ASCII_CASE = {char: key[2][0] for char, key in _ASCII_KEYS.items()}
