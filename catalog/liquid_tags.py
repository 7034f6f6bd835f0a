"""Jekyll's Liquid tags for python-liquid: `include` / `include_relative` (with `include.KEY`
parameters), `link`, and the tag every unknown name gets, which writes the tag back as
written (for the shortcode pass, or as text with a warning). The environment they run in
(catalog.liquid.JekyllEnvironment, duck-typed here: it imports this module) does the file
and page look-ups and locates the problems."""
from __future__ import annotations

import re
from io import StringIO
from typing import TYPE_CHECKING, Any, TextIO

from liquid import Environment
from liquid.ast import Node
from liquid.builtin.expressions import FilteredExpression, tokenize
from liquid.stream import TokenStream
from liquid.tag import Tag
from liquid.token import TOKEN_EXPRESSION, TOKEN_ILLEGAL, Token

from .diagnostics import did_you_mean

if TYPE_CHECKING:
    from liquid.context import RenderContext

JekyllEnvironment = Any
_PARAM = re.compile(r"""([\w-]+)\s*=\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[^\s"']+)""")


class _PassOn(Node):
    """A tag written back as it stands in the source, for the next pass."""

    __slots__ = ("text",)

    def __init__(self, token: Token, text: str) -> None:
        super().__init__(token)
        self.text = text
        self.blank = False

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        return buffer.write(self.text)


def _markup(stream: TokenStream) -> tuple[Token, str]:
    """The tag token and its markup (what follows the name), stripped."""
    token = stream.current
    if stream.peek.kind != TOKEN_EXPRESSION:
        return token, ""
    next(stream)
    return token, stream.current.value.strip()


def _tag_text(stream: TokenStream) -> tuple[Token, str]:
    """The tag token and the tag's whole text as written (`{%- name markup -%}`)."""
    token = stream.current
    if stream.peek.kind == TOKEN_EXPRESSION:
        next(stream)
    source = token.source
    start = source.rfind("{%", 0, token.start_index)
    end = source.find("%}", stream.current.start_index)
    return token, source[start:end + 2] if start >= 0 and end >= 0 else "{% " + token.value + " %}"


class _Unknown(Tag):
    """Every tag python-liquid and this module do not know: kept as written."""

    name = TOKEN_ILLEGAL
    block = False

    def parse(self, stream: TokenStream) -> Node:
        token, text = _tag_text(stream)
        env: JekyllEnvironment = self.env  # type: ignore[assignment]
        base = token.value.removeprefix("end")
        # an unclosed {% raw %} comes here as a tag of its own: the shortcode pass reports it
        # as unclosed, where a hint to wrap it in {% raw %} would contradict that
        if base != "raw" and token.value not in env.passed_on and base not in env.passed_on:
            env.report(token, "warning", "liquid-unknown-tag",
                       f"unknown Liquid tag '{token.value}': kept in the page as written",
                       did_you_mean(token.value, sorted(set(env.tags) | env.passed_on) ) or
                       "Jekyll stops at a tag it does not know: remove it, wrap it in {% raw %}, or define it "
                       "as a template in catalog-layouts/shortcodes/")
        return _PassOn(token, text)


class _Include(Tag):
    """Jekyll's `{% include file.html key=value %}` (from `_includes/`) and
    `{% include_relative file %}` (from the page's folder): the file is rendered with the
    page's variables and `include.KEY`."""

    name = "include"
    block = False
    relative = False

    def parse(self, stream: TokenStream) -> Node:
        token, markup = _markup(stream)
        return _IncludeNode(token, markup, self.relative, self.env)


class _IncludeRelative(_Include):
    name = "include_relative"
    relative = True


class _IncludeNode(Node):
    __slots__ = ("markup", "relative", "params")

    def __init__(self, token: Token, markup: str, relative: bool, env: Environment) -> None:
        super().__init__(token)
        self.relative = relative
        self.blank = False
        # the file name may be a variable: `{% include {{ page.snippet }} key=value %}`
        match = re.match(r"(\{\{.*?\}\}\S*|\S+)\s*(.*)", markup, re.S)
        self.markup, params = (match.group(1), match.group(2)) if match else ("", "")
        self.params = [(key, raw[1:-1] if raw[:1] in "\"'" else
                        FilteredExpression.parse(env, TokenStream(tokenize(raw, token))))
                       for key, raw in _PARAM.findall(params)]

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        env: JekyllEnvironment = context.env  # type: ignore[assignment]
        name = _render_in(env, self.markup, context) if "{{" in self.markup else self.markup
        values = {key: value if isinstance(value, str) else value.evaluate(context) for key, value in self.params}
        return env.include(self.token, name.strip(), self.relative, values, context, buffer)


class _Link(Tag):
    """Jekyll's `{% link path/to/page.md %}`: the URL of the page (or file) at that source path."""

    name = "link"
    block = False

    def parse(self, stream: TokenStream) -> Node:
        token, markup = _markup(stream)
        return _LinkNode(token, markup)


class _LinkNode(Node):
    __slots__ = ("path",)

    def __init__(self, token: Token, path: str) -> None:
        super().__init__(token)
        self.path = path
        self.blank = False

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        env: JekyllEnvironment = context.env  # type: ignore[assignment]
        path = _render_in(env, self.path, context) if "{{" in self.path else self.path
        return buffer.write(env.link(self.token, path.strip()))


def _render_in(env: Environment, text: str, context: RenderContext) -> str:
    """`text` rendered as Liquid in the current context."""
    buffer = StringIO()
    env.from_string(text).render_with_context(context, buffer, partial=True)
    return buffer.getvalue()


TAGS = (_Unknown, _Include, _IncludeRelative, _Link)
