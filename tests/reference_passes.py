"""The per-page passes as they were before their fast paths (issue 20): heading ids, the search
text, the element ids and the swap of shortcode placeholders, kept as the oracle the fast
paths are compared with (tests/test_pass_fast_paths.py). What the fast paths did not change
(the attribute helpers of anchors.py, the cut of one paragraph) is imported, not copied."""
from __future__ import annotations

import html
import re
from html import unescape
from typing import Callable

from catalog.anchors import Heading, _drop_gid, _explicit_id, _take_gid, _unique, goldmark_id, heading_text
from catalog.paragraphs import _PARAGRAPH, cut_paragraph, holds_block
from catalog.placeholders import Tokens
from catalog.search_terms import MAX_TEXT_CHARS, clip

# -- catalog/anchors.py -------------------------------------------------------------------------
_ATTRS = r"""(?:[^>"']|"[^"]*"|'[^']*')*"""
# One pass finds headings and the regions whose content is not page structure
# (code, scripts, comments), so headings written inside them are left alone.
_SCAN = re.compile(
    r"<!--.*?-->"
    rf"|<(?P<raw>pre|code|script|style|textarea)(?=[\s>/]){_ATTRS}>.*?</(?P=raw)\s*>"
    rf"|<h(?P<level>[1-6])(?P<attrs>(?=[\s>/]){_ATTRS})>(?P<inner>.*?)</h(?P=level)\s*>",
    re.S | re.I,
)


def assign_heading_ids(page_html: str) -> tuple[str, list[Heading]]:
    """anchors.assign_heading_ids as it was: one re.I scan with lazy loops, each region lower-cased."""
    found = list(_SCAN.finditer(page_html))
    matches = [match for match in found if match["level"]]
    taken = {explicit for match in matches if (explicit := _explicit_id(match["attrs"])) is not None}
    headings: list[Heading] = []
    pieces: list[str] = []
    last = 0
    for match in found:
        if not match["level"]:
            region = match.group()
            cleaned = _drop_gid(region)
            if cleaned != region:
                pieces.append(page_html[last : match.start()])
                pieces.append(cleaned)
                last = match.end()
            continue
        level = int(match["level"])
        attrs, gid = _take_gid(match["attrs"])
        text = heading_text(match["inner"])
        explicit = _explicit_id(attrs)
        if explicit is not None:
            heading_id = explicit
            new_attrs = attrs
        else:
            heading_id = _unique(goldmark_id(text if gid is None else gid), taken)
            new_attrs = f' id="{html.escape(heading_id)}"{attrs}'
        if new_attrs != match["attrs"]:
            pieces.append(page_html[last : match.start()])
            # keep the tag as written (`<H2` stays upper-case, matching its end tag)
            pieces.append(f"{page_html[match.start() : match.start('attrs')]}{new_attrs}>")
            last = match.start("inner")
        headings.append(Heading(level, heading_id, " ".join(text.split())))
    pieces.append(page_html[last:])
    return "".join(pieces), headings


# -- catalog/search_entries.py ------------------------------------------------------------------
def page_text(html: str, limit: int = MAX_TEXT_CHARS) -> str:
    """The readable text of a rendered page body: tags stripped, code listings (<pre>),
    scripts, styles and diagram sources dropped, whitespace collapsed, at most `limit`
    characters (cut at a word boundary)."""
    if html.isascii():
        # matched in the lower-cased text with case-sensitive patterns: a third of the cost of
        # matching tag names in any case, and the same offsets (lower() keeps an ASCII text's length)
        text, lowered = _cut(html, html.lower(), _SKIPPED_LOWER, " ")
        text, _ = _cut(text, lowered, _INLINE_TAG_LOWER, "")
    else:
        text = _SKIPPED.sub(" ", html)
        text = _INLINE_TAG.sub("", text)  # "<em>wag</em>on" is one word
    text = _TAG.sub(" ", text)
    # split() and \s+ agree on what is white space (every code point checked); joining the
    # words costs a fifth of replacing each run of spaces by a space
    return clip(" ".join(unescape(text).split()), limit)


def _cut(text: str, lowered: str, pattern: re.Pattern[str], replacement: str) -> tuple[str, str]:
    """`text` and `lowered` (its lower-cased copy) with `replacement` for each match of
    `pattern` in `lowered`: what pattern.sub does in `text` with the pattern's names in any case."""
    pieces: list[str] = []
    lowered_pieces: list[str] = []
    position = 0
    for match in pattern.finditer(lowered):
        pieces += (text[position:match.start()], replacement)
        lowered_pieces += (lowered[position:match.start()], replacement)
        position = match.end()
    if not pieces:
        return text, lowered
    pieces.append(text[position:])
    lowered_pieces.append(lowered[position:])
    return "".join(pieces), "".join(lowered_pieces)


# Regular expressions rather than an HTML parser: page bodies come from our own Markdown
# renderer, and this runs once per page of every build (a parser took 1.5 ms a page).
_SKIPPED_SOURCE = (r"<!--.*?-->|<(pre|script|style|template|svg|math|noscript|textarea)\b.*?</\1\s*>"
                   r"|<div class=\"mermaid\">.*?</div>")
_SKIPPED = re.compile(_SKIPPED_SOURCE, re.S | re.I)
_SKIPPED_LOWER = re.compile(_SKIPPED_SOURCE, re.S)
_INLINE_NAMES = ("a|abbr|b|bdi|bdo|cite|code|data|del|dfn|em|i|ins|kbd|mark|q|s|samp|small|span"
                 "|strong|sub|sup|time|u|var|wbr")
_INLINE_TAG = re.compile(rf"</?(?:{_INLINE_NAMES})\b[^>]*>", re.I)
_INLINE_TAG_LOWER = re.compile(rf"</?(?:{_INLINE_NAMES})\b[^>]*>")
_TAG = re.compile(r"<[^>]*>")


# -- catalog/page_render.py ---------------------------------------------------------------------
_ELEMENT_ID = re.compile(r'\sid="([^"]+)"')


def element_ids(html: str) -> frozenset[str]:
    """The id="..." of every element of a body's HTML: what a ref's #fragment may name."""
    return frozenset(_ELEMENT_ID.findall(html))


# -- catalog/paragraphs.py and _PageRun.expand_html ----------------------------------------------
def fit_blocks(text: str, token: re.Pattern[str], output_of: Callable[[re.Match[str]], str],
               placeholder: Callable[[str], str]) -> str:
    """Every paragraph given to the cut, those without a block's token left as they are."""
    def paragraph(match: re.Match[str]) -> str:
        if not any(holds_block(output_of(m)) for m in token.finditer(match.group(2))):
            return match.group(0)
        return cut_paragraph(match, token, output_of, placeholder)

    return _PARAGRAPH.sub(paragraph, text)


def expand_html(prefix: str, outputs: list[str], text: str) -> tuple[str, list[str]]:
    """_PageRun.expand_html as it was: the HTML, and the outputs list after it (fit_blocks
    adds the outputs it makes)."""
    outputs = list(outputs)
    tokens = Tokens(prefix)

    def output(match: re.Match[str]) -> str:
        digits = match.group(1) or match.group(2)
        index = int(digits.translate(str.maketrans("ABCDEFGHIJKLMNOP", "0123456789abcdef")), 16)
        return outputs[index] if index < len(outputs) else match.group(0)

    def placeholder(made: str) -> str:
        outputs.append(made)
        return tokens.token(len(outputs) - 1)

    if prefix not in text:
        return text, outputs
    text = fit_blocks(text, tokens.inline, output, placeholder)
    # a shortcode alone on its line: the whole paragraph is its output
    word = re.escape(prefix) + "([A-P]+)Z"
    block_or_inline = re.compile(rf"<p>\s*{word}\s*</p>|{word}")
    return block_or_inline.sub(output, text), outputs
