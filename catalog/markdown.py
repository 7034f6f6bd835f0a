"""Markdown to HTML for page bodies: CommonMark + tables, strikethrough, attributes, highlighted code."""
from __future__ import annotations

from typing import Any, Callable, Sequence

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import OptionsDict

from catalog import pulldown
from catalog.anchors import GID_ATTR, goldmark_id, kramdown_id
from catalog.code_blocks import fence_html, indented_html, split_info
from catalog.kramdown import PROBLEMS_KEY, kramdown_ial_plugin
from catalog.kramdown_html import KRAMDOWN_KEY, kramdown_html_plugin
from catalog.markdown_memo import MIN_TEXT, MarkdownMemo
from catalog.placeholders import ANY_TOKEN

CodeFilter = Callable[[str], str]
_FILTER_KEY = "catalog_code_filter"
__all__ = ["Markdown", "split_info"]
_HIGHLIGHT_DIV = '<div class="highlight"'
# catalog.render's shortcode placeholder token: in a heading's source it stands for
# output Hugo would have seen there, so such a heading's id comes from its rendered text.
_SHORTCODE_PLACEHOLDER = ANY_TOKEN
# Small sources rendered again with the same text (a shortcode's inner content, a
# markdownify argument, a child's summary, on many pages) reuse the first render: its HTML
# and problems depend on the text and the dialect only. Bounded, so a large site's memory
# does not grow with it: ~1,000 characters of Markdown (and its HTML) a fragment.
FRAGMENT_MAX = MIN_TEXT
FRAGMENTS_KEPT = 4096


class Markdown:
    """One configured parser, built once per process and reused for every page.

    render() keeps no state between calls except `last_problems`: the problems of
    the latest render as (0-based line within the text, message), and the output of
    small texts (FRAGMENT_MAX), which depends on nothing else.
    """

    def __init__(self) -> None:
        md = MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False})
        md.enable(["table", "strikethrough"])
        md.use(kramdown_ial_plugin)
        md.use(kramdown_html_plugin, placeholder=_SHORTCODE_PLACEHOLDER)  # on texts render() is told are kramdown's
        md.core.ruler.push("table_align_attribute", _table_align_attribute)
        # after the attribute rules, so a heading's `{#id}` / `{: ...}` is already
        # cut from its source and any id it set is on the heading token
        md.core.ruler.after("kramdown_block_ial", "heading_source_id", _heading_source_id)
        md.add_render_rule("fence", _render_fence)
        md.add_render_rule("code_block", _render_code_block)
        self._md = md
        self.last_problems: list[tuple[int, str]] = []
        self._fragments: dict[tuple[str, bool, bool], tuple[str, list[tuple[int, str]]]] = {}
        self.memo: MarkdownMemo | None = None  # longer texts' renders, kept between builds (markdown_memo.py)

    def render(self, text: str, *, code_filter: CodeFilter | None = None, kramdown: bool = False) -> str:
        """HTML for text; code_filter rewrites each code block's text before highlighting;
        `kramdown`: a page written for Jekyll: HTML blocks end and heading ids are made as
        kramdown does it."""
        # a filter the render never called (no code block) cannot have changed it: such
        # renders are kept too, apart from those made without a filter
        key = (text, kramdown, code_filter is not None) if len(text) <= FRAGMENT_MAX else None
        if key is not None and (known := self._fragments.get(key)) is not None:
            self.last_problems = list(known[1])
            return known[0]
        memo_key = self.memo.key(text, kramdown, code_filter is not None) \
            if self.memo is not None and len(text) > MIN_TEXT else None
        if memo_key is not None and (kept := self.memo.get(memo_key)) is not None:  # type: ignore[union-attr]
            html, self.last_problems = kept
            return html
        called: list[bool] = []
        changed: list[bool] = []

        def filtered(code: str) -> str:
            called.append(True)
            out = code_filter(code)  # type: ignore[misc]
            if out is not code:  # a placeholder in a code block: the render depends on its output
                changed.append(True)
            return out

        problems: list[tuple[int, str]] = []
        # pulldown.py renders most pages several times faster with the same bytes; what it
        # declines (attribute lists, a Jekyll page's HTML blocks, ...) markdown-it-py renders
        html = pulldown.render(text, filtered if code_filter is not None else None, problems, kramdown)
        if html is None:
            problems = []
            env: dict[str, Any] = {_FILTER_KEY: filtered if code_filter is not None else None,
                                   PROBLEMS_KEY: problems, KRAMDOWN_KEY: kramdown}
            html = self._md.render(text, env)
        self.last_problems = sorted(problems)
        if memo_key is not None and not changed:
            self.memo.put(memo_key, html, self.last_problems)  # type: ignore[union-attr]
        if key is not None and not called and len(self._fragments) < FRAGMENTS_KEPT:
            self._fragments[key] = (html, list(self.last_problems))
        return html


def _table_align_attribute(state: StateCore) -> None:
    # markdown-it aligns cells with style="text-align:..."; the site's
    # Content-Security-Policy blocks style attributes, the align attribute is not
    # (Goldmark's TableCellAlignAttribute does the same).
    for token in state.tokens:
        if token.type in ("th_open", "td_open"):
            style = token.attrGet("style")
            if isinstance(style, str) and style.startswith("text-align:"):
                del token.attrs["style"]
                token.attrSet("align", style[len("text-align:") :])


def _heading_source_id(state: StateCore) -> None:
    """Mark each heading without an id with the id base Goldmark derives from its source.

    Goldmark (Hugo) builds the auto id from the heading's raw source bytes, not its
    rendered text: `## See [docs](x.md)` gets `see-docsxmd`. Only the last source
    line counts (a multi-line setext heading). The base goes into a temporary
    `data-gid` attribute; catalog.anchors.assign_heading_ids turns it into the
    page-unique id and removes it.
    """
    tokens = state.tokens
    for index, token in enumerate(tokens[:-1]):
        if token.type != "heading_open" or token.attrGet("id") is not None:
            continue
        inline = tokens[index + 1]
        if inline.type != "inline":  # pragma: no cover - markdown-it always emits one
            continue
        source = inline.content.rsplit("\n", 1)[-1]
        if _SHORTCODE_PLACEHOLDER.search(source):
            continue
        # a page written for Jekyll keeps the ids kramdown gave its headings there
        token.attrSet(GID_ATTR, kramdown_id(source) if state.env.get(KRAMDOWN_KEY) else goldmark_id(source))


def _code_text(token: Token, env: dict[str, Any]) -> str:
    code_filter: CodeFilter | None = env.get(_FILTER_KEY)
    return code_filter(token.content) if code_filter else token.content


def _render_fence(
    renderer: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: dict[str, Any]
) -> str:
    token = tokens[idx]
    html = fence_html(_code_text(token, env), token.info, token.map[0] if token.map else 0,
                      env.setdefault(PROBLEMS_KEY, []))
    if token.attrs:
        html = _add_wrapper_attrs(html, token)
    return html + "\n"


def _add_wrapper_attrs(html: str, token: Token) -> str:
    """Put attributes from an attribute list onto the highlight wrapper div."""
    attrs = dict(token.attrs)
    classes = " ".join(["highlight", str(attrs.pop("class", ""))]).strip()
    rest = "".join(f' {key}="{escapeHtml(str(value))}"' for key, value in attrs.items())
    return f'<div class="{escapeHtml(classes)}"{rest}' + html[len(_HIGHLIGHT_DIV) :]


def _render_code_block(
    renderer: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: dict[str, Any]
) -> str:
    token = tokens[idx]
    return indented_html(_code_text(token, env), renderer.renderAttrs(token))
