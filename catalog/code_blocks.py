"""The HTML of a page's code blocks: fenced ones highlighted with their options, indented ones
plain. One place for both Markdown engines (markdown.py's markdown-it-py rules and
pulldown.py's fast path), so a code block reads the same whichever engine parsed the page."""
from __future__ import annotations

import re

from markdown_it.common.utils import escapeHtml, unescapeAll

from .highlight import highlight

# Fence info: a language word, then optionally Hugo's `{linenos=true, hl_lines=[2,"4-5"]}`.
_INFO = re.compile(r"(?P<lang>[^\s{]*)\s*(?:\{(?P<options>.*)\})?.*", re.S)

# (0-based line within the rendered text, message)
Problems = list[tuple[int, str]]


def split_info(info: str) -> tuple[str, str]:
    """(language, option string) of a fence info string such as `yaml {linenos=true}`."""
    match = _INFO.match(info.strip())
    if not match:  # pragma: no cover - the pattern matches any string
        return "", ""
    return match["lang"], (match["options"] or "").strip()


def fence_html(code: str, raw_info: str, line: int, problems: Problems) -> str:
    """A fenced block's highlighted HTML; `raw_info` is the info string as written (its
    backslash escapes and entities not yet resolved), `line` where the fence starts."""
    lang, opts = split_info(unescapeAll(raw_info) if raw_info else "")
    try:
        return highlight(code, lang, opts)
    except ValueError as error:
        # a typo in the options must not lose the code: render it plain, report it
        problems.append((line, f"code block options ignored: {error}"))
        return highlight(code, lang)


def indented_html(code: str, attrs: str = "") -> str:
    # indented code has no language: plain, as Goldmark renders it
    return f"<pre{attrs}><code>{escapeHtml(code)}</code></pre>\n"
