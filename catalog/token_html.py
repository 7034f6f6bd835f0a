"""markdown-it's HTML writer (`Renderer.render` with `renderToken`) for catalog/pulldown.py,
written as the walk meets each token instead of over a list of them afterwards: where a
tag's line break goes depends on its neighbours (an inline token, a hidden paragraph of a
tight list, its own closing tag), so an opening tag's `>` waits for the next token."""
from __future__ import annotations

from markdown_it.common.utils import escapeHtml


class TagWriter:
    """The HTML of markdown-it's tokens, told one by one: `open`, `close` and `void` for the
    tags renderToken writes, `inline_html` for an inline token's HTML, `raw` for a fence's, a code
    block's or an HTML block's, `hidden` for a tight list's paragraph tags (written as
    nothing, but a line break goes after the opening tag before them and not after)."""

    def __init__(self) -> None:
        self.html: list[str] = []
        self.pending: str | None = None  # the opening tag whose `>` waits for the next token
        self.after_hidden = False  # the previous token: a hidden one

    def _before_tag(self) -> None:
        """renderToken's line breaks before a block tag: the pending tag's `>` and its line
        break, or the line break a block tag takes after a hidden one."""
        if self.pending is not None:
            self.html.append(">\n")
            self.pending = None
        elif self.after_hidden:
            self.html.append("\n")
            self.after_hidden = False

    def open(self, tag: str, attrs: str = "") -> None:
        """An opening tag: `<tag attrs`, its `>` written with the next token."""
        self._before_tag()
        self.html.append(f"<{tag}{attrs}")
        self.pending = tag

    def open_inline(self, tag: str, attrs: str = "") -> None:
        """The opening tag of a paragraph, a heading or a table cell: an inline token comes
        next (their inline content is collected apart until their end), so `>` at once."""
        self._before_tag()
        self.html.append(f"<{tag}{attrs}>")

    def close_inline(self, html: str, tag: str) -> None:
        """The inline token and the closing tag that end what `open_inline` opened."""
        self.html.append(f"{html}</{tag}>\n")

    def close(self, tag: str) -> None:
        if self.pending is not None:  # no line break between a tag and its own closing tag
            self.html.append(">" if self.pending == tag else ">\n")
            self.pending = None
        self.after_hidden = False
        self.html.append(f"</{tag}>\n")

    def void(self, tag: str) -> None:
        """A self-closing tag (a thematic break's `<hr />`)."""
        self._before_tag()
        self.html.append(f"<{tag} />\n")

    def inline_html(self, html: str) -> None:
        """An inline token's HTML: no line break after the opening tag before it."""
        self._token(html, ">")

    def raw(self, html: str) -> None:
        """A block's own HTML (fence, code block, HTML block), written by its rule."""
        self._token(html, ">\n")

    def _token(self, html: str, pending_end: str) -> None:
        if self.pending is not None:
            self.html.append(pending_end)
            self.pending = None
        self.after_hidden = False
        self.html.append(html)

    def hidden(self) -> None:
        if self.pending is not None:
            self.html.append(">")
            self.pending = None
        self.after_hidden = True

    def result(self) -> str:
        if self.pending is not None:  # an opening tag last: renderToken's line break
            self.html.append(">\n")
            self.pending = None
        return "".join(self.html)


def escape_text(text: str) -> str:
    """markdown-it's escapeHtml, without its four replaces for text that needs none."""
    if "&" in text or "<" in text or ">" in text or '"' in text:
        return escapeHtml(text)
    return text
