"""Where markdown-it-py and pulldown-cmark read the same text differently, so catalog/pulldown.py
must leave it to markdown-it-py: the checks on the whole text, before and after its walk.

Each was found by holding the two engines to the same bytes (tests/test_pulldown.py: the
CommonMark spec, markdown-it's fixtures, the corpora, random documents) and is
over-approximated: a false alarm only costs a page the slower engine, a miss costs the
page's HTML. The checks that need the walk's structure live in pulldown.py's `_Walk`."""
from __future__ import annotations

import re
from typing import Callable, Iterable

from markdown_it.common.normalize_url import normalizeLink, validateLink
from markdown_it.common.utils import isValidEntityCode

# Text the two engines read differently, found by holding them to the same bytes
# (tests/test_pulldown.py): an IAL anywhere (kramdown.py), a NUL, an unclosed CDATA, an
# HTML block's `</Script>` closed in another case,
# a tag name followed by a no-break space, a tab after a quote's `>`, a backslash before
# a line's trailing spaces, comments the 0.31 spec and markdown-it end differently, `~~`
# outside a fence line (the two strikethrough rules differ on runs and flanking), and blank
# lines of spaces ending the text (markdown-it drops them from a block left open).
DECLINE = re.compile(
    r"\{:|\x00|<!\[CDATA\[|<!--(?:-|>|(?:(?!-->)[\s\S])*--(?!>))|\\ +\n"
    r"|</(?!script|pre|style|textarea)(?i:script|pre|style|textarea)"
    r"|</?[A-Za-z][A-Za-z0-9-]*[\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    r"|^[ \t>]*>[ ]?\t"
    r"|^(?![ \t>]*~{3}).*~~"
    r"|\n[ \t]+(?:\n[ \t]*)*\Z",
    re.M,
)
_DEFINITION_THEN_TEXT = re.compile(r"^ {0,3}\[[^\]\n]*\]:[^\n]*\n(?! {0,3}\[[^\]\n]*\]:)[ \t]*\S", re.M)
_NESTED_DEFINITION = re.compile(r"^(?! {0,3}\[)[ \t>*+\-\d.)]+\[[^\]\n]*\]:", re.M)
# A tab ending a line: markdown-it keeps it in a paragraph, pulldown-cmark drops it; in code
# and HTML blocks both keep it (_Walk.tabs_agree)
TAB_AT_END = re.compile(rb"[^ \t\n][ \t]*\t *(?:\n|$)")  # not on a blank line: that is blank to both
TAB_INDENT = re.compile(rb"^ *\t[ \t]*[^ \t\n]", re.M)  # a line with text: its end is that text
_NUMERIC_ENTITY = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,6})|([0-9]{1,7}));")
# A table's delimiter row as markdown-it's table rule accepts it (after any container prefix)
_DELIMITER = re.compile(r"[ \t>]*([|:-][|:\- \t]*)$")
_DELIMITER_CELL = re.compile(r"^:?-+:?$")


def entities_agree(text: str) -> bool:
    """markdown-it leaves `&#xD800;` and other invalid code points as text; pulldown-cmark
    writes U+FFFD."""
    if "&#" not in text:
        return True
    for match in _NUMERIC_ENTITY.finditer(text):
        code = int(match[1], 16) if match[1] else int(match[2])
        if not isValidEntityCode(code):
            return False
    return True


def definitions_agree(text: str, destinations: Callable[[str], Iterable[str]]) -> bool:
    """markdown-it refuses a reference definition whose URL it refuses (`javascript:`): the
    line stays text; pulldown-cmark takes it. And they differ on what a line right below a
    definition continues, and on definitions inside list items and quotes: those go to
    markdown-it-py (_DEFINITION_THEN_TEXT, _NESTED_DEFINITION)."""
    if "]:" not in text:
        return True
    if _DEFINITION_THEN_TEXT.search(text) or _NESTED_DEFINITION.search(text):
        return False
    return all(validateLink(normalizeLink(url)) for url in destinations(text))


def lazy_code(text: str) -> bool:
    """A line indented 4 or more among a quote's lazy continuation lines: markdown-it ends
    the quote there with a code block, pulldown-cmark continues the paragraph."""
    if ">" not in text:
        return False
    in_quote = False
    for line in text.split("\n"):
        stripped = line.lstrip(" ")
        if not stripped.strip():
            in_quote = False
        elif stripped.startswith(">"):
            in_quote = True
        elif in_quote and (len(line) - len(stripped) >= 4 or stripped.startswith("\t")):
            return True
    return False


def delimiter_rows(text: str) -> set[int]:
    """The lines markdown-it could read as a table's delimiter row (0-based): those its table
    rule accepts, below a line with a pipe. Over-approximated (a fence's lines count too),
    so a difference only ever sends a page to markdown-it-py."""
    if "|" not in text or "-" not in text:
        return set()
    rows: set[int] = set()
    lines = text.split("\n")
    for number in range(1, len(lines)):
        match = _DELIMITER.match(lines[number])
        if match is None or "|" not in lines[number - 1]:
            continue
        row = match[1].rstrip()
        if row.startswith("-") and row[1:2] in (" ", "\t"):
            continue
        cells = [cell.strip(" \t") for cell in row.split("|")]
        if all(_DELIMITER_CELL.match(cell) or (not cell and index in (0, len(cells) - 1))
               for index, cell in enumerate(cells)):
            rows.add(number)
    return rows
