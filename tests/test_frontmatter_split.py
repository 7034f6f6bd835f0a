"""frontmatter.parse finds the closing fence without splitting the whole page: the header,
body and body line it gives are those of splitting the text into lines, for any text."""
from __future__ import annotations

import random

from catalog.diagnostics import LocatedError
from catalog.frontmatter import parse


def _split_by_lines(text: str) -> tuple[str, str, int] | None:
    """The header, body and body line as parse found them by splitting every line (its
    code before it looked for the fence alone); None when the front matter is not closed."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n")
    first = text.split("\n", 1)[0].rstrip("\r").rstrip()
    lines = text.split("\n")
    for index in range(1, len(lines)):
        if lines[index].rstrip("\r").rstrip() == first:
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1:]), index + 2
    return None


_PIECES = ["title: x", "", "  ", "---", "--- ", "---\t", "--- x", "+++", "+++  ", "weight = 3", "a: 1\r",
           "body text", "\r", "- item", "# heading", "title = \"t\""]


def _texts() -> list[str]:
    chooser = random.Random(7)
    texts = ["---", "---\n", "---\n---", "---\n---\n", "+++\n+++", "--- \n---", "---\n\n---\nbody\n",
             "---\r\n---\r\nbody\r\n", "\ufeff---\ntitle: x\n---\nbody", "---\ntitle: x", "---\ntitle: x\n--- "]
    for _ in range(3000):
        fence = chooser.choice(["---", "+++", "--- ", "---\r"])
        lines = [chooser.choice(_PIECES) for _ in range(chooser.randrange(0, 9))]
        ending = chooser.choice(["", "\n", "\r\n"])
        texts.append((chooser.choice(["\n", "\r\n"])).join([fence, *lines]) + ending)
    return texts


def _outcome(text: str) -> tuple:
    try:
        got = parse(text, "p.md")
    except LocatedError as err:
        return ("refused", err.diagnostic.format())
    return got.meta, got.key_lines, got.body, got.body_line, got.format


def test_the_fence_search_splits_as_the_lines_did():
    for text in _texts():
        expected = _split_by_lines(text)
        got = _outcome(text)
        if expected is None:
            assert got[0] == "refused" and "front-matter-unclosed" in got[1], repr(text)
            continue
        header, body, body_line = expected
        fence = text.removeprefix("\ufeff").split("\n", 1)[0].rstrip("\r").rstrip()
        # the same header alone, closed on the next line: the same meta and key lines (or refusal)
        alone = _outcome(f"{fence}\n{header}\n{fence}\n")
        if header.endswith("\r"):  # its '\r' and the added '\n' would make a line break of their own
            assert got[0] == "refused" or got[2:4] == (body, body_line), repr(text)
        elif alone[0] == "refused":
            assert got == alone, repr(text)
        else:
            assert got == (alone[0], alone[1], body, body_line, alone[4]), repr(text)
