"""Where markdown-it-py and pulldown-cmark read the same text differently, so catalog/pulldown.py
must leave it to markdown-it-py: the checks on the whole text, before and after its walk.

Each was found by holding the two engines to the same bytes (tests/test_pulldown.py: the
CommonMark spec, markdown-it's fixtures, the corpora, random documents) and is
over-approximated: a false alarm only costs a page the slower engine, a miss costs the
page's HTML. The checks that need the walk's structure live in pulldown.py's `_Walk`."""
from __future__ import annotations

import re
from bisect import bisect_right
from typing import Any, AnyStr, Callable, Iterable, Iterator

from markdown_it.common.normalize_url import normalizeLink, validateLink
from markdown_it.common.utils import isValidEntityCode

# markdown-it's `maxNesting` (commonmark preset: 20) stops nesting where pulldown-cmark goes on
MAX_DEPTH = 12


class Declined(Exception):
    """The page uses something the engines read differently: markdown-it-py renders it."""


class LinePattern:
    """`re.compile("^" + body, re.M)`, searched faster: Python's re tries a pattern led by
    `^` at every position of the text, one led by a literal newline only where the text
    has one (3-4x faster on a page). The same lines match: the first, and each after a
    newline."""

    def __init__(self, body: AnyStr, flags: int = 0) -> None:
        newline: Any = "\n" if isinstance(body, str) else b"\n"
        self.first = re.compile(body, flags | re.M)
        self.later = re.compile(newline + body, flags | re.M)

    def search(self, text: AnyStr) -> bool:
        return self.first.match(text) is not None or self.later.search(text) is not None

    def ends(self, text: AnyStr) -> Iterator[int]:
        """Where each match ends, in order (none of the patterns crosses a line's end)."""
        first = self.first.match(text)
        if first is not None:
            yield first.end()
        for match in self.later.finditer(text):
            yield match.end()


# Text the two engines read differently, found by holding them to the same bytes
# (tests/test_pulldown.py), each as (a substring it needs, the pattern): an IAL anywhere
# (kramdown.py), a NUL, an unclosed CDATA, comments the 0.31 spec and markdown-it end
# differently, a backslash before a line's trailing spaces, an HTML block's `</Script>`
# closed in another case, a tag name followed by a no-break space, a tab after a quote's
# `>`, `~~` outside a fence line (the two strikethrough rules differ on runs and flanking).
# The substring first: one regex of all of them tries every alternative at every position.
# Grouped under a character each substring holds: a page has none of most of them, and
# looking for one character (memchr) is several times faster than for a longer substring.
_DIFFERENCES: dict[str, list[tuple[str, Any]]] = {
    "{": [("{:", None)],
    "\x00": [("\x00", None)],
    "<": [
        ("<![CDATA[", None),
        ("<!--", re.compile(r"<!--(?:-|>|(?:(?!-->)[\s\S])*--(?!>))")),
        ("</", re.compile(r"</(?!script|pre|style|textarea)(?i:script|pre|style|textarea)")),
    ],
    "\\": [("\\", re.compile(r"\\ +\n"))],
    "\t": [
        ("\t", LinePattern(r"[ \t>]*>[ ]?\t")),
        ("\t", re.compile(r"\t[ \t]*#+[ \t]*$", re.M)),  # a heading's closing #s after a tab: pulldown keeps them
    ],
    "~": [("~~", LinePattern(r"(?![ \t>]*~{3,}(?:(?!~~).)*$).*~~"))],
}
# ... and one that needs a character outside ASCII (the space after the tag's name)
_TAG_SPACE = ("<", re.compile(
    r"</?[A-Za-z][A-Za-z0-9-]*[\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"))
# a line, after any quote's `>` or list marker, starting with a tag or a placeholder alone
_KRAMDOWN_LINE = LinePattern(r"(?:[ \t>]|[-*+][ \t]|\d{1,9}[.)][ \t])*(?:<[A-Za-z]|XQSCY*[A-P]+Z[ \t]*$)")
# Whitespace Python's str.strip() removes and CommonMark does not (a no-break space pasted
# from a word processor): markdown-it-py strips a paragraph's, a heading's and a table cell's
# content with it, pulldown-cmark keeps it. Declined where it may begin or end one of those
_WS = "\x0b\x0c\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_UNICODE_SPACE = re.compile(f"[{_WS}]")
# ... and the separators that are whitespace to pulldown-cmark's emphasis rules (Rust's
# char::is_whitespace) but not to markdown-it's (`—\u2028**—**`): declined wherever they are
_SEPARATOR = re.compile("[\x0b\x1c-\x1f\x85\u2028\u2029]")
_STRIPPED_SPACE = re.compile(rf"(?:^|\|)(?:[ \t>#*+-]|\d{{1,9}}[.)])*[{_WS}]|[{_WS}][ \t]*(?:#*[ \t]*$|\|)", re.M)
# blank lines of spaces ending the text: markdown-it drops them from a block left open
_TRAILING_BLANKS = re.compile(r"\n[ \t]+(?:\n[ \t]*)*\Z")


def kramdown_rules_apply(text: str) -> bool:
    """Whether markdown.py's kramdown rules (kramdown_html.py) may read a Jekyll page's text
    otherwise than CommonMark: a line that starts with an HTML tag (kramdown's HTML blocks
    end at their end tag, not a blank line), or a line holding only a Liquid tag's output."""
    return ("<" in text or "XQSC" in text) and _KRAMDOWN_LINE.search(text)  # what it needs first


def differs(text: str) -> bool:
    """Whether the text holds one of the constructs the engines read differently."""
    for character, checks in _DIFFERENCES.items():
        if character in text:
            for needle, pattern in checks:
                if needle in text and (pattern is None or pattern.search(text)):
                    return True
    if text.isascii():  # O(1) for a str: of the spaces below, only ASCII's controls can be there
        if not ("\x0b" in text or "\x0c" in text or "\x1c" in text or "\x1d" in text or "\x1e" in text
                or "\x1f" in text):
            return _trailing_blanks(text)
    elif _TAG_SPACE[0] in text and _TAG_SPACE[1].search(text):
        return True
    if _UNICODE_SPACE.search(text) and (_STRIPPED_SPACE.search(text) or _SEPARATOR.search(text)):
        return True
    return _trailing_blanks(text)


def _trailing_blanks(text: str) -> bool:
    tail = text[len(text.rstrip(" \t\n")):]
    return (" " in tail or "\t" in tail) and _TRAILING_BLANKS.search(tail) is not None


_DEFINITION_THEN_TEXT = LinePattern(r" {0,3}\[[^\]\n]*\]:[^\n]*\n(?! {0,3}\[[^\]\n]*\]:)[ \t]*\S")
_NESTED_DEFINITION = LinePattern(r"(?! {0,3}\[)[ \t>*+\-\d.)]+\[[^\]\n]*\]:")
# A tab ending a line: markdown-it keeps it in a paragraph, pulldown-cmark drops it; in code
# and HTML blocks both keep it (tabs_agree)
TAB_AT_END = re.compile(rb"[^ \t\n][ \t]*\t *(?:\n|$)")  # not on a blank line: that is blank to both
# a tab in a line's indentation, also after a quote's `>` or a list marker (its end: the text)
TAB_INDENT = LinePattern(rb"[ >]*(?:(?:[-*+]|\d{1,9}[.)])[ >]*)?\t[ \t]*[^ \t\n]")
_NUMERIC_ENTITY = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,6})|([0-9]{1,7}));")
# A table's delimiter row as markdown-it's table rule accepts it (after any container prefix)
# (below the first line only, so after a newline: see LinePattern)
_DELIMITER = re.compile(r"\n[ \t>]*([|:-][|:\- \t]*)$", re.M)
_QUOTE_LINE = LinePattern(rb" *>")
_ITEM = rb" *(?:(?:[-*+]|\d{1,9}[.)]) +)+(?=\S)"  # `- - x`: two items
_ITEM_LINE, _ITEM_LINES = re.compile(_ITEM), LinePattern(_ITEM)
_FAR = float("inf")
# ... its cells split at `|`: each `:?-+:?` between blanks, the first and the last may be blank
_DELIMITER_CELL = r"[ \t]*:?-+:?[ \t]*"
_DELIMITER_ROW = re.compile(rf"(?:{_DELIMITER_CELL}|[ \t]*)(?:\|{_DELIMITER_CELL})*(?:\|(?:{_DELIMITER_CELL}|[ \t]*))?")


def entities_agree(text: str) -> bool:
    """markdown-it leaves `&#xD800;` and other invalid code points as text; pulldown-cmark
    writes U+FFFD."""
    if "&" not in text or "&#" not in text:  # the character first: memchr
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


def lazy_code(data: bytes, verbatim: list[tuple[int, int]]) -> bool:
    """An indented line among the lazy continuation lines of a quote, or one indented 4 or
    more below a list item whose text starts further right: markdown-it ends the container
    there with a code block, pulldown-cmark continues the paragraph. Lines of code and HTML
    blocks (`verbatim`, byte ranges: a blueprint's YAML lists) are none of those."""
    if not (b">" in data and _QUOTE_LINE.search(data)) and not _ITEM_LINES.search(data):
        return False
    quote_indent, item_column, offset = -1, 0, 0  # -1: no quote open
    for line in data.split(b"\n"):
        start, offset = offset, offset + len(line) + 1
        if covered(start, verbatim):
            continue
        stripped = line.lstrip(b" ")
        indent = len(line) - len(stripped)
        item = _ITEM_LINE.match(line)
        if not stripped.strip():
            quote_indent, item_column = -1, 0
        elif quote_indent >= 0 and (indent >= quote_indent + 4 or stripped.startswith(b"\t")):
            return True
        elif stripped.startswith(b">"):
            quote_indent = indent if quote_indent < 0 else quote_indent
        elif quote_indent >= 0 and indent != quote_indent:
            return True  # a lazy line indented otherwise (a code span across it keeps other spaces)
        elif 4 <= indent < item_column:
            return True
        elif item is not None:
            item_column = item.end()
    return False


def tabs_agree(data: bytes, verbatim: list[tuple[int, int]], top_verbatim: list[tuple[int, int]],
               containers: bool) -> bool:
    """A tab ending a line must be in a code or HTML block (`verbatim`), where both engines
    keep text as is; in a document with lists or quotes (`containers`), so must a tab
    indenting a line (markdown-it turns part of it into spaces, to the container's column),
    and at the top level (`top_verbatim`)."""
    if not all(covered(m.start(), verbatim) for m in TAB_AT_END.finditer(data)):
        return False
    return not containers or all(covered(end - 1, top_verbatim) for end in TAB_INDENT.ends(data))


def covered(offset: int, ranges: list[tuple[int, int]]) -> bool:
    """Whether offset lies in one of the ranges (in source order, not overlapping)."""
    index = bisect_right(ranges, (offset, _FAR)) - 1
    return index >= 0 and ranges[index][0] <= offset < ranges[index][1]


def delimiter_rows(text: str) -> set[int]:
    """Where each line markdown-it could read as a table's delimiter row starts (an offset in
    the text, not a line number: counting lines cost more than finding them): those its table
    rule accepts, below a line with a pipe. Over-approximated (a fence's lines count too), so
    a difference only ever sends a page to markdown-it-py."""
    if "|" not in text or "-" not in text:
        return set()
    rows: set[int] = set()
    for match in _DELIMITER.finditer(text):
        start = match.start() + 1  # after its newline
        if "|" not in text[text.rfind("\n", 0, start - 1) + 1 : start - 1]:
            continue  # one below a line without a pipe
        row = match[1].rstrip()
        if row.startswith("-") and row[1:2] in (" ", "\t"):
            continue
        if _DELIMITER_ROW.fullmatch(row):
            rows.add(start)
    return rows


class LineCounter:
    """A 0-based line number for offsets asked in source order, counting only the newlines
    since the last one asked: counting from the start each time is quadratic (a 1 MB page of
    fences or tables took seconds)."""

    def __init__(self, text: str | bytes) -> None:
        self.text, self.newline = text, "\n" if isinstance(text, str) else b"\n"
        self.offset = self.line = 0

    def __call__(self, offset: int) -> int:
        if offset < self.offset:  # not in order: from the start
            self.offset = self.line = 0
        self.line += self.text.count(self.newline, self.offset, offset)  # type: ignore[arg-type]
        self.offset = offset
        return self.line


def line_from(data: bytes, offset: int) -> bytes:
    """The source from `offset` to the end of its line."""
    end = data.find(b"\n", offset)
    return data[offset : end if end >= 0 else len(data)]


def line_before(data: bytes, offset: int) -> bytes:
    """The source from the start of `offset`'s line to `offset` (a block's container prefix)."""
    return data[data.rfind(b"\n", 0, offset) + 1 : offset]
