"""Build-time syntax highlighting of code blocks (Pygments, CSS classes, Hugo-like markup)."""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Mapping

from pygments import highlight as _pygments_highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import TextLexer, get_lexer_by_name
from pygments.util import ClassNotFound

from catalog.diagnostics import did_you_mean

STYLE = "friendly"
OPTION_NAMES = ("hl_lines", "linenos", "linenostart")
# Valid in Hugo but not here; said apart from typos so the author knows why.
_HUGO_ONLY = {
    "style": "one site-wide stylesheet colours all code (see stylesheet())",
    "noclasses": "inline styles are blocked by the site's Content-Security-Policy",
    "anchorlinenos": "line-number anchors are not generated",
    "lineanchors": "line-number anchors are not generated",
    "hl_inline": "code blocks are always rendered as blocks",
    "guesssyntax": "name the language instead",
    "tabwidth": "tabs are kept as written",
}
_LINENOS = {"true": "table", "table": "table", "inline": "inline", "false": None, "": None}

# Pairs are split where a new `key=` begins, so both Hugo spellings parse:
# shortcode `"linenos=inline, hl_lines=3 6-8"` (space inside a value) and
# fence `{linenos=true hl_lines=[2,"4-5"]}` (comma inside a list).
_PAIR_SPLIT = re.compile(r"[,\s]+(?=[A-Za-z_]\w*\s*=)")
_RANGE = re.compile(r"(\d+)(?:-(\d+))?")

# Extra rules for the markup this module writes itself (line numbers); Pygments'
# own line-number rules target its markup and some of them are not scoped.
_EXTRA_CSS = """\
.highlight pre.chroma { margin: 0; line-height: 125%; overflow-x: auto; }
.highlight .ln { color: #666666; margin-right: 0.8em; user-select: none; }
.highlight .lnt { color: #666666; user-select: none; }
.highlight table.lntable { border-spacing: 0; padding: 0; margin: 0; border: 0; width: auto; }
.highlight td.lntd { vertical-align: top; padding: 0; border: 0; }
.highlight td.lntd:first-child { padding-right: 0.8em; }
"""


@dataclass(frozen=True)
class HighlightOptions:
    """Validated highlight options (Hugo's names and meanings)."""

    linenos: str | None = None  # None, "inline" or "table"
    # (first, last) line ranges, 1-based, relative to the block's first line, sorted and merged:
    # kept as ranges, since `1-99999999999` names more lines than any block has
    hl_lines: tuple[tuple[int, int], ...] = ()
    linenostart: int = 1

    def marked_lines(self, count: int) -> set[int]:
        """The highlighted lines of a block of `count` lines."""
        return {line for first, last in self.hl_lines for line in range(first, min(last, count) + 1)}


def parse_options(options: str | Mapping[str, object] = "") -> HighlightOptions:
    """Validate Hugo highlight options given as a string or a mapping.

    Raises ValueError naming the option, what was expected and what came.
    """
    raw = _split_option_string(options) if isinstance(options, str) else dict(options)
    values: dict[str, object] = {}
    for key, value in raw.items():
        name = str(key).strip().lower()  # Hugo reads option names case-insensitively
        if name in _HUGO_ONLY:
            raise ValueError(f"highlight option '{key}' is not supported here: {_HUGO_ONLY[name]}")
        if name not in OPTION_NAMES:
            hint = did_you_mean(name, OPTION_NAMES)
            known = ", ".join(OPTION_NAMES)
            raise ValueError(f"unknown highlight option '{key}'" + (f"; {hint}" if hint else "") + f" (known: {known})")
        values[name] = value
    return HighlightOptions(
        linenos=_linenos(values.get("linenos", "")),
        hl_lines=_hl_lines(values.get("hl_lines", "")),
        linenostart=_linenostart(values.get("linenostart", 1)),
    )


def _split_option_string(text: str) -> dict[str, object]:
    text = text.strip()
    if text.startswith("{") and text.endswith("}"):
        text = text[1:-1].strip()
    pairs: dict[str, object] = {}
    if not text:
        return pairs
    for part in _PAIR_SPLIT.split(text):
        part = part.strip().strip(",").strip()
        if not part:
            continue
        key, sep, value = part.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"malformed highlight option '{part}': expected key=value, e.g. linenos=table")
        pairs[key.strip()] = _parse_value(value.strip())
    return pairs


def _parse_value(text: str) -> object:
    if text.startswith("[") and text.endswith("]"):
        return [_unquote(item.strip()) for item in text[1:-1].split(",") if item.strip()]
    return _unquote(text)


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    return text


def _linenos(value: object) -> str | None:
    key = str(value).strip().lower() if not isinstance(value, bool) else str(value).lower()
    if key not in _LINENOS:
        raise ValueError(f"highlight option linenos must be true, false, inline or table, not '{value}'")
    return _LINENOS[key]


def _hl_lines(value: object) -> tuple[tuple[int, int], ...]:
    items: list[object] = list(value) if isinstance(value, (list, tuple)) else [value]
    ranges: list[tuple[int, int]] = []
    for item in items:
        if isinstance(item, bool):
            raise ValueError(f"highlight option hl_lines expects line numbers or ranges like 3 6-8, not '{item}'")
        # Hugo separates with spaces; commas are accepted too since authors write them
        for field in str(item).replace(",", " ").split():
            match = _RANGE.fullmatch(field)
            if not match:
                raise ValueError(f"highlight option hl_lines expects line numbers or ranges like 3 6-8, not '{field}'")
            first = _line_number(match[1])
            last = _line_number(match[2]) if match[2] else first
            if first < 1 or last < first:
                raise ValueError(f"highlight option hl_lines has an empty or backwards range '{field}'")
            ranges.append((first, last))
    merged: list[tuple[int, int]] = []
    for first, last in sorted(ranges):
        if merged and first <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return tuple(merged)


# Beyond any block's length, a line number only says "to the end"; more digits than this would
# also pass Python's limit on reading ints (4300 digits).
_LAST_LINE = 10**18


def _line_number(digits: str) -> int:
    return int(digits) if len(digits) <= 18 else _LAST_LINE


def _linenostart(value: object) -> int:
    text = str(value).strip()
    if isinstance(value, bool) or not text.isdigit() or len(text) > 18:
        raise ValueError(f"highlight option linenostart must be a whole number, not '{value}'" +
                         (" (at most 18 digits)" if text.isdigit() else ""))
    return int(text)


@lru_cache(maxsize=512)
def _lexer(lang: str) -> Lexer:
    # stripnl=False keeps leading blank lines, so hl_lines counts the lines as written
    if not lang:
        return TextLexer(stripnl=False)
    try:
        return get_lexer_by_name(lang, stripnl=False)
    except ClassNotFound:
        return TextLexer(stripnl=False)  # Hugo falls back to plain text, without error


@lru_cache(maxsize=1)
def _formatter() -> HtmlFormatter:
    # nowrap: Pygments emits one line of balanced spans per source line; this module
    # adds line numbers and highlighted lines itself so the markup stays uniform.
    return HtmlFormatter(nowrap=True, style=STYLE)


def highlight(code: str, lang: str, options: str | dict[str, object] = "") -> str:
    """Colour code as `<div class="highlight"><pre class="chroma"><code ...>` HTML.

    An unknown language renders as plain text; an empty one as plain escaped code
    without a language class. Raises ValueError for malformed or unknown options.
    """
    opts = parse_options(options)
    lang = lang.strip()
    body = _pygments_highlight(code, _lexer(lang.lower()), _formatter())
    lines = body.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    width = len(str(opts.linenostart + max(len(lines) - 1, 0)))
    code_attrs = f' class="language-{html.escape(lang)}" data-lang="{html.escape(lang)}"' if lang else ""

    out_lines: list[str] = []
    numbers: list[str] = []
    hl_lines = opts.marked_lines(len(lines))
    for index, line in enumerate(lines):
        number = f"{opts.linenostart + index:>{width}}"
        marked = index + 1 in hl_lines
        if opts.linenos == "inline":
            line = f'<span class="ln">{number}</span>{line}'
        elif opts.linenos == "table":
            numbers.append(f'<span class="lnt{" hll" if marked else ""}">{number}\n</span>')
        out_lines.append(f'<span class="hll">{line}\n</span>' if marked else f"{line}\n")

    code_html = f'<pre class="chroma"><code{code_attrs}>{"".join(out_lines)}</code></pre>'
    if opts.linenos == "table":
        numbers_html = f'<pre class="chroma"><code>{"".join(numbers)}</code></pre>'
        return (
            '<div class="highlight"><table class="lntable"><tr>'
            f'<td class="lntd">{numbers_html}</td><td class="lntd">{code_html}</td>'
            "</tr></table></div>"
        )
    return f'<div class="highlight">{code_html}</div>'


def stylesheet() -> str:
    """CSS for every class highlight() writes, scoped under `.highlight`."""
    formatter = HtmlFormatter(style=STYLE)
    rules = [*formatter.get_background_style_defs(".highlight"), *formatter.get_token_style_defs(".highlight")]
    return "\n".join(rules) + "\n" + _EXTRA_CSS
