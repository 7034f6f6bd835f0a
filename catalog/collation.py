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

# The default table's order of ASCII white space, punctuation and symbols (all before digits)
_PUNCTUATION = "\t\n\v\f\r _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$"
_PUNCTUATION_RANK = {char: rank for rank, char in enumerate(_PUNCTUATION)}
# The default table's order of the common accents (secondary weights); others after them
_ACCENTS = "\u0301\u0300\u0306\u0302\u030c\u030a\u0308\u030b\u0303\u0307\u0338\u0327\u0328\u0304"
_ACCENT_RANK = {char: rank + 1 for rank, char in enumerate(_ACCENTS)}
# Letters the table expands (compared as two letters at the first level)
_EXPANSIONS = {"ß": "ss", "æ": "ae", "œ": "oe", "ĳ": "ij"}

_SYMBOL, _DIGIT, _LETTER, _OTHER = 1, 2, 3, 4


@lru_cache(maxsize=4096)
def collation_key(text: str) -> tuple[tuple[tuple[int, int], ...], tuple[int, ...], tuple[int, ...]]:
    """A key whose order is the collator's: first-level weights (the letters, digits and
    symbols themselves), then accents, then case."""
    primary: list[tuple[int, int]] = []
    secondary: list[int] = []
    tertiary: list[int] = []
    for char in unicodedata.normalize("NFD", text):
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
            tertiary.append(1 if upper else 0)
    return tuple(primary), tuple(secondary), tuple(tertiary)
