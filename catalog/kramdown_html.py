"""kramdown's block HTML for markdown-it, used on pages written for a Jekyll site.

kramdown (Jekyll's Markdown) and CommonMark (Hugo's Goldmark, markdown-it) end an HTML
block differently. CommonMark ends `<h5>Title</h5>` followed by text at the next blank
line, so the text is raw HTML and its Markdown stays unrendered. kramdown, with its
default `parse_block_html: false`, takes a block-level element up to its matching end
tag as raw HTML and parses the lines after it as Markdown again, blank line or not.
The Alien4Cloud pages rely on that in nearly every callout:

    {% info %}
    <h5>Delegate activity</h5>
    The node gets a **delegate** step, see [workflows](#/...).
    {% endinfo %}

The rule below reads such blocks as kramdown does, for the pages `is_jekyll_page`
says are Jekyll's; every other page keeps CommonMark's rule, as Hugo renders it.
An element with a `markdown` attribute, or whose end tag cannot be found (kramdown
then closes it at the end of the document), is left to CommonMark's rule.
"""
from __future__ import annotations

import re
from typing import Any, Mapping

from markdown_it import MarkdownIt
from markdown_it.common.html_blocks import block_names
from markdown_it.rules_block import StateBlock

# env key: the text is a Jekyll page's, read with kramdown's rules (catalog.markdown.Markdown.render)
KRAMDOWN_KEY = "catalog_kramdown"
_PAIRS_KEY = "catalog_kramdown_pairs"  # env: the element pairs of the text, by name (see _pairs)

# CommonMark's raw-text elements end at their end tag in both parsers already.
_BLOCK_NAMES = frozenset(block_names) - {"pre", "script", "style", "textarea"}
# Elements without a body: the start tag is the whole element (kramdown's HTML_ELEMENTS_WITHOUT_BODY).
_VOID = frozenset({"area", "base", "basefont", "br", "col", "embed", "frame", "hr", "img", "input", "link",
                   "meta", "param", "source", "track", "wbr"})
_START = re.compile(r"<([A-Za-z][A-Za-z0-9-]*)((?:\s+[^\s\"'>/=]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?)*)"
                    r"\s*(/?)>")
_MARKDOWN_ATTR = re.compile(r"\smarkdown\s*=", re.I)


def is_jekyll_page(meta: Mapping[str, Any]) -> bool:
    """A page written for a Jekyll site: it takes its place in the tree from `parent` /
    `node_name`, which no Hugo page has."""
    return "node_name" in meta or "parent" in meta


def kramdown_html_plugin(md: MarkdownIt, placeholder: re.Pattern[str] | None = None) -> None:
    """`placeholder`: the token catalog.render puts in the text for a shortcode's output."""
    md.block.ruler.before("html_block", "kramdown_html_block", _kramdown_html_block,
                          {"alt": ["paragraph", "reference", "blockquote"]})
    if placeholder is not None:
        md.block.ruler.before("paragraph", "kramdown_tag_line", _tag_line(placeholder), {"alt": ["paragraph"]})


def _tag_line(placeholder: re.Pattern[str]) -> Any:
    """A line holding only a Liquid block tag's output is a block of its own, as kramdown
    reads the block HTML Liquid left there: `Replace` and the `{% highlight %}` on the next
    line are a paragraph and a code block, where CommonMark would put the code in the
    paragraph. The line becomes a paragraph of the token alone, which the renderer
    replaces whole with the tag's output."""

    def rule(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
        if not state.env.get(KRAMDOWN_KEY) or state.is_code_block(start_line):
            return False
        pos = state.bMarks[start_line] + state.tShift[start_line]
        line = state.src[pos:state.eMarks[start_line]].strip()
        if not placeholder.fullmatch(line):
            return False
        if silent:
            return True
        state.line = start_line + 1
        token = state.push("paragraph_open", "p", 1)
        token.map = [start_line, state.line]
        token = state.push("inline", "", 0)
        token.content, token.map, token.children = line, [start_line, state.line], []
        state.push("paragraph_close", "p", -1)
        return True

    return rule


def _kramdown_html_block(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    if not state.env.get(KRAMDOWN_KEY) or state.is_code_block(start_line):
        return False
    pos = state.bMarks[start_line] + state.tShift[start_line]
    first = state.src[pos:state.eMarks[start_line]]
    start = _START.match(first)
    if start is None or start.group(1).lower() not in _BLOCK_NAMES or _MARKDOWN_ATTR.search(start.group(2)):
        return False
    name = start.group(1).lower()
    if start.group(3) or name in _VOID:
        last = start_line
    else:
        found = _matching_end_line(state, start_line, end_line, name, pos)
        if found is None:
            return False
        last = found
    if silent:
        return True
    token = state.push("html_block", "", 0)
    token.map = [start_line, last + 1]
    token.content = state.getLines(start_line, last + 1, state.blkIndent, True)
    state.line = last + 1
    return True


def _matching_end_line(state: StateBlock, start_line: int, end_line: int, name: str, tag_at: int) -> int | None:
    """The line of the end tag matching the element `name` whose start tag is at offset
    `tag_at`; None when it has none, or the block's container ends first."""
    close = _pairs(state, name).get(tag_at)
    if close is None:
        return None
    line = start_line
    while line < end_line and state.eMarks[line] < close:
        line += 1
        if line < end_line and state.sCount[line] < state.blkIndent and not state.isEmpty(line):
            return None  # the list item or quote holding the element ends before it does
    return line if line < end_line else None


def _pairs(state: StateBlock, name: str) -> dict[int, int]:
    """Start tag offset -> end tag offset of every `name` element of the text, nested ones
    counted, found in one pass and kept for the render: looking for each start tag's end
    from that tag would read the rest of the text again per start tag (quadratic on a page
    of unclosed tags)."""
    cache: dict[str, dict[int, int]] = state.env.setdefault(_PAIRS_KEY, {})
    if name not in cache:
        pairs: dict[int, int] = {}
        open_at: list[int] = []
        for tag in re.finditer(rf"<(/?){re.escape(name)}(?=[\s/>])[^>]*?(/?)>", state.src, re.I):
            if tag.group(1):
                if open_at:
                    pairs[open_at.pop()] = tag.start()
            elif not tag.group(2):
                open_at.append(tag.start())
        cache[name] = pairs
    return cache[name]
