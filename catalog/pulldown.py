"""The fast path of page bodies: Markdown parsed by pulldown-cmark (through pyromark), written
out byte for byte as markdown.py's markdown-it-py configuration writes it.

Why: markdown-it-py parses in pure Python, ~1 ms a typical page; pulldown-cmark in ~0.04 ms.
Both follow CommonMark, so on CommonMark input they build the same document; their HTML
writers differ (quotes, table alignment, tight lists), so this module walks pulldown-cmark's
events and writes each node with markdown-it's rules (token_html.py; `renderInlineAsText`
for alt text, `normalizeLink` for URLs), then the project's (highlighted fences, heading id
bases, `align` on table cells).

Where the engines read a text differently (engine_differences.py, and the structure checks
of `_Walk`), `render` returns None and the caller renders it with markdown-it-py, which
stays the reference; tests/test_pulldown.py holds the two to the same bytes.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Callable

from markdown_it.common.normalize_url import normalizeLink, normalizeLinkText, validateLink
from markdown_it.common.utils import escapeHtml

from .anchors import GID_ATTR, goldmark_id, kramdown_id
from .code_blocks import Problems, fence_html, indented_html
from .engine_differences import (TAB_AT_END, TAB_INDENT, LineCounter, covered, definitions_agree, delimiter_rows,
                                 differs, entities_agree, kramdown_rules_apply, lazy_code, line_before,
                                 line_from)
from .placeholders import ANY_TOKEN
from .token_html import Token, escape_text, write_tokens

try:  # a wheel exists for the common platforms; elsewhere every page takes markdown-it-py
    import pyromark
except ImportError:  # pragma: no cover - the test environment has it
    pyromark = None

CodeFilter = Callable[[str], str]
AVAILABLE = pyromark is not None
_OPTIONS = (pyromark.Options.ENABLE_TABLES | pyromark.Options.ENABLE_STRIKETHROUGH) if pyromark else 0
# markdown-it's `maxNesting` (commonmark preset: 20) stops nesting where pulldown-cmark goes on
_MAX_DEPTH = 12
_FENCE_OPEN = re.compile(r"[ \t]*(`{3,}|~{3,})")
_FENCE_CLOSE = re.compile(rb"[ \t>]*(`{3,}|~{3,})[ \t]*$")
_ALIGN = {"Left": ' align="left"', "Right": ' align="right"', "Center": ' align="center"', "None": ""}
_LINE_ENDS = re.compile(r"\r\n?")


class Declined(Exception):
    """The page uses something the engines read differently: markdown-it-py renders it."""


def render(text: str, code_filter: CodeFilter | None, problems: Problems, kramdown: bool = False) -> str | None:
    """HTML of `text` as markdown.py's markdown-it-py renders it (`kramdown`: a Jekyll page's,
    heading ids as kramdown makes them); None where declined."""
    if pyromark is None:
        return None
    if "\r" in text:  # markdown-it's normalize rule: line numbers and ranges agree
        text = _LINE_ENDS.sub("\n", text)
    if differs(text) or not entities_agree(text) or not definitions_agree(text, _destinations):
        return None
    if kramdown and kramdown_rules_apply(text):
        return None
    try:
        walk = _Walk(text, code_filter, problems, kramdown_id if kramdown else goldmark_id)
        tokens = walk.tokens()
        if walk.delimiter_rows != delimiter_rows(text):
            return None  # a table only one engine sees
        if b"\t" in walk.data and not walk.tabs_agree():
            return None
        if lazy_code(walk.data, walk.verbatim):
            return None
    except Declined:
        return None
    except Exception:  # pragma: no cover - an event this walk does not know (a new pyromark?)
        return None    # must cost the page the slower engine, never the build
    return write_tokens(tokens)


def _destinations(text: str) -> list[str]:
    return [definition["dest"] for definition in pyromark.reference_definitions(text).values()]


class _Walk:
    """pulldown-cmark's events to markdown-it-shaped block tokens with inline HTML."""

    def __init__(self, text: str, code_filter: CodeFilter | None, problems: Problems,
                 heading_id: Callable[[str], str] = goldmark_id) -> None:
        self.heading_id = heading_id  # the id base of a heading's source
        self.text, self.data = text, text.encode()  # event ranges are byte offsets
        self.line = LineCounter(self.data)  # a table's or a fence's line (events come in order)
        self.code_filter = code_filter
        self.problems = problems
        self.out: list[Token] = []
        self.inline: list[str] | None = None  # the inline HTML being collected
        self.plain: list[str] | None = None  # text collected as text: an image's alt, an autolink's
        self.image: tuple[str, str] | None = None  # the open image's src and title
        self.spans = 0  # open emphasis, links, ...
        self.blocks: list[str] = []  # open block kinds
        self.code: list[str] | None = None  # the open code or HTML block's text
        self.code_start = self.code_text_end = 0
        self.code_kind: Any = None  # "Indented" or {"Fenced": info}
        self.heading: list[int] = []  # byte ranges of the open heading's inline events
        self.heading_open = 0  # its token's index
        self.aligns: list[str] = []  # the open table's
        self.rows = self.cell = 0
        self.delimiter_rows: set[int] = set()  # the line below each table's first
        self.verbatim: list[tuple[int, int]] = []  # byte ranges of code and HTML blocks
        self.top_verbatim: list[tuple[int, int]] = []  # ... of those outside lists and quotes
        self.containers = False  # whether there is a list or a quote

    def tokens(self) -> list[Token]:
        start, end, leaf = self.start, self.end, self.leaf
        for event, span in pyromark.events_with_range(self.text, options=_OPTIONS):
            if type(event) is str:
                if event == "SoftBreak" and self.inline is not None and self.plain is None and not self.heading:
                    self.inline.append("\n")
                else:
                    self.single(event, span)
                continue
            for kind, value in event.items():  # the one item
                # the most frequent events, text and emphasis in a paragraph, written here
                if self.inline is not None and self.plain is None and not self.heading:
                    if kind == "Text":
                        self.inline.append(escape_text(value))
                        continue
                    if type(value) is str and value in _EMPHASIS:
                        self.inline.append(_EMPHASIS[value][kind == "End"])
                        continue
                if kind == "Start":
                    start(value, span)
                elif kind == "End":
                    end(value, span)
                else:
                    leaf(kind, value, span)
        return self.out

    def tabs_agree(self) -> bool:
        """A tab ending a line must be in a code or HTML block, where both engines keep text
        as is; in a document with lists or quotes, so must a tab indenting a line (markdown-it
        turns part of it into spaces, to the container's column), and at the top level."""
        if not all(covered(m.start(), self.verbatim) for m in TAB_AT_END.finditer(self.data)):
            return False
        return not self.containers or all(covered(end - 1, self.top_verbatim) for end in TAB_INDENT.ends(self.data))

    # inline content

    def _inline(self) -> list[str]:
        if self.inline is None:  # inline content directly in a list item: a tight list's
            self.inline = []     # paragraph, which markdown-it hides
            self.out.append(("tag", "p", 1, True, "", ""))
            self.blocks.append("TightParagraph")
        return self.inline

    def _close_tight(self) -> None:
        if self.blocks and self.blocks[-1] == "TightParagraph":
            self.blocks.pop()
            self._flush_inline()
            self.out.append(("tag", "p", -1, True, "", ""))

    def _flush_inline(self) -> None:
        self.out.append(("inline", "", 0, False, "", "".join(self.inline or ())))
        self.inline = None

    def _text(self, plain: str, html: str, span: dict[str, int]) -> None:
        if self.code is not None:
            self.code.append(plain)
            self.code_text_end = span["end"]
            return
        if self.heading:
            self.heading.extend((span["start"], span["end"]))
        if self.plain is not None:
            self.plain.append(plain)
        else:
            self._inline().append(html)

    def leaf(self, kind: str, value: str, span: dict[str, int]) -> None:
        if kind == "Text":
            self._text(value, escape_text(value), span)
        elif kind == "Code":
            if self.containers and b"\n " in self.data[span["start"] : span["end"]]:
                raise Declined("code span over an indented line in a list")  # markdown-it keeps its spaces
            self._text(value, f"<code>{escape_text(value)}</code>", span)
        elif kind == "InlineHtml":
            self._text(value, value, span)
        elif kind == "Html" and self.code is not None:  # a line of an HTML block
            self.code.append(value)
        else:
            raise Declined(kind)  # footnotes, math: not enabled, never sent

    def single(self, event: str, span: dict[str, int]) -> None:
        if event == "SoftBreak":
            self._text("\n", "\n", span)
        elif event == "HardBreak":
            self._text("\n", "<br />\n", span)
        elif event == "Rule":
            self._close_tight()
            self.out.append(("tag", "hr", 0, False, "", ""))
        else:
            raise Declined(event)

    # blocks and spans

    def start(self, value: Any, span: dict[str, int]) -> None:
        name, detail = (value, None) if isinstance(value, str) else next(iter(value.items()))
        if name in _SPANS:
            self._inline_start(name, detail, span)
            return
        self._close_tight()
        if len(self.blocks) >= _MAX_DEPTH:
            raise Declined("nesting")
        self.blocks.append(name)
        out = self.out
        if name == "Paragraph":
            out.append(("tag", "p", 1, False, "", ""))
            self.inline = []
        elif name == "Heading":
            self.heading, self.heading_open = [span["start"], span["start"]], len(out)
            out.append(("tag", "h" + detail["level"][1], 1, False, "", ""))  # its attrs: at its end
            self.inline = []
        elif name == "BlockQuote":
            self.containers = True
            if detail is not None:
                raise Declined("alert")
            out.append(("tag", "blockquote", 1, False, "", ""))
        elif name == "List":
            self.containers = True
            attrs = f' start="{detail}"' if detail is not None and detail != 1 else ""
            out.append(("tag", "ol" if detail is not None else "ul", 1, False, attrs, ""))
        elif name == "Item":
            out.append(("tag", "li", 1, False, "", ""))
        elif name in ("CodeBlock", "HtmlBlock"):
            self.verbatim.append((span["start"], span["end"]))
            if len(self.blocks) == 1:
                self.top_verbatim.append((span["start"], span["end"]))
            self.code, self.code_start, self.code_kind = [], span["start"], detail
        elif name == "Table":
            self.aligns = [_ALIGN[a] for a in detail]
            self.delimiter_rows.add(self.line(span["start"]) + 1)
            if line_before(self.data, span["start"]).strip(b" \t>"):
                raise Declined("table on a list item's first line")  # markdown-it's table rule comes first
            out.append(("tag", "table", 1, False, "", ""))
            self.rows = 0
        elif name == "TableHead":
            out.append(("tag", "thead", 1, False, "", ""))
            out.append(("tag", "tr", 1, False, "", ""))
            self.cell = 0
        elif name == "TableRow":
            if len(line_before(self.data, span["start"]).replace(b">", b"").expandtabs(4)) >= 4:
                raise Declined("indented table row")  # markdown-it ends the table there: a code block
            if self.rows == 0:
                out.append(("tag", "tbody", 1, False, "", ""))
            self.rows += 1
            out.append(("tag", "tr", 1, False, "", ""))
            self.cell = 0
        elif name == "TableCell":
            tag = "th" if "TableHead" in self.blocks else "td"
            out.append(("tag", tag, 1, False, self.aligns[self.cell], ""))
            self.cell += 1
            self.inline = []
        else:
            raise Declined(name)

    def end(self, value: Any, span: dict[str, int]) -> None:
        name = value if isinstance(value, str) else next(iter(value))
        if name in _SPANS:
            self._inline_end(name, span)
            return
        self._close_tight()
        self.blocks.pop()
        out = self.out
        if name == "Paragraph":
            self._flush_inline()
            out.append(("tag", "p", -1, False, "", ""))
        elif name == "Heading":
            tag = "h" + value["Heading"][1]
            out[self.heading_open] = ("tag", tag, 1, False, self._heading_attrs(), "")
            self._flush_inline()
            out.append(("tag", tag, -1, False, "", ""))
        elif name == "BlockQuote":
            out.append(("tag", "blockquote", -1, False, "", ""))
        elif name == "List":
            out.append(("tag", "ol" if value["List"] else "ul", -1, False, "", ""))
        elif name == "Item":
            if out[-1][1] == "li":
                raise Declined("empty list item")  # where a list ends after one, they differ
            out.append(("tag", "li", -1, False, "", ""))
        elif name == "CodeBlock":
            out.append(("raw", "", 0, False, "", self._code_block(span["end"])))
        elif name == "HtmlBlock":
            html = "".join(self.code or ())
            if "Item" in self.blocks and "\n\n" in html:
                raise Declined("blank line in an HTML block of a list")  # tight or loose: they differ
            out.append(("raw", "", 0, False, "", html))
            self.code = None
        elif name == "Table":
            if b"|" in line_from(self.data, span["end"]):
                raise Declined("table end")  # markdown-it takes a line of pipes as a row
            if self.rows:
                out.append(("tag", "tbody", -1, False, "", ""))
            out.append(("tag", "table", -1, False, "", ""))
        elif name == "TableHead":
            out.append(("tag", "tr", -1, False, "", ""))
            out.append(("tag", "thead", -1, False, "", ""))
        elif name == "TableRow":
            out.append(("tag", "tr", -1, False, "", ""))
        elif name == "TableCell":
            self._flush_inline()
            out.append(("tag", "th" if "TableHead" in self.blocks else "td", -1, False, "", ""))

    def _inline_start(self, name: str, detail: Any, span: dict[str, int]) -> None:
        if self.heading:
            self.heading.extend((span["start"], span["end"]))
        self.spans += 1
        if self.spans > _MAX_DEPTH:
            raise Declined("nesting")
        if name == "Strikethrough" and not self.data.startswith(b"~~", span["start"]):
            raise Declined("single tilde")  # GFM's `~x~`; markdown-it needs two
        if name not in ("Link", "Image"):
            if self.plain is None:
                self._inline().append(_SPANS[name][0])
            return
        url, title = detail["dest_url"], detail["title"]
        href = _normalize_link(("mailto:" + url) if detail["link_type"] == "Email" else url)
        if not validateLink(href):  # markdown-it reads it as text
            raise Declined("link")
        if name == "Image":
            if self.image is not None:
                raise Declined("image in an image")  # markdown-it drops the inner alt's escapes
            self.image, self.plain = (href, title), self.plain if self.plain is not None else []
        elif self.plain is None:
            self._inline().append(f'<a href="{escapeHtml(href)}"' + (f' title="{escapeHtml(title)}">' if title else ">"))
            if detail["link_type"] in ("Autolink", "Email"):  # its text: the URL, normalised
                self._inline().append(escapeHtml(normalizeLinkText(url)))
                self.plain = []

    def _inline_end(self, name: str, span: dict[str, int]) -> None:
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
            self._inline().append(_SPANS[name][1])

    def _heading_attrs(self) -> str:
        """markdown.py's `_heading_source_id`: the id base from the heading's last source line."""
        ranges = self.heading
        self.heading = []
        inner = ranges[2:]
        content = self.data[min(inner[0::2]) : max(inner[1::2])].decode() if inner else ""
        if content.endswith("}"):
            raise Declined("heading attributes")  # Goldmark's `## Title {#id}`: kramdown.py's
        if "\n" in content and self.blocks:
            raise Declined("setext heading in a container")  # its last line holds the prefix
        source = content.rsplit("\n", 1)[-1]
        if ANY_TOKEN.search(source):
            return ""
        return f' {GID_ATTR}="{escapeHtml(self.heading_id(source))}"'

    def _code_block(self, end: int) -> str:
        start, detail = self.code_start, self.code_kind
        code = "".join(self.code or ())
        self.code = None
        if detail == "Indented" and not code.endswith("\n"):
            code += "\n"  # markdown-it's code rule ends the last line, at the end of the text too
        if self.code_filter is not None:
            code = self.code_filter(code)
        if detail == "Indented":
            return indented_html(code)
        closing = self.data.rfind(b"\n", start, end - 1) + 1  # the start of the block's last line
        if closing <= start or self.code_text_end > closing or not _FENCE_CLOSE.match(self.data[closing:end]):
            raise Declined("unclosed fence")  # the engines differ on its trailing blank lines, tabs
        opening = line_from(self.data, start).decode()
        fence = _FENCE_OPEN.match(opening)
        if fence is None:
            raise Declined("fence")
        return fence_html(code, opening[fence.end() :], self.line(start), self.problems) + "\n"


_SPANS = {
    "Emphasis": ("<em>", "</em>"),
    "Strong": ("<strong>", "</strong>"),
    "Strikethrough": ("<s>", "</s>"),
    "Link": ("", "</a>"),
    "Image": ("", ""),
}
_EMPHASIS = {name: _SPANS[name] for name in ("Emphasis", "Strong")}  # written in the event loop
# normalizeLink parses and percent-encodes (~10 us); a page's links repeat across pages
_normalize_link = lru_cache(maxsize=4096)(normalizeLink)
