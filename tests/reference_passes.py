"""The per-page passes as they were before their fast paths (issue 20): heading ids, the search
text, the element ids and the swap of shortcode placeholders, kept verbatim as the oracle the
fast paths are compared with (tests/test_pass_fast_paths.py)."""
from __future__ import annotations

import html
import re
from html import unescape
from typing import Callable

from catalog.anchors import GID_ATTR, Heading, goldmark_id, heading_text
from catalog.paragraphs import _PARAGRAPH, _open_inline, _with_attributes, _wrap, holds_block
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
# One attribute of a start tag (name, optional value) with the whitespace before it.
_ATTR = re.compile(r"""\s+(?P<name>[^\s"'>/=]+)(?:\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s"'>]+)))?""")
# A heading start tag inside code or a comment, to drop a stray marker attribute from.
_HEADING_START = re.compile(rf"<h[1-6](?=[\s>/]){_ATTRS}>", re.I)
_ID_ATTR = re.compile(r"""(?:^|\s)id\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.I)


def _explicit_id(attrs: str) -> str | None:
    match = _ID_ATTR.search(attrs)
    if not match:
        return None
    value = next(group for group in match.groups() if group is not None)
    return html.unescape(value)


def _take_gid(attrs: str) -> tuple[str, str | None]:
    """attrs without the data-gid attribute, and that attribute's value (None when absent)."""
    if GID_ATTR not in attrs.lower():
        return attrs, None
    value: str | None = None
    kept: list[str] = []
    last = 0
    for match in _ATTR.finditer(attrs):
        if match["name"].lower() == GID_ATTR:
            raw = next((g for g in (match["dq"], match["sq"], match["bare"]) if g is not None), "")
            value = html.unescape(raw) if value is None else value
            kept.append(attrs[last : match.start()])
            last = match.end()
    kept.append(attrs[last:])
    return "".join(kept), value


def _drop_gid(region: str) -> str:
    """A code or comment region with the data-gid marker removed from heading tags in it."""
    if GID_ATTR not in region.lower():
        return region

    def clean(match: re.Match[str]) -> str:
        tag = match.group()
        name_end = len("<h1")
        return tag[:name_end] + _take_gid(tag[name_end:-1])[0] + ">"

    return _HEADING_START.sub(clean, region)


def assign_heading_ids(page_html: str) -> tuple[str, list[Heading]]:
    """Give every <h1>..<h6> outside code an id; return the new HTML and the headings in order.

    Existing ids are kept. A heading carrying `data-gid` (set by catalog.markdown on
    headings written in Markdown) takes its id base from that attribute, which is
    removed; other headings from their text. Generated ids that collide get "-1",
    "-2", ... like Hugo, in document order; explicit ids anywhere on the page count
    as taken, so a generated id never duplicates one an author wrote (Hugo only sees
    the explicit ids above it).
    """
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


def _unique(base: str, taken: set[str]) -> str:
    candidate, number = base, 0
    while candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    taken.add(candidate)
    return candidate


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
    """`text` (Markdown output holding placeholder tokens) with every paragraph that holds a
    block-level output cut around it; `placeholder` gives a token for a new output (the
    block with the paragraph's attributes)."""
    def paragraph(match: re.Match[str]) -> str:
        attrs, inner = match.group(1) or "", match.group(2)
        found = [m for m in token.finditer(inner) if holds_block(output_of(m))]
        if not found:
            return match.group(0)
        if any(_open_inline(inner[:m.start()]) for m in found):
            return f"<div{attrs}>{inner}</div>"
        pieces: list[str] = []
        position = 0
        for block in found:
            pieces += [_wrap(inner[position:block.start()]), block.group(0)]
            position = block.end()
        pieces.append(_wrap(inner[position:]))
        pieces = [piece for piece in pieces if piece]
        if attrs:
            first = pieces[0]
            if first.startswith("<p>"):
                pieces[0] = f"<p{attrs}>" + first[3:]
            else:
                pieces[0] = placeholder(_with_attributes(output_of(token.fullmatch(first)), attrs))  # type: ignore[arg-type]
        return "\n".join(pieces)

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
