"""Rendering one page's body: shortcodes and Liquid tags, then Markdown, then anchors.

Hugo's approach, kept because it lets shortcodes sit anywhere (even inside a link
destination): each shortcode is rendered first and replaced in the Markdown source
by an inert placeholder token; after Markdown, the tokens are swapped for their
output (`<p>TOKEN</p>` for the whole block when a shortcode stood alone). Leaf
shortcodes in `{{% %}}` notation are the exception: their text goes into the
Markdown source, as Hugo renders `%` output as Markdown. Tokens are swapped once, in
the Markdown output they were put in (a paired shortcode's `inner.html` comes with its
children's output in it), never inside a shortcode's output, and the page cannot
write one (see placeholders.py): text that looks like a token is text.

Rendering reads the immutable site model and returns a `Body` (body.py); it writes nothing.
What a shortcode template is rendered with, the functions it can call included, is
shortcode_functions.py's; the views it sees of its page and site are template_views.py's.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from . import shortcodes
from .anchors import assign_heading_ids
from .body import Body, FragmentRef
from .config import SiteConfig, has_plugins
from .content import Page, Site
from .diagnostics import Diagnostic, Lines, LocatedError, did_you_mean
from .hashlinks import HashRoutes
from .paragraphs import fit_blocks, needs_own_block
from .native_shortcodes import Native, natives
from .placeholders import Tokens, prefix_for
from .refs import RefResolver
from .search_entries import page_text
from .shortcode_functions import ShortcodeContext
from .shortcode_memo import ShortcodeMemo
from .template_views import Inner, NestedCall, SiteView
from .theme import Theme

if TYPE_CHECKING:  # imported when a body is first rendered: a build whose bodies all come
    from .markdown import Markdown  # from the cache never loads markdown-it (~20 ms)
    from .markdown_memo import MarkdownMemo, Render

_ROOT_LINK = re.compile(r'(\s(?:href|src)=")(/(?!/)[^"]*)')

# A page renders again with a longer placeholder prefix when text it puts into Markdown
# holds the prefix; a second run knows all such text, so more runs mean a template that
# writes different text each time, and the last run is kept.
_MAX_RUNS = 4


@dataclass
class _PageRun:
    """The mutable state of rendering one page: placeholders and what was found."""

    page: Page
    renderer: "BodyRenderer"
    tokens: Tokens
    outputs: list[str] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    fragment_refs: list[FragmentRef] = field(default_factory=list)
    literals: list[shortcodes.Literal] = field(default_factory=list)  # escapes and {% raw %} of the page
    uid: int = 0
    depends_on: set[str] = field(default_factory=set)
    # Markdown sources that held the placeholder prefix in their own text: the page
    # renders again with a prefix none of them holds
    forged: list[str] = field(default_factory=list)
    lines: Lines = field(init=False)
    shortcode_functions: Any = None  # what every call of this run gets (shortcode_functions.py), made at the first
    dialect: str | None = None  # how its Markdown is read (BodyRenderer.dialect), known at the first

    def __post_init__(self) -> None:
        self.lines = Lines(self.page.body)

    def placeholder(self, output: str) -> str:
        self.outputs.append(output)
        return self.tokens.token(len(self.outputs) - 1)

    def position(self, offset: int) -> tuple[int, int]:
        line, col = self.lines.locate(offset)
        return self.page.body_line + line - 1, col

    def report(self, offset: int, severity: str, code: str, message: str, hint: str = "") -> None:
        line, col = self.position(offset)
        self.diagnostics.append(Diagnostic(self.page.source, line, col, severity, code, message, hint))  # type: ignore[arg-type]

    def output(self, match: re.Match[str]) -> str:
        """The output a token stands for; a token this run did not give out stays as written."""
        digits = match.group(1) or match.group(2)
        index = Tokens.index(digits)
        return self.outputs[index] if index < len(self.outputs) else match.group(0)

    def expand_html(self, text: str) -> str:
        """Markdown output with its placeholders swapped for their outputs, in one pass:
        an output is never searched for tokens (it holds none; text in it is text)."""
        if self.tokens.prefix not in text:
            return text
        found = self.tokens.find(text)
        fitted = fit_blocks(text, found, self.tokens.inline, self.output, self.placeholder)  # no <ul> inside a <p>
        if fitted is not text:
            text, found = fitted, self.tokens.find(fitted)
        return self.tokens.swap(text, found, self.outputs)

    def expand_text(self, text: str) -> str:
        """Placeholders inside code blocks become the plain text of their output."""
        if self.tokens.prefix not in text:
            return text
        return self.tokens.inline.sub(lambda m: html.unescape(re.sub(r"<[^>]+>", "", self.output(m))), text)

    def markdown(self, source: str, tokens: int = 0) -> str:
        """HTML of a Markdown source into which `tokens` placeholders were put."""
        if self.tokens.forged(source, tokens):
            self.forged.append(source)
        if self.dialect is None:  # once a page: a page calls this for its body and each inner content
            self.dialect = self.renderer.dialect(self.page)
        if self.dialect == "html":
            return source  # a Jekyll project's HTML page (jekyll_urls.py): HTML already, no Markdown
        return self.renderer.md.render(source, code_filter=self.expand_text, kramdown=self.dialect == "kramdown")


class BodyRenderer(ShortcodeContext):
    """Renders page bodies; one per process, shared by every page of a build."""

    def __init__(self, site: Site, config: SiteConfig, theme: Theme, resolver: RefResolver,
                 markdown_memo: MarkdownMemo | None = None) -> None:
        self.site = site
        self.markdown_memo = markdown_memo  # Markdown renders of earlier builds (markdown_memo.py)
        self.config = config
        self.theme = theme
        self.resolver = resolver
        self.has_catalog = has_plugins(theme.project, config)
        self._hash_routes: HashRoutes | None = None  # made at the first page that needs it
        self.memo = ShortcodeMemo(theme.env)

    @cached_property
    def natives(self) -> dict[str, Native]:
        """The shortcodes answered in Python (native_shortcodes.py): those whose templates are the ones they were
        written from."""
        return natives(self.theme.template_file)

    @cached_property
    def md(self) -> Markdown:
        from .markdown import Markdown
        md = Markdown()
        md.memo = self.markdown_memo
        return md

    def dialect(self, page: Page) -> str:
        """How a page's Markdown is read: "html" (a Jekyll project's HTML page: no Markdown),
        "kramdown" (a Jekyll page) or "commonmark"."""
        from .jekyll_urls import is_html_page
        from .kramdown_html import is_jekyll_page
        if self.config.jekyll and is_html_page(page.rel):
            return "html"
        return "kramdown" if self.config.jekyll or is_jekyll_page(page.meta) else "commonmark"

    def render_noting_markdown(self, page: Page) -> tuple[Body, tuple[bytes, ...], tuple[tuple[bytes, Render], ...]]:
        """`render(page)` (an empty body for a page without text), the keys of the kept Markdown
        renders it used and the renders it made (markdown_memo.py; none without a memo)."""
        memo = self.markdown_memo
        if memo is not None:
            memo.take()  # what a page rendered ahead (the preview's first) used is not this page's
        body = self.render(page) if page.body else Body("", [], [], [])
        used, made = memo.take() if memo is not None else ((), ())
        return body, used, made

    def render(self, page: Page) -> Body:
        if self.config.jekyll:  # a Jekyll project's page is a Liquid template first (catalog/liquid.py)
            from .jekyll_pages import render_jekyll_page
            return render_jekyll_page(self, page, self._render_body)
        return self._render_body(page)

    def _render_body(self, page: Page) -> Body:
        parsed = shortcodes.parse(page.body, self.theme.is_paired)
        seen = [page.body]
        for _ in range(_MAX_RUNS):
            run = _PageRun(page, self, Tokens(prefix_for(seen)))
            body = self._render_run(run, parsed)
            if not run.forged:
                break
            seen.extend(run.forged)
        return body

    def _render_run(self, run: _PageRun, parsed: shortcodes.Parsed) -> Body:
        page = run.page
        run.literals = parsed.literals
        for offset, code, message, hint in parsed.problems:
            run.report(offset, "error", code, message, hint)
        for offset, code, message, hint in parsed.warnings:
            run.report(offset, "warning", code, message, hint)
        source, tokens = self._splice(page.body, 0, len(page.body), parsed.calls, parsed.literals,
                                      run, for_markdown=True)
        output = run.markdown(source, tokens)
        for line, message in getattr(self.md, "last_problems", []) or []:
            code, hint = ("attribute-list", "write the {: ...} line directly below or above the block it is for") \
                if message.startswith("attribute list") else ("code-options", "see the highlight options in the "
                                                                              "shortcodes docs")
            run.diagnostics.append(Diagnostic(page.source, page.body_line + line, 1, "warning", code, message, hint))
        html_out, headings = assign_heading_ids(self._under_base(run.expand_html(output)))
        if self.config.hash_links:
            html_out = self._follow_hash_links(html_out, run)
        return Body(html_out, headings, run.diagnostics, run.fragment_refs, frozenset(run.depends_on),
                    page_text(html_out))

    def _under_base(self, html_text: str) -> str:
        """Root-relative links written in content ("/plugins/") mean the site's root, so the
        same sources work when built under a version prefix such as /7.0/."""
        base = self.config.base_path
        if base == "/":
            return html_text
        return _ROOT_LINK.sub(lambda m: m.group(0) if m.group(2).startswith(base)
                              else f"{m.group(1)}{base}{m.group(2)[1:]}", html_text)

    def _follow_hash_links(self, html_text: str, run: _PageRun) -> str:
        """'#/route' links (site.toml hash_links) pointed at the page of that Jekyll URL."""
        if self._hash_routes is None:
            self._hash_routes = HashRoutes(self.site, self.config)
        html_text, links = self._hash_routes.rewrite(html_text, run.page.body)
        if links:  # which page a route names: page URLs, and permalinks (front matter, in "nav")
            run.depends_on.update(("refs", "nav"))
        for link in links:
            if link.target is None:
                run.report(max(link.offset, 0), "warning", "hash-link-not-found",
                           f"link '#/{link.route}' names no page (no page has the Jekyll URL /{link.route})",
                           link.hint)
            elif link.fragment and link.target.rel:
                line, col = run.position(max(link.offset, 0))
                run.fragment_refs.append(FragmentRef(run.page.source, line, col, f"#/{link.route}#{link.fragment}",
                                                     link.target.rel, link.fragment))
        return html_text

    # -- shortcodes -------------------------------------------------------------------------

    def _splice(self, text: str, start: int, end: int, calls: list[shortcodes.Call],
                literals: list[shortcodes.Literal], run: _PageRun, *, for_markdown: bool,
                rendered: dict[int, Markup] | None = None) -> tuple[str, int]:
        """text[start:end] with calls and literals replaced, and how many placeholders it
        holds. For Markdown, calls become placeholders (or their text, for `%` leaves);
        otherwise their output text."""
        pieces: list[str] = []
        tokens = 0
        spans: list[tuple[int, int, str]] = []
        for call in calls:
            if start <= call.start and call.end <= end:
                output = rendered[call.start] if rendered is not None else self._render_call(call, run)
                if not for_markdown:
                    text_out = str(output) if call.paired else html.unescape(str(output))
                elif call.notation != "<" and not call.paired and not needs_own_block(text, call.start, call.end,
                                                                                    str(output)):
                    text_out = html.unescape(str(output))
                else:
                    text_out = run.placeholder(str(output))
                    tokens += 1
                spans.append((call.start, call.end, text_out))
        for literal in literals:
            if start <= literal.start and literal.end <= end and not any(s <= literal.start < e for s, e, _ in spans):
                spans.append((literal.start, literal.end, literal.text))
        position = start
        for span_start, span_end, replacement in sorted(spans):
            pieces.append(text[position:span_start])
            pieces.append(replacement)
            position = span_end
        pieces.append(text[position:end])
        return "".join(pieces), tokens

    def _render_call(self, call: shortcodes.Call, run: _PageRun) -> Markup:
        template = self.theme.shortcode(call.name)
        if template is None:
            layouts = self.theme.layouts_name
            go_template = self.theme.go_shortcode(call.name)
            if go_template is not None:  # the Hugo site's own (or its Hugo theme's): Go, not Jinja2
                # Hugo builds it, and leaving it out keeps the page well defined: a warning
                # (an error under --strict), so that an existing site builds on its first run
                run.report(call.start, "warning", "shortcode-go-only",
                           f"shortcode '{call.name}' is defined only as a Hugo Go template ({go_template}); "
                           "it is left out of the page",
                           f"add a Jinja2 template {layouts}/shortcodes/{call.name}.html that writes what "
                           f"{go_template} writes")
                return Markup("")
            names = self.theme.shortcode_names()
            run.report(call.start, "error", "shortcode-unknown", f"unknown shortcode '{call.name}'",
                       did_you_mean(call.name, names) or
                       f"add {layouts}/shortcodes/{call.name}.html to define it, or escape it as "
                       f"{{{{</* {call.name} */>}}}}")
            return Markup("")
        run.uid += 1
        uid = call.uid = f"sc-{run.uid}"
        native = self.natives.get(call.name)
        if native is not None and native.paired != call.paired:
            native = None  # `{{< tab />}}`, `{{< relref >}}...{{< /relref >}}`: the template says what they do
        key = self.memo.key(call) if native is None else None
        if key is not None and (known := self.memo.get(key)) is not None:
            return known
        # what the template would see: a leaf native needs only the page run's functions
        context = self._call_functions(call, run) if native is not None and not native.paired else \
            self._template_context(call, run, uid)
        try:
            if native is not None:
                return native.function(call, context)
            reported = len(run.diagnostics)
            output = Markup(self.theme.render_with(template, context))
            if key is not None and len(run.diagnostics) == reported:
                self.memo.put(key, template, context, output)
            return output
        except LocatedError as problem:  # error(), param(), ...: reported at the call
            run.report(call.start, problem.severity, problem.code, problem.message, problem.hint)
        except Exception as exc:  # a broken template must not stop the build; say where
            name = self.theme.display_path(template.filename)
            where = _template_line(exc, template.filename, name)
            run.report(call.start, "error", "shortcode-failed", f"shortcode '{call.name}' failed: {exc}{where}",
                       f"check {name} and the arguments of this call")
        return Markup("")

    def _template_context(self, call: shortcodes.Call, run: _PageRun, uid: str) -> dict[str, Any]:
        """What `call`'s template is rendered with: its nested calls rendered first (as Hugo
        renders them), and a paired call's inner content with their output in it."""
        body = run.page.body
        children = {child.start: self._render_call(child, run) for child in call.children}
        nested = [NestedCall(c.name, c.args, c.kwargs, c.markup, c.uid, children[c.start]) for c in call.children]
        literals = run.literals  # _splice keeps those inside the range it rebuilds
        inner = None
        if call.paired:
            def text() -> str:  # made if the template reads it: the text as written, the calls' output in it
                spliced, _ = self._splice(body, call.open_end, call.inner_end, call.children, literals, run,
                                          for_markdown=False, rendered=children)
                return _dedent_code(spliced) if call.name == "highlight" else spliced

            md_source, tokens = self._splice(body, call.open_end, call.inner_end, call.children, literals, run,
                                             for_markdown=True, rendered=children)
            inner = Inner(text, md_source, tokens, run)
        return self._call_context(call, run, uid, inner, nested)

    def site_view(self) -> "SiteView":
        return SiteView(self.config, self.site.home, self.has_catalog)




def _dedent_code(text: str) -> str:
    """Drop the newline right after the opening tag and before the closing one, as Hugo does."""
    if text.startswith("\r\n"):
        text = text[2:]
    elif text.startswith("\n"):
        text = text[1:]
    return text.rstrip(" \t").removesuffix("\n")


def _template_line(exc: Exception, filename: str | None, shown: str) -> str:
    lineno = getattr(exc, "lineno", None)
    if lineno is None:
        tb = exc.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code.co_filename == filename:
                lineno = tb.tb_lineno
            tb = tb.tb_next
    return f" (at {shown}:{lineno})" if lineno and filename else ""
