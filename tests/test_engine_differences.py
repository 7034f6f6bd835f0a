"""The whole-text checks of catalog/engine_differences.py, written for speed (a character
looked for before a substring, `^` patterns searched after a newline, ASCII texts spared the
Unicode scans), against their plain formulations: the same answer on every text, so the
fast path declines exactly the pages it declined before."""
from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog import engine_differences as ed
from catalog.engine_differences import LinePattern

# pieces of the constructs each check looks for, and of what merely resembles them
_PIECES = st.sampled_from(
    list("*_[]()!<>#|-:~`\\ \n\t&;\"'/=.{}0123456789xX") + [
        "a", "é", "\n\n", "    ", "> ", "- ", "+ ", "* ", "1. ", "2) ", "```", "~~~", "~~", "<div>", "</div>",
        "</Script>", "</pre>", "<a\u00a0", "<!--", "-->", "<!-- x -->", "<![CDATA[", "{:", "\x00", "\\  \n",
        "&#1;", "&#xD800;", "&#x41;", "&amp;", "[x]: /u\n", "[r]: javascript:x\n", "- [x]: /u\n", "| a | b |\n",
        "|---|---|\n", "|:-:|", "--|--", "- |", "XQSCYABZ", "XQSCBZ ", "\u00a0", "\u2028", "\u3000", "\x0b",
        "\x0c", "\x1c", "\x1f", "\x85", "\t#", "  \n", "\n  ", "\n\t", "\n> ", ">\t", "\n    ", "\n   - ",
    ]
)
_TEXTS = st.lists(_PIECES, max_size=40).map("".join)
_SETTINGS = settings(max_examples=3000, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))

# the checks as they were written before they were made faster: the reference
_OLD_DIFFERENCES = [
    ("{:", None),
    ("\x00", None),
    ("<![CDATA[", None),
    ("<!--", re.compile(r"<!--(?:-|>|(?:(?!-->)[\s\S])*--(?!>))")),
    ("\\", re.compile(r"\\ +\n")),
    ("</", re.compile(r"</(?!script|pre|style|textarea)(?i:script|pre|style|textarea)")),
    ("<", re.compile(r"</?[A-Za-z][A-Za-z0-9-]*[\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")),
    ("\t", re.compile(r"^[ \t>]*>[ ]?\t", re.M)),
    ("\t", re.compile(r"\t[ \t]*#+[ \t]*$", re.M)),
    ("~~", re.compile(r"^(?![ \t>]*~{3,}(?:(?!~~).)*$).*~~", re.M)),
]


def old_differs(text: str) -> bool:
    for needle, pattern in _OLD_DIFFERENCES:
        if needle in text and (pattern is None or pattern.search(text)):
            return True
    if ed._UNICODE_SPACE.search(text) and (ed._STRIPPED_SPACE.search(text) or ed._SEPARATOR.search(text)):
        return True
    return ed._TRAILING_BLANKS.search(text[len(text.rstrip(" \t\n")):]) is not None


def old_delimiter_rows(text: str) -> set[int]:
    if "|" not in text or "-" not in text:
        return set()
    rows: set[int] = set()
    for match in re.finditer(r"^[ \t>]*([|:-][|:\- \t]*)$", text, re.M):
        start = match.start()
        if start == 0 or "|" not in text[text.rfind("\n", 0, start - 1) + 1 : start - 1]:
            continue
        row = match[1].rstrip()
        if row.startswith("-") and row[1:2] in (" ", "\t"):
            continue
        cells = [cell.strip(" \t") for cell in row.split("|")]
        if all(re.match(r"^:?-+:?$", cell) or (not cell and index in (0, len(cells) - 1))
               for index, cell in enumerate(cells)):
            rows.add(start)  # where the row starts (it was its line number, counted)
    return rows


_LINE_PATTERNS = [ed._KRAMDOWN_LINE, ed._DEFINITION_THEN_TEXT, ed._NESTED_DEFINITION, ed._QUOTE_LINE,
                  ed._ITEM_LINES, ed.TAB_INDENT] + [pattern for checks in ed._DIFFERENCES.values()
                                                    for _, pattern in checks if isinstance(pattern, LinePattern)]


@_SETTINGS
@given(_TEXTS)
def test_line_patterns_match_the_lines_a_caret_pattern_matches(text: str) -> None:
    for pattern in _LINE_PATTERNS:
        body = pattern.first.pattern
        caret = re.compile(("^" if isinstance(body, str) else b"^") + body, re.M)
        subject = text if isinstance(body, str) else text.encode()
        assert pattern.search(subject) == (caret.search(subject) is not None), body
        assert list(pattern.ends(subject)) == [match.end() for match in caret.finditer(subject)], body


@_SETTINGS
@given(_TEXTS)
def test_the_checks_answer_as_their_plain_formulations(text: str) -> None:
    assert ed.differs(text) == old_differs(text)
    assert ed.delimiter_rows(text) == old_delimiter_rows(text)
    assert bool(ed.kramdown_rules_apply(text)) == (re.search(
        r"^(?:[ \t>]|[-*+][ \t]|\d{1,9}[.)][ \t])*(?:<[A-Za-z]|XQSCY*[A-P]+Z[ \t]*$)", text, re.M) is not None)
    old_entities = all(ed.isValidEntityCode(int(m[1], 16) if m[1] else int(m[2]))
                       for m in ed._NUMERIC_ENTITY.finditer(text))
    assert ed.entities_agree(text) == old_entities
    data = text.encode()
    quoted_or_listed = (re.search(rb"^ *>", data, re.M) is not None
                        or re.search(rb"^ *(?:(?:[-*+]|\d{1,9}[.)]) +)+(?=\S)", data, re.M) is not None)
    assert quoted_or_listed == bool((b">" in data and ed._QUOTE_LINE.search(data)) or ed._ITEM_LINES.search(data))
    assert quoted_or_listed or not ed.lazy_code(data, [])  # what lazy_code looks at before its loop


def test_ascii_texts_with_a_control_space_still_take_the_unicode_checks() -> None:
    # isascii() spares the Unicode scans; these spaces are ASCII and must not be spared
    for space in "\x0b\x0c\x1c\x1d\x1e\x1f":
        assert ed.differs(f"{space}Note: text\n") == old_differs(f"{space}Note: text\n") == True  # noqa: E712
    assert not ed.differs("Plain text, nothing special.\n")


@_SETTINGS
@given(st.lists(st.sampled_from(["|", "-", ":", " ", "\t", "--", ":-", "-:", "|-", "> ", "a"]), min_size=1, max_size=14)
       .map("".join))
def test_a_delimiter_row_is_read_as_its_cells_were(row: str) -> None:
    # one pattern for the whole row where each cell was split off, stripped and matched
    for text in (f"a | b\n{row}\n", f"| a |\n{row}", f"x\n{row}\n"):
        assert ed.delimiter_rows(text) == old_delimiter_rows(text)
