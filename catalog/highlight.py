"""Build-time syntax highlighting of code blocks (Pygments, CSS classes, Hugo-like markup).

Pygments is imported when a block is first coloured or the stylesheet first made, not with
this module: a build whose pages all come from the render cache needs neither (issue 20)."""
from __future__ import annotations

import hashlib
import html
import importlib.util
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Mapping

from catalog.diagnostics import did_you_mean

if TYPE_CHECKING:
    from pygments.formatters import HtmlFormatter
    from pygments.lexer import Lexer

STYLE = "friendly"  # the light scheme's palette (and the formatter's)
DARK_STYLE = "github-dark"
# The backgrounds code sits on in each colour scheme, as the default theme paints them:
# the code block, the page (code inside a callout) and a highlighted line. Every token
# colour is adjusted until it reaches WCAG AA contrast (4.5:1) on all three.
LIGHT_BACKGROUNDS = {"code": "#f6f8fa", "page": "#ffffff", "line": "#fff3c4"}
DARK_BACKGROUNDS = {"code": "#161b22", "page": "#0d1117", "line": "#3a3524"}
LIGHT_TEXT = "#1f2328"
DARK_TEXT = "#e6edf3"
AA_CONTRAST = 4.5
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
.highlight .ln { margin-right: 0.8em; user-select: none; }
.highlight .lnt { user-select: none; }
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


def _pygments_highlight(code: str, lexer: Lexer, formatter: HtmlFormatter) -> str:
    from pygments import highlight as pygments_highlight
    return pygments_highlight(code, lexer, formatter)


@lru_cache(maxsize=512)
def _lexer(lang: str) -> Lexer:
    from pygments.lexers import TextLexer, get_lexer_by_name
    from pygments.util import ClassNotFound
    # stripnl=False keeps leading blank lines, so hl_lines counts the lines as written
    if not lang:
        return TextLexer(stripnl=False)
    try:
        return get_lexer_by_name(lang, stripnl=False)
    except ClassNotFound:
        return TextLexer(stripnl=False)  # Hugo falls back to plain text, without error


@lru_cache(maxsize=1)
def _formatter() -> HtmlFormatter:
    from pygments.formatters import HtmlFormatter
    # nowrap: Pygments emits one line of balanced spans per source line; this module
    # adds line numbers and highlighted lines itself so the markup stays uniform.
    return HtmlFormatter(nowrap=True, style=STYLE)


def highlight(code: str, lang: str, options: str | dict[str, object] = "") -> str:
    """Colour code as `<div class="highlight"><pre class="chroma"><code ...>` HTML.

    An unknown language renders as plain text; an empty one as plain escaped code
    without a language class. Raises ValueError for malformed or unknown options.
    """
    if isinstance(options, str) and len(code) <= CACHED_CODE_MAX:
        return _highlight_cached(code, lang, options)
    return _highlight(code, lang, options)


# The same snippet is often shown on many pages (an install command, a config example):
# its HTML depends on the code, the language and the options only. Bounded in count and
# size; a ValueError (bad options) is not cached, so each place reports it.
CACHED_CODE_MAX = 4096


@lru_cache(maxsize=1024)
def _highlight_cached(code: str, lang: str, options: str) -> str:
    return _highlight(code, lang, options)


def _highlight(code: str, lang: str, options: str | dict[str, object]) -> str:
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
    """CSS for every class highlight() writes, scoped under `.highlight`, in two schemes.

    The light palette applies by default; the dark one when the page's root says
    data-theme="dark", or when the system prefers dark and the root does not say
    data-theme="light" (the default theme's colour-scheme toggle). Every token type gets
    a colour in both, so no light colour is left over on a dark background.
    """
    light = _scheme_rules(STYLE, LIGHT_TEXT, LIGHT_BACKGROUNDS, ".highlight")
    dark_forced = _scheme_rules(DARK_STYLE, DARK_TEXT, DARK_BACKGROUNDS, ':root[data-theme="dark"] .highlight')
    dark_system = _scheme_rules(DARK_STYLE, DARK_TEXT, DARK_BACKGROUNDS, ':root:not([data-theme="light"]) .highlight')
    return (
        "\n".join(light) + "\n" + _EXTRA_CSS + "\n".join(dark_forced) + "\n"
        + "@media (prefers-color-scheme: dark) {\n" + "\n".join(dark_system) + "\n}\n"
    )


def stylesheet_key() -> str | None:
    """What stylesheet() depends on, found without importing Pygments (a kept copy is
    checked against it): Pygments' version, the two styles and this module's own code,
    which sets the backgrounds and the contrast adjustment. None where the files cannot be
    read (an install in a zip file): the stylesheet is then made every time."""
    spec = importlib.util.find_spec("pygments")
    try:
        package = Path(spec.origin).read_text(encoding="utf-8") if spec is not None and spec.origin else ""
        own = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]
    except OSError:
        return None
    version = re.search(r"^__version__\s*=\s*['\"]([^'\"]+)['\"]", package, re.M)
    return f"pygments {version[1]} {STYLE} {DARK_STYLE} {own}" if version else None


def token_colours(dark: bool = False) -> dict[str, str]:
    """The colour of each token class in one scheme ("" is the code's own text colour)."""
    if dark:
        return _palette(DARK_STYLE, DARK_TEXT, tuple(DARK_BACKGROUNDS.values()))
    return _palette(STYLE, LIGHT_TEXT, tuple(LIGHT_BACKGROUNDS.values()))


def _scheme_rules(style_name: str, text: str, backgrounds: Mapping[str, str], scope: str) -> list[str]:
    from pygments.styles import get_style_by_name
    style = get_style_by_name(style_name)
    colours = _palette(style_name, text, tuple(backgrounds.values()))
    rules = [
        f"{scope} {{ color: {colours['']}; background: {backgrounds['code']}; }}",
        f"{scope} .hll {{ background-color: {backgrounds['line']}; }}",
        f"{scope} .ln, {scope} .lnt {{ color: {colours['c']}; }}",
    ]
    for token, css_class in _token_classes():
        spec = style.style_for_token(token)
        weight = "bold" if spec["bold"] else "normal"
        slant = "italic" if spec["italic"] else "normal"
        rules.append(f"{scope} .{css_class} {{ color: {colours[css_class]}; font-weight: {weight}; font-style: {slant}; }}")
    return rules


def _token_classes() -> list[tuple[object, str]]:
    from pygments.token import STANDARD_TYPES
    return sorted(((token, css_class) for token, css_class in STANDARD_TYPES.items() if css_class), key=lambda pair: pair[1])


@lru_cache(maxsize=4)
def _palette(style_name: str, text: str, backgrounds: tuple[str, ...]) -> dict[str, str]:
    from pygments.styles import get_style_by_name
    style = get_style_by_name(style_name)
    colours = {"": _readable(text, backgrounds)}
    for token, css_class in _token_classes():
        colour = style.style_for_token(token)["color"]
        colours[css_class] = _readable(f"#{colour}" if colour else text, backgrounds)
    return colours


def _readable(colour: str, backgrounds: tuple[str, ...]) -> str:
    """`colour`, darkened (on light backgrounds) or lightened (on dark ones) in small
    steps toward black or white until it reaches AA contrast on every background."""
    rgb = _rgb(colour)
    dark_ground = _luminance(_rgb(backgrounds[0])) < 0.2
    target = (255, 255, 255) if dark_ground else (0, 0, 0)
    for step in range(0, 101):
        mixed = tuple(round(c + (t - c) * step / 100) for c, t in zip(rgb, target))
        if all(_contrast(mixed, _rgb(ground)) >= AA_CONTRAST for ground in backgrounds):
            return "#{:02x}{:02x}{:02x}".format(*mixed)
    return "#ffffff" if dark_ground else "#000000"


def contrast(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio of two #rrggbb colours."""
    return _contrast(_rgb(foreground), _rgb(background))


def _contrast(first: tuple[int, ...], second: tuple[int, ...]) -> float:
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _luminance(rgb: tuple[int, ...]) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _rgb(colour: str) -> tuple[int, int, int]:
    value = colour.lstrip("#")
    if len(value) == 3:
        value = "".join(ch * 2 for ch in value)
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)
