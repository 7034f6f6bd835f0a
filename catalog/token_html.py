"""markdown-it's HTML writer (`Renderer.render` with `renderToken`) over light block tokens,
for catalog/pulldown.py: where a tag's line break goes depends on its neighbours (an inline
token, a hidden paragraph of a tight list, its own closing tag), and this is that rule."""
from __future__ import annotations

from markdown_it.common.utils import escapeHtml

# A token as markdown-it's renderer sees it: (kind, tag, nesting, hidden, attrs, html).
# kind "tag" is written by renderToken's rules; "inline" and "raw" (fence, code block,
# HTML block) are their rules' HTML as is.
Token = tuple[str, str, int, bool, str, str]


def write_tokens(tokens: list[Token]) -> str:
    """markdown-it's Renderer.render over the tokens (renderToken for "tag" ones)."""
    out: list[str] = []
    count = len(tokens)
    for index, (kind, tag, nesting, hidden, attrs, html) in enumerate(tokens):
        if kind != "tag":
            out.append(html)
            continue
        if hidden:
            continue
        if nesting != -1 and index and tokens[index - 1][3]:
            out.append("\n")
        out.append(f"</{tag}" if nesting == -1 else f"<{tag}{attrs}")
        if nesting == 0:
            out.append(" /")
        need_lf = True
        if nesting == 1 and index + 1 < count:
            following = tokens[index + 1]
            if following[0] == "inline" or following[3]:
                need_lf = False
            elif following[2] == -1 and following[1] == tag:
                need_lf = False
        out.append(">\n" if need_lf else ">")
    return "".join(out)


def escape_text(text: str) -> str:
    """markdown-it's escapeHtml, without its four replaces for text that needs none."""
    if "&" in text or "<" in text or ">" in text or '"' in text:
        return escapeHtml(text)
    return text
