"""Liquid on the pages of a Jekyll project (`_config.yml`), as Jekyll renders them.

Jekyll renders a page's Liquid first and its Markdown after. So does this module, with
python-liquid (a maintained Liquid with Shopify's semantics: the standard tags and
filters, whitespace control, `{% raw %}`) plus what Jekyll adds: its filters
(liquid_filters.py), `{% include file param=value %}` from `_includes/` with
`include.param`, `{% include_relative %}`, `{% link path %}`, and `site` / `page` as
Jekyll fills them. The result is the page's Markdown source, which the shortcode pass and
Markdown read next as they read any page.

Tags this module does not evaluate are written back as they are, for that next pass:
`{% highlight %}`, `{% raw %}` (its text stays literal there too), the site's own tags
(Jinja2 templates in catalog-layouts/shortcodes/, the Cloudify and Alien4Cloud callouts).
Any other tag is unknown: Jekyll stops at it; it is kept as written, with a warning.
An unknown filter is skipped (the value goes through), as Liquid's lax filters do, with
a warning. Problems are located in the page's source, file:line:col.
"""
from __future__ import annotations

import datetime
import difflib
import os
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, TextIO

from liquid import Environment
from liquid.builtin.output import Output, OutputNode
from liquid.exceptions import LiquidError, OutputStreamLimitError
from liquid.stringify import to_liquid_string
from liquid.mode import Mode
from liquid.token import TOKEN_CONTENT, TOKEN_EXPRESSION, TOKEN_OUTPUT, TOKEN_TAG, Token

from .content_files import excluded
from .diagnostics import Diagnostic, Lines, did_you_mean
from .jekyll_data import load_data, read_bounded
from .jekyll_urls import is_liquid_file
from .liquid_filters import jekyll_filters
from .liquid_tags import TAGS
from .page_files import FILE_FACT
from .shortcodes import LIQUID_BLOCKS

if TYPE_CHECKING:
    from liquid.context import RenderContext

    from .config import SiteConfig
    from .content import Page, Site

# Tags the next pass renders (catalog.shortcodes' Liquid block tags, `{% highlight %}` among
# them); the site's own shortcode templates are added per site
PASSED_ON = LIQUID_BLOCKS
# what may start Liquid in a page: a page without it is its own output
_LIQUID = re.compile(r"\{\{|\{%")


@dataclass
class Problem:
    """One problem found while rendering a page's Liquid: at `offset` in `text`, the body of
`source` (the page's, or an include's) that starts at its line `line_base`."""

    source: str
    text: str
    offset: int
    line_base: int  # the file line of the text's first line
    severity: str
    code: str
    message: str
    hint: str = ""

    def diagnostic(self) -> Diagnostic:
        line, col = Lines(self.text).locate(max(self.offset, 0))
        return Diagnostic(self.source, self.line_base + line - 1, col, self.severity, self.code,  # type: ignore[arg-type]
                          self.message, self.hint)


@dataclass
class _State:
    """What one page's render found: its problems and the site facts it read."""

    page: Page
    problems: list[Problem] = field(default_factory=list)
    depends_on: set[str] = field(default_factory=set)


MAX_VALUE_CHARS = 16 * 1024 * 1024  # a string a filter may make (JekyllEnvironment's limits)


def inert(text: str) -> str:
    """Text a Liquid output wrote, made inert for the passes after Liquid: a value from
    `_data/`, front matter or `_config.yml` that holds `{{<`, `{{%` or `{%` is text, as Jekyll
    prints it, never a shortcode or tag run again (which could include any project file).
    `&#123;` is `{` to the Markdown and HTML after."""
    return text.replace("{", "&#123;") if "{{" in text or "{%" in text else text


class _InertOutputNode(OutputNode):
    __slots__ = ()

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        return buffer.write(inert(to_liquid_string(self.expression.evaluate(context), context.autoescape)))


class _InertOutput(Output):
    node_class = _InertOutputNode


def _bounded(function: Callable[..., Any]) -> Callable[..., Any]:
    """A filter whose string result may not pass MAX_VALUE_CHARS: a chain of `replace` or
    `append` grows a value tenfold a step, past any output limit, within one `{{ }}`."""
    name = getattr(function, "__name__", "")

    def bounded(*args: Any, **kwargs: Any) -> Any:
        if name == "replace" and len(args) >= 3:  # sized before it is made
            value, old, new = (str(arg) for arg in args[:3])
            count = value.count(old) if old else len(value) + 1
            if len(value) + count * (len(new) - len(old)) > MAX_VALUE_CHARS:
                raise OutputStreamLimitError("a filter would make a string over the output limit", token=None)
        result = function(*args, **kwargs)
        if isinstance(result, str) and len(result) > MAX_VALUE_CHARS:
            raise OutputStreamLimitError("a filter made a string over the output limit", token=None)
        return result
    # what python-liquid reads of a filter (context.py), class attributes included
    bounded.with_context = getattr(function, "with_context", False)  # type: ignore[attr-defined]
    bounded.with_environment = getattr(function, "with_environment", False)  # type: ignore[attr-defined]
    bounded.__name__ = name or "filter"
    return bounded


class JekyllEnvironment(Environment):
    """python-liquid configured as Jekyll renders a page: problems collected, not raised.

    A page is a program here: the limits keep a loop over (1..1000000000), an assign that
    doubles a string, or output without end from hanging the build or filling its memory
    (each is a located error; Jekyll sites stay far below them)."""

    loop_iteration_limit = 1_000_000  # every loop of one page's render together
    output_stream_limit = 16 * 1024 * 1024  # characters one render writes
    local_namespace_limit = 16 * 1024 * 1024  # python-liquid's estimate of what assign/capture hold

    def __init__(self, project: Path, site: Site, config: SiteConfig, passed_on: frozenset[str],
                 markdownify: Callable[[str], str]) -> None:
        super().__init__(tolerance=Mode.WARN, strict_filters=False)
        self.project = project
        self.content_root = (project / config.content_dir).resolve()  # what an include may read
        self.site = site
        self.config = config
        self.passed_on = passed_on
        self.state: _State | None = None
        for tag in (*TAGS, _InertOutput):
            self.add_tag(tag)
        for name, function in jekyll_filters(config.base_path, config.origin, markdownify).items():
            self.add_filter(name, function)
        self.filters = {name: _bounded(function) for name, function in self.filters.items()}

    def tokenizer(self) -> Callable[[str], Iterator[Token]]:
        lex = super().tokenizer()

        def tokens(source: str) -> Iterator[Token]:
            hugo_shortcode = False
            for token in lex(source):
                if hugo_shortcode and token.kind == TOKEN_EXPRESSION:
                    hugo_shortcode = False
                    continue
                hugo_shortcode = False
                # a Hugo shortcode (`{{< ref >}}`, `{{% note %}}`), which this tool also reads
                # in Jekyll pages: text for the next pass, not a Liquid output
                if token.kind == TOKEN_OUTPUT and token.value[2:3] in ("<", "%"):
                    hugo_shortcode = True
                    yield Token(TOKEN_CONTENT, token.value, token.start_index, source)
                    continue
                # a `{% raw %}` body comes as content that starts where `{% raw` does: it
                # is written back inside its raw tags, so the next pass keeps it literal too
                if token.kind == TOKEN_CONTENT and source.startswith("{%", token.start_index):
                    token = token._replace(value="{% raw %}" + token.value + "{% endraw %}")
                yield token
        return tokens

    def error(self, exc: Any, msg: str | None = None, token: Token | None = None) -> None:
        if not isinstance(exc, LiquidError):
            exc = exc(msg, token=token)
        elif not exc.token:
            exc.token = token
        message, token = f"Liquid: {exc.message}", exc.token
        unclosed = re.search(r"expected tag end(\w+)", str(exc.message))
        if (token is None or token.start_index < 0) and unclosed and self.state is not None:
            # found at the end of the text: shown at the last tag of that name instead
            body = self.state.page.body
            opening = None
            for opening in re.finditer(r"\{%-?\s*" + unclosed.group(1) + r"\b", body):
                pass
            if opening is not None:
                token = Token(TOKEN_TAG, unclosed.group(1), opening.start(), body)
                message = f"Liquid: '{{% {unclosed.group(1)} %}}' is never closed with {{% end{unclosed.group(1)} %}}"
        self.report(token, "error", "liquid-syntax" if "Syntax" in type(exc).__name__ else "liquid-error",
                    message, "Jekyll stops at this: fix the tag or expression")

    def report(self, token: Token | None, severity: str, code: str, message: str, hint: str = "") -> None:
        state = self.state
        if state is None:
            return
        page = state.page
        source, text, base = page.source, page.body, page.body_line  # an include's while it renders
        offset = token.start_index if token is not None and token.source == text else 0
        if token is not None and token.kind == TOKEN_TAG and text.rfind("{%", 0, offset + 1) >= 0:
            offset = text.rfind("{%", 0, offset + 1)  # a tag's problem is shown at its `{%`
        state.problems.append(Problem(source, text, offset, base, severity, code, message, hint))

    def check_filters(self, template: Any) -> None:
        """A warning at each use of a filter nobody defines (the render skips it)."""
        try:
            analysis = template.analyze(include_partials=False)
        except Exception:  # the analysis is only for this warning
            return
        for name, spans in sorted(analysis.filters.items()):
            if name in self.filters:
                continue
            for span in spans:
                self.report(Token("filter", name, span.index, self.state.page.body if self.state else ""),
                            "warning", "liquid-unknown-filter",
                            f"unknown Liquid filter '{name}': the value is passed on unchanged",
                            did_you_mean(name, self.filters) or
                            "Jekyll, as Liquid's lax filters, skips a filter it does not know")

    # -- Jekyll's tags ------------------------------------------------------------------------

    def include(self, token: Token, name: str, relative: bool, values: dict[str, Any], context: RenderContext,
                buffer: TextIO) -> int:
        state = self.state
        assert state is not None
        folder = posixpath.dirname(state.page.rel) if relative else "_includes"
        where = "the page's folder" if relative else "_includes/"
        if name.startswith(("/", "\\")) or ".." in re.split(r"[/\\]", name):
            # as Jekyll refuses them: an include names a file below _includes/ (or the page's
            # folder), never one elsewhere on the machine, which would be published
            self.report(token, "error", "liquid-include-not-found",
                        f"include '{name}': not a file name below {where}",
                        "write the path from that folder, without '..' or a leading '/'")
            return 0
        rel = posixpath.normpath(posixpath.join(folder, name))
        path = self.project / self.config.content_dir / rel
        shown = posixpath.normpath(posixpath.join(self.config.content_dir, rel))
        state.depends_on.add(FILE_FACT + shown)
        is_file = bool(name) and path.is_file()
        if is_file and not path.resolve().is_relative_to(self.content_root):
            self.report(token, "error", "liquid-include-not-found",
                        f"include '{name}': it links to a file outside the site, which would be published",
                        "copy the file into the site instead of linking to it")
            return 0
        if name and not is_file and os.path.lexists(path):
            self.report(token, "error", "liquid-include-not-found",
                        f"include '{name}': not a regular file (a FIFO, a folder, a broken link)",
                        "an include is a text file of the site")
            return 0
        if not is_file:
            available = sorted(p.name for p in path.parent.glob("*")) if path.parent.is_dir() else []
            self.report(token, "error", "liquid-include-not-found",
                        f"include '{name}': no such file in {where}",
                        did_you_mean(name, available) or f"add {posixpath.join(folder, name)}")
            return 0
        try:
            text = read_bounded(path).decode("utf-8", errors="replace")
        except OSError as exc:
            self.report(token, "error", "liquid-include-not-found", f"include '{name}': cannot read it: {exc}",
                        "an include is a text file of the site")
            return 0
        previous, state.page = state.page, _IncludedPage(rel, shown, text)  # type: ignore[assignment]
        try:  # the include's problems are located in the include
            template = self.from_string(text, name=rel)
            self.check_filters(template)
            with context.extend({"include": values}, template=template):
                template.render_with_context(context, buffer, partial=True)
        finally:
            state.page = previous
        return 1

    def link(self, token: Token, path: str) -> str:
        state = self.state
        assert state is not None
        state.depends_on.add("refs")
        rel = path.lstrip("/")
        parts = rel.split("/")
        if ".." in parts or any(part.startswith(("_", ".")) for part in parts) or \
                excluded(rel, self.config.content_exclude):
            rel = ""  # out of the site, or a file Jekyll does not publish (_config.yml, _data/): reported below
        page = self.site.by_rel.get(rel)
        if page is not None:
            return page.url
        if rel and (self.project / self.config.content_dir / rel).is_file():
            return self.config.base_path + rel
        self.report(token, "error", "liquid-link-not-found", f"link '{path}': no page or file at that path",
                    did_you_mean(rel, self.site.by_rel) or "the path is the file's, from the site's root: "
                    "{% link folder/page.md %}")
        return ""


class _IncludedPage:
    """Stands for the page while an include renders: problems are located in the include."""

    def __init__(self, rel: str, source: str, text: str) -> None:
        self.rel = rel  # include_relative in an include is relative to the include
        self.source = source
        self.body = text
        self.body_line = 1


@dataclass
class Rendered:
    """A page's Liquid output, its problems and the site facts it read."""

    text: str
    diagnostics: list[Diagnostic]
    depends_on: set[str]


class JekyllLiquid:
    """Renders the Liquid of a Jekyll project's pages; one per build, shared by its pages."""

    def __init__(self, project: Path, site: Site, config: SiteConfig, shortcode_names: Iterator[str] | list[str],
                 markdownify: Callable[[str], str]) -> None:
        self.env = JekyllEnvironment(project, site, config, PASSED_ON | set(shortcode_names), markdownify)
        self.site = site
        self.config = config
        self.project = project
        self._site_vars: dict[str, Any] | None = None
        self._data_facts: list[str] = []  # every _data/ file, as a fact: a page that reads site reads them

    @staticmethod
    def needed(body: str) -> bool:
        return _LIQUID.search(body) is not None

    def render(self, page: Page) -> Rendered:
        state = _State(page)
        self.env.state = state
        try:
            template = self.env.from_string(page.body, name=page.source)
            self.env.check_filters(template)
            text = template.render(site=self.site_vars(state), page=self.page_vars(page))
        except LiquidError as exc:  # a problem the tolerant mode still raises: the page's text as written
            self.env.error(exc)
            text = page.body
        finally:
            self.env.state = None
        diagnostics = [problem.diagnostic() for problem in state.problems]
        return Rendered(text, diagnostics, state.depends_on)

    def site_vars(self, state: _State) -> dict[str, Any]:
        """`site`: the configuration's keys, as Jekyll exposes them, and the pages."""
        if self._site_vars is None:
            config = self.config
            values: dict[str, Any] = dict(config.params)
            values.update(title=config.title, url=config.origin, baseurl=config.base_path.rstrip("/"),
                          lang=config.language, time=_build_time(), data=self._data())
            # in Jekyll's order (Reader#sort_files!: by file name), the path breaking ties for a
            # stable order where Ruby's sort_by leaves them as it finds them
            listed = sorted((page for page in self.site.pages if page.rel),
                            key=lambda page: (posixpath.basename(page.rel), page.rel))
            values["pages"] = [self.page_vars(page) for page in listed]
            values["html_pages"] = [vars for page, vars in zip(listed, values["pages"]) if not is_liquid_file(page.rel)]
            self._site_vars = values
        state.depends_on.add("nav")  # site.pages shows every page's title and URL
        state.depends_on.update(self._data_facts)  # site.data: an edited data file renders its pages again
        return self._site_vars

    def page_vars(self, page: Page) -> dict[str, Any]:
        """`page`: its front matter, and the values Jekyll adds."""
        values = dict(page.meta)
        url = page.url[len(self.config.base_path) - 1:] if page.url.startswith(self.config.base_path) else page.url
        values.update(title=page.title, url=url, path=page.rel, name=posixpath.basename(page.rel),
                      dir=posixpath.dirname("/" + page.rel).rstrip("/") + "/")
        return values

    def _data(self) -> dict[str, Any]:
        """`site.data`: the YAML and JSON files of `_data/`, by name (jekyll_data.py)."""
        loaded = load_data(self.project / self.config.content_dir / "_data", self.project)
        self._data_facts.extend(FILE_FACT + rel for rel in loaded.files)
        return loaded.data


def _build_time() -> datetime.datetime:
    """`site.time`: $SOURCE_DATE_EPOCH when set (reproducible builds), else now."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc)
    return datetime.datetime.now(datetime.timezone.utc)


def line_map(source: str, output: str) -> list[int]:
    """For each line of the output, the source line (0-based) it came from: unchanged lines
    map exactly, a changed one to the source line it replaces, so problems found later in
    the output are located in the page's source."""
    src, out = source.split("\n"), output.split("\n")
    mapping = [0] * len(out)
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, src, out, autojunk=False).get_opcodes():
        for j in range(j1, j2):
            mapping[j] = min(i1 + (j - j1), max(i2 - 1, i1)) if tag != "insert" else max(i1 - 1, 0)
    return mapping
