"""Attribute lists for markdown-it: kramdown span/block IALs and Goldmark heading attributes."""
from __future__ import annotations

import re
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from .paragraphs import with_attributes

# Problems found while resolving attribute lists go into env under this key as
# (0-based line, message); catalog.markdown reads them back after a render.
PROBLEMS_KEY = "catalog_problems"

# One item of an attribute list: `.class`, `#id`, `key="v"` / `key='v'` / `key=v`,
# or (kramdown only) a bare name referring to an attribute list definition.
_ITEM = re.compile(
    r"""\s*(?:
        \.(?P<cls>[^\s.#{}="']+)
      | \#(?P<id>[^\s.#{}="']+)
      | (?P<key>[A-Za-z_:][\w:.-]*)=(?:
            "(?P<dq>(?:[^"\\]|\\.)*)" | '(?P<sq>(?:[^'\\]|\\.)*)' | (?P<bare>[^\s"'{}=]+))
      | (?P<ref>[A-Za-z][\w-]*)
    )""",
    re.X,
)
_UNESCAPE = re.compile(r"\\(.)")
# A block IAL is a whole line `{: ...}`; an ALD `{:name: ...}` defines a reusable list.
_BLOCK_LINE = re.compile(r"\{:(?P<body>[^{}]*)\}[ \t]*")
_ALD = re.compile(r"\{:[A-Za-z][\w-]*:")
_SPAN = re.compile(r"\{:(?P<body>[^{}\n]*)\}")
# Goldmark's heading attributes: a trailing, unescaped `{...}` (kramdown's `{: ...}` too).
_HEADING_ATTRS = re.compile(r"[ \t]*(?<!\\)\{(?P<body>:?[^{}]*)\}$")
# Tokens an IAL written directly after them may decorate (span level).
_SPAN_TARGETS = ("image", "link_close", "code_inline")


def parse_attributes(body: str, *, allow_refs: bool = False) -> dict[str, str] | None:
    """Parse the inside of `{...}`; None when it is not a well-formed attribute list.

    Strictness matters: a heading such as `## Use {x}` or a stray `{%...%}` must stay
    text, so anything unrecognised rejects the whole list.
    """
    attrs: dict[str, str] = {}
    classes: list[str] = []
    pos, end = 0, len(body.rstrip())
    while pos < end:
        match = _ITEM.match(body, pos)
        if not match or match.end() == pos:
            return None
        pos = match.end()
        if match["cls"]:
            classes.append(match["cls"])
        elif match["id"]:
            attrs["id"] = match["id"]
        elif match["key"]:
            raw = match["dq"] if match["dq"] is not None else match["sq"]
            value = _UNESCAPE.sub(r"\1", raw) if raw is not None else match["bare"]
            if match["key"] == "class":
                classes.extend(value.split())
            else:
                attrs[match["key"]] = value
        elif not allow_refs:
            return None
        # kramdown ALD references are accepted but not expanded (rarely used on
        # the sites we render); dropping them beats printing the list as text.
    if classes:
        attrs["class"] = " ".join(classes)
    return attrs


def merge_attributes(token: Token, attrs: dict[str, str]) -> None:
    """Add attrs to token: classes accumulate, other keys replace."""
    if token.type == "html_block":  # kramdown puts them on the element: `<div>..</div>` then `{: .note}`
        token.content = with_attributes(token.content, attrs)
        return
    for key, value in attrs.items():
        if key == "class":
            token.attrJoin("class", value)
        else:
            token.attrSet(key, value)


def _block_ial(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    # tried on every line of every block (a list item's too): the cheapest test first
    pos = state.bMarks[start] + state.tShift[start]
    if not state.src.startswith("{:", pos) or state.is_code_block(start):
        return False
    line = state.src[pos : state.eMarks[start]]
    ald = _ALD.match(line)
    match = None if ald else _BLOCK_LINE.fullmatch(line)
    attrs = parse_attributes(match["body"], allow_refs=True) if match else None
    if not ald and attrs is None:
        return False
    if silent:
        return True
    token = state.push("kramdown_ial", "", 0)
    token.map = [start, start + 1]
    token.hidden = True
    token.meta = {"attrs": attrs, "ald": bool(ald), "source": line.strip()}
    state.line = start + 1
    return True


def _opener(tokens: list[Token], close_index: int) -> Token:
    close = tokens[close_index]
    if close.nesting == 0:
        return close
    want = close.type[: -len("_close")] + "_open"
    for index in range(close_index - 1, -1, -1):
        candidate = tokens[index]
        if candidate.type == want and candidate.level == close.level:
            return candidate
    return close


def _problem(state: StateCore, line: int, message: str) -> None:
    state.env.setdefault(PROBLEMS_KEY, []).append((line, message))


def _resolve_block_ials(state: StateCore) -> None:
    """Attach each block IAL to the block directly above it, else directly below it.

    kramdown's rule: a block IAL applies to the preceding block when there is no
    blank line between them, otherwise to the following block; surrounded by blank
    lines it is ignored.
    """
    tokens = state.tokens
    if not any(token.type == "kramdown_ial" for token in tokens):
        return
    kept: list[Token] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type != "kramdown_ial":
            kept.append(token)
            index += 1
            continue
        # consecutive IAL lines act as one list
        last = index
        while (
            last + 1 < len(tokens)
            and tokens[last + 1].type == "kramdown_ial"
            and tokens[last + 1].map[0] == tokens[last].map[1]  # type: ignore[index]
        ):
            last += 1
        group = tokens[index : last + 1]
        first_line, end_line = group[0].map[0], group[-1].map[1]  # type: ignore[index]
        target = _target(tokens, index, last, token.level, first_line, end_line)
        for ial in group:
            line, source = first_line + group.index(ial), ial.meta["source"]
            if ial.meta["ald"]:
                _problem(state, line, f"attribute list definitions are not supported: {source}")
            elif target is None:
                _problem(state, line, f"attribute list {source} is not directly before or after a block; ignored")
            else:
                merge_attributes(target, ial.meta["attrs"])
        index = last + 1
    state.tokens[:] = kept


def _target(
    tokens: list[Token], first: int, last: int, level: int, first_line: int, end_line: int
) -> Token | None:
    """The block the IAL tokens tokens[first..last] (lines first_line..end_line) belong to."""
    if first > 0 and tokens[first - 1].level == level and tokens[first - 1].nesting <= 0:
        before = _opener(tokens, first - 1)
        if before.map and before.map[1] == first_line:
            return before
    if last + 1 < len(tokens):
        after = tokens[last + 1]
        if after.level == level and after.nesting >= 0 and after.map and after.map[0] == end_line:
            return after
    return None


def _heading_attributes(state: StateCore) -> None:
    """`## Title {#id .class}`: move a trailing attribute list onto the heading."""
    tokens = state.tokens
    for index, token in enumerate(tokens[:-1]):
        if token.type != "heading_open":
            continue
        inline = tokens[index + 1]
        match = _HEADING_ATTRS.search(inline.content)
        if not match:
            continue
        body = match["body"]
        attrs = parse_attributes(body[1:] if body.startswith(":") else body)
        if attrs is None:
            continue
        inline.content = inline.content[: match.start()].rstrip()
        merge_attributes(token, attrs)


def _span_ial(state: StateInline, silent: bool) -> bool:
    # silent mode runs during link-label scanning, when the tokens before this
    # position are not built; the span IAL only makes sense on real tokens.
    if silent or state.pending or not state.tokens:
        return False
    if not state.src.startswith("{:", state.pos):
        return False
    previous = state.tokens[-1]
    if previous.type not in _SPAN_TARGETS:
        return False
    match = _SPAN.match(state.src, state.pos)
    attrs = parse_attributes(match["body"], allow_refs=True) if match else None
    if match is None or attrs is None:
        return False
    target = _opener(state.tokens, len(state.tokens) - 1) if previous.type == "link_close" else previous
    merge_attributes(target, attrs)
    state.pos = match.end()
    return True


def kramdown_ial_plugin(md: MarkdownIt, **_options: Any) -> None:
    """Enable kramdown IALs (`{: .cls #id key="v"}`) and Goldmark heading attributes.

    Span IAL right after an image, link or code span; block IAL on its own line
    directly before or after a paragraph, table, list, blockquote, fence or heading.
    Problems (ignored IALs, unsupported ALDs) are appended to env["catalog_problems"].
    """
    # "paragraph"/"blockquote"/"list": an IAL line right below such a block would
    # otherwise be read as a lazy continuation line; tables end their body on the
    # "blockquote" terminators, so that entry also covers `{: .table}` below a table.
    md.block.ruler.before("paragraph", "kramdown_ial", _block_ial, {"alt": ["paragraph", "blockquote", "list"]})
    md.core.ruler.after("block", "heading_attributes", _heading_attributes)
    md.core.ruler.after("heading_attributes", "kramdown_block_ial", _resolve_block_ials)
    md.inline.ruler.push("kramdown_span_ial", _span_ial)
