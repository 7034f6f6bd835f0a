"""Shortcode placeholder tokens: inert in Markdown, and never written by the page itself.

A shortcode's output stands in the Markdown source as a token (see render.py) that is
swapped back after Markdown. The token must be plain ASCII letters (it survives link
destinations, which Markdown percent-encodes, emphasis and heading ids) and must not be
text a page can write: a page that says `XQSCAZ` must keep it. So the prefix is chosen
per page, the first of `XQSC`, `XQSCY`, `XQSCYY`, ... that occurs neither in the text
rendered as Markdown nor in its entity-decoded form (`XQ&#83;CAZ` reads `XQSCAZ` after
Markdown). Every Markdown source is checked as it is rendered (`forged`): the text a
shortcode writes into it (`{{% param x %}}`, `markdownify`) is only known then, and
the page is rendered again with a longer prefix when that text holds the prefix.
The choice depends on the content only, so output stays deterministic, and a page
without `XQSC` in it keeps the tokens it always had.

Why the family never mistakes one token for another: every prefix starts with the only
`X` of a token and ends in `C` or `Y`, so no proper suffix of it is a prefix of it, and
an occurrence cannot straddle a token's edge; `Y` is not a digit (`A`-`P`), so a token
of one prefix never reads as a token of another.
"""
from __future__ import annotations

import html
import re
from typing import Iterable

BASE = "XQSC"
_DIGITS = "ABCDEFGHIJKLMNOP"  # hex digits written as letters: no digit stops a word
_HEX = "0123456789abcdef"
_TO_LETTERS = str.maketrans(_HEX, _DIGITS)  # a page has a token per shortcode call: thousands
_FROM_LETTERS = str.maketrans(_DIGITS, _HEX)

# Any token of the family, whatever this page's prefix: markdown.py leaves the id of a
# heading holding one to be taken from its rendered text.
ANY_TOKEN = re.compile(r"XQSCY*[A-P]+Z")


def prefix_for(texts: Iterable[str]) -> str:
    """The shortest prefix of the family found in none of texts, as written or entity-decoded."""
    views = (view for text in texts for view in ((text, html.unescape(text)) if "&" in text else (text,)))
    seen = [view for view in views if BASE in view]
    prefix = BASE
    while any(prefix in view for view in seen):
        prefix += "Y"
    return prefix


class Tokens:
    """The tokens of one page's render: `token(i)` stands for the i-th shortcode output."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        word = re.escape(prefix) + "([A-P]+)Z"
        self.inline = re.compile(word)

    def token(self, index: int) -> str:
        return self.prefix + f"{index:x}".translate(_TO_LETTERS) + "Z"

    @staticmethod
    def index(digits: str) -> int:
        index = _INDEXES.get(digits)
        if index is None:
            index = int(digits.translate(_FROM_LETTERS), 16)
            if len(_INDEXES) < 65_536:
                _INDEXES[digits] = index
        return index

    def find(self, text: str) -> list[re.Match[str]]:
        """The tokens in `text`, in order."""
        return list(self.inline.finditer(text))

    def swap(self, text: str, found: list[re.Match[str]], outputs: list[str]) -> str:
        """`text` with each token swapped for its output, the paragraph around it too when the
        token is all it holds (a shortcode alone on its line: the whole paragraph is its
        output): what `re.sub` of `<p>\\s*TOKEN\\s*</p>|TOKEN` gives, from the tokens `find`
        gave (fit_blocks wants them too) instead of a scan that tries both at every character.
        A token this run did not give out stays as written, paragraph and all."""
        pieces: list[str] = []
        position = 0
        for match in found:
            index = self.index(match.group(1))
            if index >= len(outputs):
                continue
            start, end = match.span()
            # `<p>\s*TOKEN\s*</p>`: no match of the pattern can hold this `<p>` (one holds a `<p>`
            # at its start only, followed by white space and a token), so it is one when the text is
            before = start
            while before and text[before - 1].isspace():  # str.isspace is re's \s
                before -= 1
            if before >= 3 and text.startswith("<p>", before - 3):
                after = _PARAGRAPH_END.match(text, end)
                if after is not None:
                    start, end = before - 3, after.end()
            pieces += (text[position:start], outputs[index])
            position = end
        if not pieces:
            return text
        pieces.append(text[position:])
        return "".join(pieces)

    def forged(self, source: str, inserted: int) -> bool:
        """Whether a Markdown source holds the prefix more often than the tokens put in it."""
        if source.count(self.prefix) != inserted:
            return True
        return "&" in source and html.unescape(source).count(self.prefix) != inserted


_PARAGRAPH_END = re.compile(r"\s*</p>")
# a token's index by its digits: a page's are a few dozen, the same on every page
_INDEXES: dict[str, int] = {}
