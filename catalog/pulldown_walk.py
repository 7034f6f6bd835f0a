"""pulldown-cmark's events walked and written as markdown-it writes the tokens it makes of
them (the fast path, pulldown.py): the blocks here, their inline content in
pulldown_inline.py, the line breaks between tags in token_html.py.

The loop in `Walk.run` writes the most frequent events, text and code spans in a
paragraph or a table cell, itself; the others go to a function by event name (_STARTS,
_ENDS): ~750,000 events on 5,000 pages, so a chain of comparisons or a method call per
event shows. Where the engines read the text differently, a function raises Declined."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Callable, Iterable

from markdown_it.common.utils import escapeHtml

from .anchors import GID_ATTR, goldmark_id
from .code_blocks import Problems, fence_html, indented_html
from .engine_differences import MAX_DEPTH, Declined, LineCounter, line_before, line_from
from .placeholders import ANY_TOKEN
from .pulldown_inline import SPAN_ENDS, SPAN_STARTS, InlineWalk, SpanFunction
from .token_html import escape_text

CodeFilter = Callable[[str], str]
Events = Iterable[tuple[Any, dict[str, int]]]  # pyromark's events_with_range
_FENCE_OPEN = re.compile(r"[ \t]*(`{3,}|~{3,})")
_FENCE_CLOSE = re.compile(rb"[ \t>]*(`{3,}|~{3,})[ \t]*$")
_ALIGN = {"Left": ' align="left"', "Right": ' align="right"', "Center": ' align="center"', "None": ""}


class Walk(InlineWalk):
    """One text's walk: `run` its events, then ask what the checks need (`delimiter_rows`,
    `verbatim`, `containers`)."""

    def __init__(self, text: str, code_filter: CodeFilter | None, problems: Problems,
                 heading_id: Callable[[str], str] = goldmark_id) -> None:
        super().__init__(text.encode())
        self.heading_id = heading_id  # the id base of a heading's source
        self.line: LineCounter | None = None  # a fence's line (events come in order); made at the first
        self.code_filter = code_filter
        self.problems = problems
        self.code: list[str] | None = None  # the open code or HTML block's text
        self.code_start = self.code_text_end = 0
        self.code_kind: Any = None  # "Indented" or {"Fenced": info}
        self.heading_open = 0  # the index of its opening tag in `html`
        self.aligns: list[str] = []  # the open table's
        self.rows = self.cell = 0
        self.cell_tag = "th"
        self.delimiter_rows: set[int] = set()  # where the line below each table's first starts
        self.verbatim: list[tuple[int, int]] = []  # byte ranges of code and HTML blocks
        self.top_verbatim: list[tuple[int, int]] = []  # ... of those outside lists and quotes
        self.containers = False  # whether there is a list or a quote

    def run(self, events: Events) -> str:
        """The HTML of the text's events (Declined where the engines differ)."""
        starts, ends, unknown = _STARTS, _ENDS, Walk._unknown
        for event, span in events:
            if type(event) is str:
                if event == "SoftBreak" and self.sink is not None:
                    self.sink.append("\n")
                else:
                    self.single(event, span)
                continue
            kind, = event  # the one item
            value = event[kind]
            if kind == "Text":
                if self.sink is not None:
                    self.sink.append(escapeHtml(value) if "&" in value or "<" in value or ">" in value
                                     or '"' in value else value)
                else:
                    self._text(value, escape_text(value), span)
            elif kind == "Start":
                if type(value) is str:
                    starts.get(value, unknown)(self, None, span)
                else:
                    name, = value
                    starts.get(name, unknown)(self, value[name], span)
            elif kind == "End":
                ends.get(value if type(value) is str else next(iter(value)), Walk._end_block)(self, value, span)
            elif kind == "Code" and self.sink is not None and not self.containers:
                self.sink.append(f"<code>{escape_text(value)}</code>")
            else:
                self.leaf(kind, value, span)
        return self.result()

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
        if kind == "Code":
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
            self.void("hr")
        else:
            raise Declined(event)

    # blocks: a start and an end function for each kind, the frequent ones first

    def _open_block(self, name: str) -> None:
        self._close_tight()
        if len(self.blocks) >= MAX_DEPTH:
            raise Declined("nesting")
        self.blocks.append(name)

    # A paragraph, a cell, a heading: inline events only until their end, whose HTML goes to
    # `inline` (nothing is written in between): open_inline and close_inline write them

    def _start_paragraph(self, detail: None, span: dict[str, int]) -> None:
        self._open_block("Paragraph")
        self.open_inline("p")
        self.inline = self.sink = []

    def _end_paragraph(self, value: str, span: dict[str, int]) -> None:
        self.blocks.pop()
        self.close_inline("".join(self.inline or ()), "p")
        self.inline = self.sink = None

    def _start_cell(self, detail: None, span: dict[str, int]) -> None:
        if len(self.blocks) >= MAX_DEPTH:  # in a row or the head: no tight paragraph to close
            raise Declined("nesting")
        self.blocks.append("TableCell")
        self.open_inline(self.cell_tag, self.aligns[self.cell])
        self.cell += 1
        self.inline = self.sink = []

    def _end_cell(self, value: str, span: dict[str, int]) -> None:
        self.blocks.pop()
        self.close_inline("".join(self.inline or ()), self.cell_tag)
        self.inline = self.sink = None

    def _start_row(self, detail: None, span: dict[str, int]) -> None:
        self._open_block("TableRow")
        if len(line_before(self.data, span["start"]).replace(b">", b"").expandtabs(4)) >= 4:
            raise Declined("indented table row")  # markdown-it ends the table there: a code block
        if self.rows == 0:
            self.open("tbody")
        self.rows += 1
        self.open("tr")
        self.cell, self.cell_tag = 0, "td"

    def _start_heading(self, detail: dict[str, Any], span: dict[str, int]) -> None:
        self._open_block("Heading")
        self.heading = [span["start"], span["start"]]
        self.open_inline("h" + detail["level"][1])  # its attrs: at its end
        self.heading_open = len(self.html) - 1
        self.inline, self.sink = [], None

    def _end_heading(self, value: dict[str, Any], span: dict[str, int]) -> None:
        self.blocks.pop()
        tag = "h" + value["Heading"][1]
        self.html[self.heading_open] = f"<{tag}{self._heading_attrs()}>"
        self.close_inline("".join(self.inline or ()), tag)
        self.inline = self.sink = None

    def _unknown(self, detail: Any, span: dict[str, int]) -> None:
        raise Declined("event")

    def _start_block(self, name: str, detail: Any, span: dict[str, int]) -> None:
        """The other blocks' starts."""
        self._open_block(name)
        if name == "BlockQuote":
            self.containers = True
            if detail is not None:
                raise Declined("alert")
            self.open("blockquote")
        elif name == "List":
            self.containers = True
            self.open("ol" if detail is not None else "ul", f' start="{detail}"' if detail not in (None, 1) else "")
        elif name == "Item":
            self.open("li")
        elif name in ("CodeBlock", "HtmlBlock"):
            self.verbatim.append((span["start"], span["end"]))
            if len(self.blocks) == 1:
                self.top_verbatim.append((span["start"], span["end"]))
            self.code, self.code_start, self.code_kind = [], span["start"], detail
        elif name == "Table":
            self.aligns = [_ALIGN[a] for a in detail]
            self.delimiter_rows.add(self.data.find(b"\n", span["start"]) + 1)  # 0: none, as no row
            if line_before(self.data, span["start"]).strip(b" \t>"):
                raise Declined("table on a list item's first line")  # markdown-it's table rule comes first
            self.open("table")
            self.rows = 0
        elif name == "TableHead":
            self.open("thead")
            self.open("tr")
            self.cell, self.cell_tag = 0, "th"

    def _end_block(self, value: Any, span: dict[str, int]) -> None:
        """The other blocks' ends."""
        name = value if isinstance(value, str) else next(iter(value))
        self._close_tight()
        self.blocks.pop()
        if name == "BlockQuote":
            self.close("blockquote")
        elif name == "List":
            self.close("ol" if value["List"] else "ul")
        elif name == "Item":
            if self.pending == "li":
                raise Declined("empty list item")  # where a list ends after one, they differ
            self.close("li")
        elif name == "CodeBlock":
            self.raw(self._code_block(span["end"]))
        elif name == "HtmlBlock":
            html = "".join(self.code or ())
            if "Item" in self.blocks and "\n\n" in html:
                raise Declined("blank line in an HTML block of a list")  # tight or loose: they differ
            self.raw(html)
            self.code = None
        elif name == "Table":
            if b"|" in line_from(self.data, span["end"]):
                raise Declined("table end")  # markdown-it takes a line of pipes as a row
            if self.rows:
                self.close("tbody")
            self.close("table")
        elif name == "TableHead":
            self.close("tr")
            self.close("thead")
        elif name == "TableRow":
            self.close("tr")

    def _heading_attrs(self) -> str:
        """markdown.py's `_heading_source_id`: the id base from the heading's last source line."""
        ranges = self.heading
        self.heading = []
        if len(ranges) == 4:  # one text: most headings
            content = self.data[ranges[2] : ranges[3]]
        else:
            inner = ranges[2:]
            content = self.data[min(inner[0::2]) : max(inner[1::2])] if inner else b""
        return _heading_id_attr(content, bool(self.blocks), self.heading_id)

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
        if self.line is None:
            self.line = LineCounter(self.data)
        return fence_html(code, opening[fence.end() :], self.line(start), self.problems) + "\n"


def _block_start(name: str) -> SpanFunction:
    return lambda walk, detail, span: walk._start_block(name, detail, span)


_STARTS: dict[str, SpanFunction] = {
    "Paragraph": Walk._start_paragraph, "TableCell": Walk._start_cell, "TableRow": Walk._start_row,
    "Heading": Walk._start_heading,
    **{name: _block_start(name) for name in ("BlockQuote", "List", "Item", "CodeBlock", "HtmlBlock", "Table",
                                             "TableHead")},
    **SPAN_STARTS,
}
_ENDS: dict[str, SpanFunction] = {  # the others: Walk._end_block
    "Paragraph": Walk._end_paragraph, "TableCell": Walk._end_cell, "Heading": Walk._end_heading, **SPAN_ENDS,
}


@lru_cache(maxsize=4096)  # headings repeat across pages ("Overview", "Install")
def _heading_id_attr(content: bytes, in_container: bool, heading_id: Callable[[str], str]) -> str:
    """The attribute of a heading whose inline source is `content`."""
    source = content.decode()
    if source.endswith("}"):
        raise Declined("heading attributes")  # Goldmark's `## Title {#id}`: kramdown.py's
    if "\n" in source and in_container:
        raise Declined("setext heading in a container")  # its last line holds the prefix
    source = source.rsplit("\n", 1)[-1]
    if ANY_TOKEN.search(source):
        return ""
    return f' {GID_ATTR}="{escapeHtml(heading_id(source))}"'
