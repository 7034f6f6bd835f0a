"""The fast path of page bodies: Markdown parsed by pulldown-cmark (through pyromark), written
out byte for byte as markdown.py's markdown-it-py configuration writes it.

Why: markdown-it-py parses in pure Python, ~1 ms a typical page; pulldown-cmark in ~0.04 ms.
Both follow CommonMark, so on CommonMark input they build the same document; their HTML
writers differ (quotes, table alignment, tight lists), so this module walks pulldown-cmark's
events and writes each node with markdown-it's rules (pulldown_walk.py, pulldown_inline.py,
token_html.py), then the project's (highlighted fences, heading id bases, `align` on table
cells).

Where the engines read a text differently (engine_differences.py, and the structure checks
of pulldown_walk.py's `Walk`), `render` returns None and the caller renders it with
markdown-it-py, which stays the reference; tests/test_pulldown.py holds the two to the same
bytes.
"""
from __future__ import annotations

import re

from .anchors import goldmark_id, kramdown_id
from .code_blocks import Problems
from .engine_differences import (Declined, definitions_agree, delimiter_rows, differs, entities_agree,
                                 kramdown_rules_apply, lazy_code, tabs_agree)
from .pulldown_walk import CodeFilter, Events, Walk

try:  # a wheel exists for the common platforms; elsewhere every page takes markdown-it-py
    import pyromark
except ImportError:  # pragma: no cover - the test environment has it
    pyromark = None

AVAILABLE = pyromark is not None
_OPTIONS = (pyromark.Options.ENABLE_TABLES | pyromark.Options.ENABLE_STRIKETHROUGH) if pyromark else 0
_LINE_ENDS = re.compile(r"\r\n?")
# Lines of words that start with a letter and end without a space, no blank line between
# them: one paragraph of text as is to both engines (nothing in it starts a block, an inline
# construct or an escape), as a callout's or a tab's inner Markdown mostly is; written at
# once, without the checks and the walk (tests/test_pulldown.py holds it to markdown-it-py)
_PLAIN_LINE = r"[A-Za-z](?:[A-Za-z0-9 ,.;:?!'()]*[A-Za-z0-9,.;:?!'()])?"
_PLAIN = re.compile(rf"\n*({_PLAIN_LINE}(?:\n{_PLAIN_LINE})*)\n*")
PLAIN_MAX = 1024  # a longer text that is not plain could cost its scan, several microseconds


def render(text: str, code_filter: CodeFilter | None, problems: Problems, kramdown: bool = False) -> str | None:
    """HTML of `text` as markdown.py's markdown-it-py renders it (`kramdown`: a Jekyll page's,
    heading ids as kramdown makes them); None where declined."""
    if pyromark is None:
        return None
    if len(text) <= PLAIN_MAX and (plain := _PLAIN.fullmatch(text)) is not None:
        if not (kramdown and "XQSC" in text):  # a line of a Liquid output alone: kramdown_rules_apply
            return f"<p>{plain[1]}</p>\n"
    if "\r" in text:  # markdown-it's normalize rule: line numbers and ranges agree
        text = _LINE_ENDS.sub("\n", text)
    if differs(text) or not entities_agree(text) or not definitions_agree(text, _destinations):
        return None
    if kramdown and kramdown_rules_apply(text):
        return None
    try:
        walk = Walk(text, code_filter, problems, kramdown_id if kramdown else goldmark_id)
        html = walk.run(events(text))
        rows = walk.delimiter_rows
        if not text.isascii():  # the walk's offsets count bytes, delimiter_rows' characters
            rows = {len(walk.data[:row].decode()) for row in rows}
        if rows != delimiter_rows(text):
            return None  # a table only one engine sees
        if b"\t" in walk.data and not tabs_agree(walk.data, walk.verbatim, walk.top_verbatim, walk.containers):
            return None
        if lazy_code(walk.data, walk.verbatim):
            return None
    except Declined:
        return None
    except Exception:  # pragma: no cover - an event this walk does not know (a new pyromark?)
        return None    # must cost the page the slower engine, never the build
    return html


def events(text: str) -> Events:
    """pulldown-cmark's events of the text with their byte ranges, with the options markdown.py's
    markdown-it-py is given (tables, strikethrough)."""
    return pyromark.events_with_range(text, options=_OPTIONS)


def _destinations(text: str) -> list[str]:
    return [definition["dest"] for definition in pyromark.reference_definitions(text).values()]
