"""Patterns for HTML tag names in any case, for ASCII text, without re.I.

re.I makes the regular expression engine fold the case of every character it compares:
the search text's passes over a page's HTML spent two to three times as long with it as
with the same patterns on lower-case text. Spelled with both cases of each letter
(`[pP][rR][eE]`), a pattern matches in an ASCII text exactly what the re.I one does (re.I
and `[pP]` differ only on a few non-ASCII letters, `ſ` or the Kelvin sign `K`, which an
ASCII text does not hold); a non-ASCII text keeps the re.I pattern. The engine passes over
a branch that starts with a literal by comparing one character, but enters one that starts
with a class: an alternation of names is factored by first letters (names_any_case) and
put behind a lookahead of them (first_letters), so that the common tags (`<p>`, `<td>`)
are passed over at once.
"""
from __future__ import annotations

import re
from typing import Iterable


def any_case(word: str) -> str:
    """`word` as a pattern matching it in any ASCII case: `pre` -> `[pP][rR][eE]`."""
    return "".join(f"[{c.lower()}{c.upper()}]" if c.isascii() and c.isalpha() else re.escape(c) for c in word)


def both_cases(word: str) -> list[str]:
    """`word` in any ASCII case as two branches, each starting with a literal (`p[rR][eE]`,
    `P[rR][eE]`): see the module's docstring."""
    first, rest = word[0], any_case(word[1:])
    if not (first.isascii() and first.isalpha()):
        return [re.escape(first) + rest]
    return [first.lower() + rest, first.upper() + rest]


def names_any_case(names: Iterable[str]) -> str:
    """An alternation matching any of `names` in any ASCII case, factored by leading letters
    (`a|abbr|b|bdi` -> `a(?:[bB][bB][rR])?|A(?:[bB][bB][rR])?|b(?:[dD][iI])?|B(?:[dD][iI])?`):
    the engine tries the branches one by one at every tag, so a tag is compared with a letter
    or two, not with every name. Which branch matches where a name is a prefix of another (`a`,
    `abbr`) is left to what follows: give the names followed by a pattern that ends the name
    (`\\b`)."""
    return "|".join(_branches(sorted(set(names)), top=True))


def _branches(names: list[str], top: bool = False) -> list[str]:
    by_first: dict[str, list[str]] = {}
    for name in names:
        by_first.setdefault(name[0], []).append(name[1:])
    branches = []
    for first, rests in by_first.items():
        longer = [rest for rest in rests if rest]
        tail = ""
        if longer:
            inner, optional = _branches(longer), len(longer) < len(rests)
            tail = inner[0] if len(inner) == 1 and not optional else f"(?:{'|'.join(inner)}){'?' if optional else ''}"
        branches += [head + tail for head in (both_cases(first) if top else [any_case(first)])]
    return branches


def first_letters(names: Iterable[str]) -> str:
    """A character class of the first letters of `names` in both cases, for a lookahead that
    passes over a tag no name can start."""
    letters = sorted({c for name in names for c in (name[0].lower(), name[0].upper())})
    return "[" + "".join(re.escape(c) for c in letters) + "]"
