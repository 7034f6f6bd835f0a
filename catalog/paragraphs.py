"""Block-level shortcode output inside a paragraph, made well-formed HTML.

A shortcode that writes a list, a table or a callout can sit inside a paragraph's text
(`Inline {{% children %}} here.`, or a callout with a kramdown `{: .note}` below it,
which wraps it in `<p class="note">`). Written as is, a `<ul>` or `<div>` would open
inside the `<p>`: invalid HTML, which browsers repair by closing the paragraph early
and leaving a stray `</p>`. Hugo's Goldmark makes separate blocks of the same input
(the shortcode's output starts on its own line: `<p>Inline</p>`, the list,
`<p>here.</p>`), so the paragraph is cut there the same way. The paragraph's attributes
go to the first block written (onto the output's first element when that comes first).
Where the shortcode sits inside an inline element (`*see {{< panel >}}*`), cutting would
break that element: the paragraph becomes a `<div>`, which may hold blocks.
"""
from __future__ import annotations

import re
from html import escape
from typing import Callable

# the start tags that close an open <p> in HTML5 parsing (and </p> itself)
BLOCK_TAG = re.compile(r"<(?:address|article|aside|blockquote|center|details|dialog|dir|div|dl|fieldset|"
                       r"figcaption|figure|footer|form|h[1-6]|header|hgroup|hr|listing|main|menu|nav|ol|p|"
                       r"plaintext|pre|search|section|summary|table|ul|xmp)(?=[\s/>])|</p\s*>", re.I)
# a paragraph never holds another's start: the text stops at one (raw HTML can leave a <p> open)
_PARAGRAPH = re.compile(r"<p(\s[^>]*)?>((?:[^<]++|<(?!p[\s>]))*?)</p>", re.S)
_TAG = re.compile(r"<(/?)([A-Za-z][\w-]*)[^>]*?(/?)>")
_VOID = {"area", "br", "col", "embed", "img", "input", "link", "meta", "source", "track", "wbr"}
_FIRST_TAG = re.compile(r"^(\s*<[A-Za-z][\w-]*)([^>]*?)(/?>)")
_CLASS = re.compile(r"""\sclass=(?:"([^"]*)"|'([^']*)')""")


def holds_block(html: str) -> bool:
    return BLOCK_TAG.search(html) is not None


def fit_blocks(text: str, found: list[re.Match[str]], token: re.Pattern[str],
               output_of: Callable[[re.Match[str]], str], placeholder: Callable[[str], str]) -> str:
    """`text` (Markdown output holding placeholder tokens, `found` in it by `token`) with every
    paragraph that holds a block-level output cut around it; `placeholder` gives a token for
    a new output (the block with the paragraph's attributes). A paragraph that holds a block's
    token alone is left as it is: Tokens.swap makes it the block, as it would the token cut
    out of it. Returns `text` itself when no paragraph is cut."""
    # only a paragraph holding a block's token changes (a token is letters, so the tokens of a
    # paragraph's content are those found in the text there)
    blocks = [match for match in found if _block_output(output_of(match))]
    if all(_stands_alone(text, block) for block in blocks):  # the usual shortcode on its own line
        return text

    # the paragraphs _PARAGRAPH.sub would give the function, those without a block left as they are
    out: list[str] = []
    position = 0
    ahead = 0
    for match in _PARAGRAPH.finditer(text):
        start, end = match.span(2)
        while blocks[ahead].start() < start:
            ahead += 1
            if ahead == len(blocks):
                return "".join(out) + text[position:] if out else text
        block = blocks[ahead]
        if block.start() >= end:
            continue
        # `<p>TOKEN</p>` would become TOKEN, and then the block: swapped whole, it becomes the
        # block too. Unless a `</p>` follows (`<p><p>TOKEN</p></p>`): the swap would take the
        # outer `<p>` and `</p>` with the token left alone, and not with it inside its `<p>`
        if match.group(1) is None and match.group(2).strip() == block.group() and \
                _PARAGRAPH_END.match(text, match.end()) is None:
            continue
        out += (text[position:match.start()], cut_paragraph(match, token, output_of, placeholder))
        position = match.end()
    return "".join(out) + text[position:] if out else text


def cut_paragraph(match: re.Match[str], token: re.Pattern[str], output_of: Callable[[re.Match[str]], str],
                  placeholder: Callable[[str], str]) -> str:
    """A paragraph (`match` of _PARAGRAPH) that holds a block's token: cut around the blocks,
    or made a `<div>` when one sits inside an inline element."""
    attrs, inner = match.group(1) or "", match.group(2)
    found = [m for m in token.finditer(inner) if holds_block(output_of(m))]
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


def _stands_alone(text: str, block: re.Match[str]) -> bool:
    """Whether the paragraph around `block` is `<p>TOKEN</p>` (white space aside), which
    fit_blocks leaves as it is, told from the text around it instead of a scan of every
    paragraph: the `<p>` before it starts no other paragraph's content (a paragraph's content
    holds no `<p>`), nor ends another's start tag (`<p title="<p>`: none opens since the last
    `>`), so _PARAGRAPH matches there, with no attributes, up to the `</p>` after it."""
    start, end = block.span()
    while start and text[start - 1].isspace():  # str.isspace is re's \s
        start -= 1
    if start < 3 or not text.startswith("<p>", start - 3):
        return False
    after = _PARAGRAPH_END.match(text, end)
    if after is None or _PARAGRAPH_END.match(text, after.end()) is not None:
        return False
    opening = start - 3
    return "<p" not in text[text.rfind(">", 0, opening) + 1:opening]


def _block_output(html: str) -> bool:
    return "<" in html and holds_block(html)  # most outputs are inline text: a URL, a parameter


_PARAGRAPH_END = re.compile(r"\s*</p>")


def _wrap(text: str) -> str:
    text = text.strip()
    return f"<p>{text}</p>" if text else ""


def _open_inline(html: str) -> bool:
    """Whether an inline element opened in `html` is still open at its end."""
    depth = 0
    for match in _TAG.finditer(html):
        closing, name, self_closing = match.groups()
        if name.lower() in _VOID or self_closing:
            continue
        depth += -1 if closing else 1
    return depth > 0


def with_attributes(html: str, attributes: dict[str, str]) -> str:
    """`html` with attributes (a kramdown attribute list's) on its first element."""
    written = "".join(f' {key}="{escape(value)}"' for key, value in attributes.items())
    return _with_attributes(html, written)


def _with_attributes(html: str, attrs: str) -> str:
    """`html` with the paragraph's attributes on its first element (classes joined)."""
    match = _FIRST_TAG.match(html)
    if match is None:
        return f"<div{attrs}>{html}</div>"
    own = match.group(2)
    added_class = _CLASS.search(attrs)
    rest = _CLASS.sub("", attrs) if added_class else attrs
    if added_class:
        extra = added_class.group(1) if added_class.group(1) is not None else added_class.group(2)
        has = _CLASS.search(own)
        if has:
            value = (has.group(1) if has.group(1) is not None else has.group(2)) + " " + extra
            own = own[:has.start()] + f' class="{value}"' + own[has.end():]
        else:
            own += f' class="{extra}"'
    return match.group(1) + own + rest + match.group(3) + html[match.end():]


def needs_own_block(text: str, start: int, end: int, output: str) -> bool:
    """Whether a `{{% %}}` leaf's output, which goes into the Markdown source as text, must
    stand there as a placeholder instead: block-level HTML written amid a line's text (the
    Markdown would open the list inside the paragraph), or with a kramdown `{: ...}` line
    right below it (which, as text, the HTML block would swallow)."""
    if not holds_block(output):
        return False
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    if text[line_start:start].strip() or text[end:line_end].strip():
        return True
    return text[line_end + 1:].lstrip(" \t").startswith("{:")
