"""Inline content of pulldown-cmark's events for the fast path (pulldown_walk.py): where a
paragraph's, a heading's or a cell's HTML is collected, and the spans (emphasis,
strikethrough, links, images, autolinks) written as markdown-it writes them
(`renderInlineAsText` for alt text, `normalizeLink` for URLs)."""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Callable

from markdown_it.common.normalize_url import normalizeLink, normalizeLinkText, validateLink
from markdown_it.common.utils import escapeHtml

from .engine_differences import MAX_DEPTH, Declined
from .token_html import TagWriter

SpanFunction = Callable[[Any, Any, dict[str, int]], None]  # (the walk, the event's detail or value, its range)
SPANS = {
    "Emphasis": ("<em>", "</em>"),
    "Strong": ("<strong>", "</strong>"),
    "Strikethrough": ("<s>", "</s>"),
    "Link": ("", "</a>"),
    "Image": ("", ""),
}


class InlineWalk(TagWriter):
    """The inline state of the walk. `sink` is `inline` where text is written as HTML as is
    (not in a heading, whose source ranges are kept, nor in an alt text or an autolink,
    collected as text): there the walk's loop appends to it at once."""

    def __init__(self, data: bytes) -> None:
        super().__init__()
        self.data = data  # the source as UTF-8: event ranges are byte offsets
        self.blocks: list[str] = []  # open block kinds
        self.inline: list[str] | None = None  # the inline HTML being collected
        self.plain: list[str] | None = None  # text collected as text: an image's alt, an autolink's
        self.sink: list[str] | None = None
        self.image: tuple[str, str] | None = None  # the open image's src and title
        self.spans = 0  # open emphasis, links, ...
        self.heading: list[int] = []  # byte ranges of the open heading's inline events

    def _sync(self) -> None:
        self.sink = self.inline if self.plain is None and not self.heading else None

    def _inline(self) -> list[str]:
        if self.inline is None:  # inline content directly in a list item: a tight list's
            self.inline = []     # paragraph, which markdown-it hides
            self.hidden()
            self.blocks.append("TightParagraph")
            self._sync()
        return self.inline

    def _close_tight(self) -> None:
        if self.blocks and self.blocks[-1] == "TightParagraph":
            self.blocks.pop()
            self._flush_inline()
            self.hidden()

    def _flush_inline(self) -> None:
        self.inline_html("".join(self.inline or ()))
        self.inline = self.sink = None

    def span_start(self, name: str, detail: Any, span: dict[str, int]) -> None:
        if self.heading:
            self.heading.extend((span["start"], span["end"]))
        self.spans += 1
        if self.spans > MAX_DEPTH:
            raise Declined("nesting")
        if name == "Strikethrough" and not self.data.startswith(b"~~", span["start"]):
            raise Declined("single tilde")  # GFM's `~x~`; markdown-it needs two
        if name not in ("Link", "Image"):
            if self.plain is None:
                self._inline().append(SPANS[name][0])
            return
        url, title, link_type = detail["dest_url"], detail["title"], detail["link_type"]
        href = _href(url, link_type == "Email")
        if href is None:  # markdown-it reads it as text
            raise Declined("link")
        if name == "Image":
            if self.image is not None:
                raise Declined("image in an image")  # markdown-it drops the inner alt's escapes
            self.image, self.plain = (href, title), self.plain if self.plain is not None else []
        elif self.plain is None:
            self._inline().append(_link_open(href, title))
            if link_type in ("Autolink", "Email"):  # its text: the URL, normalised
                self._inline().append(escapeHtml(normalizeLinkText(url)))
                self.plain = []
        self._sync()

    def span_end(self, name: str, span: dict[str, int]) -> None:
        self.spans -= 1
        if name == "Image" and self.image is not None:
            (src, title), self.image = self.image, None
            alt, self.plain = "".join(self.plain or ()), None
            title = f' title="{escapeHtml(title)}"' if title else ""
            self._inline().append(f'<img src="{escapeHtml(src)}" alt="{escapeHtml(alt)}"{title} />')
        elif name == "Link" and self.plain is not None and self.image is None:
            self.plain = None  # the end of an autolink, whose text was written at its start
            self._inline().append("</a>")
        elif self.plain is None:
            self._inline().append(SPANS[name][1])
        self._sync()


def _span_functions(name: str) -> tuple[SpanFunction, SpanFunction]:
    """A span's start and end; emphasis in text written as HTML is written at once (as it
    was before the dispatch tables: not counted in `spans`)."""
    open_html, close_html = SPANS[name]
    fast = name in ("Emphasis", "Strong")

    def start(walk: InlineWalk, detail: Any, span: dict[str, int]) -> None:
        if fast and walk.sink is not None:
            walk.sink.append(open_html)
        else:
            walk.span_start(name, detail, span)

    def end(walk: InlineWalk, value: Any, span: dict[str, int]) -> None:
        if fast and walk.sink is not None:
            walk.sink.append(close_html)
        else:
            walk.span_end(name, span)

    return start, end


def _start_link(walk: InlineWalk, detail: dict[str, Any], span: dict[str, int]) -> None:
    """A link in text written as HTML (most are): `span_start`'s steps for it."""
    link_type = detail["link_type"]
    if walk.sink is None or link_type == "Autolink" or link_type == "Email":
        walk.span_start("Link", detail, span)
        return
    walk.spans += 1
    if walk.spans > MAX_DEPTH:
        raise Declined("nesting")
    href = _href(detail["dest_url"], False)
    if href is None:
        raise Declined("link")
    walk.sink.append(_link_open(href, detail["title"]))


def _end_link(walk: InlineWalk, value: str, span: dict[str, int]) -> None:
    if walk.sink is None:
        walk.span_end("Link", span)
    else:
        walk.spans -= 1
        walk.sink.append("</a>")


# the walk's functions for a span's Start and End events, by name
SPAN_STARTS: dict[str, SpanFunction] = {**{name: _span_functions(name)[0] for name in SPANS}, "Link": _start_link}
SPAN_ENDS: dict[str, SpanFunction] = {**{name: _span_functions(name)[1] for name in SPANS}, "Link": _end_link}


@lru_cache(maxsize=4096)  # a page's links repeat across pages; normalizeLink parses (~10 us)
def _href(url: str, email: bool) -> str | None:
    """A link's or an image's href as markdown-it normalises it; None where it refuses it."""
    href = normalizeLink(("mailto:" + url) if email else url)
    return href if validateLink(href) else None


@lru_cache(maxsize=4096)
def _link_open(href: str, title: str) -> str:
    return f'<a href="{escapeHtml(href)}"' + (f' title="{escapeHtml(title)}">' if title else ">")
