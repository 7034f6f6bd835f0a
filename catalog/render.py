"""Rendering one page's body: shortcodes and Liquid tags, then Markdown, then anchors.

Hugo's approach, kept because it lets shortcodes sit anywhere (even inside a link
destination): each shortcode is rendered first and replaced in the Markdown source
by an inert placeholder token; after Markdown, the tokens are swapped for their
output (`<p>TOKEN</p>` for the whole block when a shortcode stood alone). Leaf
shortcodes in `{{% %}}` notation are the exception: their text goes into the
Markdown source, as Hugo renders `%` output as Markdown.

Rendering reads the immutable site model and returns a `Body`; it writes nothing.
"""
from __future__ import annotations

import html
import re
import zlib
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from . import shortcodes
from .anchors import Heading, assign_heading_ids
from .content import Page, Site
from .config import SiteConfig
from .diagnostics import Diagnostic, Lines, did_you_mean
from .highlight import highlight as highlight_code
from .markdown import Markdown
from .refs import RefError, RefResolver, lenient_message
from .search import page_text
from .theme import Theme

_TOKEN = re.compile(r"XQSC([A-P]+)Z")
_BLOCK_TOKEN = re.compile(r"<p>\s*XQSC([A-P]+)Z\s*</p>")
_ROOT_LINK = re.compile(r'(\s(?:href|src)=")(/(?!/)[^"]*)')


def _token(index: int) -> str:
    digits = "".join("ABCDEFGHIJKLMNOP"[int(c, 16)] for c in f"{index:x}")
    return f"XQSC{digits}Z"


def _index(digits: str) -> int:
    return int("".join(f"{'ABCDEFGHIJKLMNOP'.index(c):x}" for c in digits), 16)


@dataclass(frozen=True)
class FragmentRef:
    """A ref with a #fragment, checked once every page's headings are known."""

    source: str
    line: int
    col: int
    ref: str
    target: str  # rel of the target page
    fragment: str


@dataclass
class Body:
    html: str
    headings: list[Heading]
    diagnostics: list[Diagnostic]
    fragment_refs: list[FragmentRef]
    # Site-wide facts the body read besides its own page: "refs" (which page a path names,
    # and its URL) and "nav" (the page tree). The render cache keys on exactly these.
    depends_on: frozenset[str] = frozenset()
    text: str = ""  # plain text for the search index, extracted once with the body
    # the id="..." of its elements, kept when `html` is dropped (a build without a render
    # cache does, once the page is written): what a ref's #fragment may name
    element_ids: tuple[str, ...] = ()
    # `html` compressed, in its place, for the render cache on disk (see PageRenderer.pack)
    packed: bytes = b""

    def full_html(self) -> str:
        """The body's HTML, also when it is kept `packed`."""
        return self.html or (zlib.decompress(self.packed).decode("utf-8") if self.packed else "")


class ShortcodeAbort(Exception):
    """Raised by a shortcode template through `error()`: the call outputs nothing."""

    def __init__(self, message: str, hint: str = "", code: str = "") -> None:
        super().__init__(message)
        self.hint = hint
        self.code = code


class Inner:
    """A shortcode's inner content: `{{ inner }}` is the text, `{{ inner.html }}` the Markdown output."""

    def __init__(self, text: str, markdown_source: str, run: "_PageRun") -> None:
        self.text = text
        self._source = markdown_source
        self._run = run
        self._html: Markup | None = None

    def __str__(self) -> str:
        return self.text

    def __html__(self) -> str:
        return html.escape(self.text)

    @property
    def html(self) -> Markup:
        if self._html is None:
            self._html = Markup(self._run.markdown(self._source))
        return self._html


@dataclass
class NestedCall:
    """What a shortcode template sees of a shortcode directly inside it."""

    name: str
    args: list[str]
    kwargs: dict[str, str]
    markup: str
    uid: str
    output: Markup

    def get(self, key: int | str, default: Any = None) -> Any:
        return _get(self.args, self.kwargs, key, default)


def _get(args: list[str], kwargs: dict[str, str], key: int | str, default: Any) -> Any:
    if isinstance(key, int):
        return args[key] if 0 <= key < len(args) else default
    return kwargs.get(key, default)


def lookup_param(page: Page, config: SiteConfig, name: str) -> Any:
    """A page's front matter value, else the site's param; dotted names reach into tables.
    Keys match case-insensitively, as Hugo lower-cases them."""
    for scope in (page.meta, config.params):
        value: Any = scope
        for part in name.split("."):
            if not isinstance(value, dict):
                value = None
                break
            lowered = {str(k).lower(): v for k, v in value.items()}
            value = lowered.get(part.lower())
        if value is not None:
            return value
    return None


@dataclass
class _PageRun:
    """The mutable state of rendering one page: placeholders and what was found."""

    page: Page
    renderer: "BodyRenderer"
    outputs: list[str] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    fragment_refs: list[FragmentRef] = field(default_factory=list)
    literals: list[shortcodes.Literal] = field(default_factory=list)  # escapes and {% raw %} of the page
    uid: int = 0
    depends_on: set[str] = field(default_factory=set)
    lines: Lines = field(init=False)

    def __post_init__(self) -> None:
        self.lines = Lines(self.page.body)

    def placeholder(self, output: str) -> str:
        self.outputs.append(output)
        return _token(len(self.outputs) - 1)

    def position(self, offset: int) -> tuple[int, int]:
        line, col = self.lines.locate(offset)
        return self.page.body_line + line - 1, col

    def report(self, offset: int, severity: str, code: str, message: str, hint: str = "") -> None:
        line, col = self.position(offset)
        self.diagnostics.append(Diagnostic(self.page.source, line, col, severity, code, message, hint))  # type: ignore[arg-type]

    def expand_html(self, text: str) -> str:
        if "XQSC" not in text:
            return text
        text = _BLOCK_TOKEN.sub(lambda m: self.expand_html(self.outputs[_index(m.group(1))]), text)
        return _TOKEN.sub(lambda m: self.expand_html(self.outputs[_index(m.group(1))]), text)

    def expand_text(self, text: str) -> str:
        """Placeholders inside code blocks become the plain text of their output."""
        if "XQSC" not in text:
            return text
        return _TOKEN.sub(lambda m: html.unescape(re.sub(r"<[^>]+>", "", self.expand_html(
            self.outputs[_index(m.group(1))]))), text)

    def markdown(self, source: str) -> str:
        return self.renderer.md.render(source, code_filter=self.expand_text)


class BodyRenderer:
    """Renders page bodies; one per process, shared by every page of a build."""

    def __init__(self, site: Site, config: SiteConfig, theme: Theme, resolver: RefResolver) -> None:
        self.site = site
        self.config = config
        self.theme = theme
        self.resolver = resolver
        self.md = Markdown()

    def render(self, page: Page) -> Body:
        run = _PageRun(page, self)
        parsed = shortcodes.parse(page.body, self.theme.is_paired)
        run.literals = parsed.literals
        for offset, code, message, hint in parsed.problems:
            run.report(offset, "error", code, message, hint)
        source = self._splice(page.body, 0, len(page.body), parsed.calls, parsed.literals,
                              run, for_markdown=True)
        output = run.markdown(source)
        for line, message in getattr(self.md, "last_problems", []) or []:
            run.diagnostics.append(Diagnostic(page.source, page.body_line + line, 1, "warning", "code-options",
                                              message, "see the highlight options in the shortcodes docs"))
        html_out, headings = assign_heading_ids(self._under_base(run.expand_html(output)))
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

    # -- shortcodes -------------------------------------------------------------------------

    def _splice(self, text: str, start: int, end: int, calls: list[shortcodes.Call],
                literals: list[shortcodes.Literal], run: _PageRun, *, for_markdown: bool,
                rendered: dict[int, Markup] | None = None) -> str:
        """text[start:end] with calls and literals replaced. For Markdown, calls become
        placeholders (or their text, for `%` leaves); otherwise their output text."""
        pieces: list[str] = []
        spans: list[tuple[int, int, str]] = []
        for call in calls:
            if start <= call.start and call.end <= end:
                output = rendered[call.start] if rendered is not None else self._render_call(call, run)
                if not for_markdown:
                    text_out = str(output) if call.paired else html.unescape(str(output))
                elif call.notation != "<" and not call.paired:
                    text_out = html.unescape(str(output))
                else:
                    text_out = run.placeholder(str(output))
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
        return "".join(pieces)

    def _render_call(self, call: shortcodes.Call, run: _PageRun) -> Markup:
        template = self.theme.shortcode(call.name)
        if template is None:
            names = self.theme.shortcode_names()
            run.report(call.start, "error", "shortcode-unknown", f"unknown shortcode '{call.name}'",
                       did_you_mean(call.name, names) or
                       f"add layouts/shortcodes/{call.name}.html to define it, or escape it as "
                       f"{{{{</* {call.name} */>}}}}")
            return Markup("")
        body = run.page.body
        run.uid += 1
        uid = call.uid = f"sc-{run.uid}"
        children = {child.start: self._render_call(child, run) for child in call.children}
        nested = [NestedCall(c.name, c.args, c.kwargs, c.markup, c.uid, children[c.start]) for c in call.children]
        literals = run.literals  # _splice keeps those inside the range it rebuilds
        inner = None
        if call.paired:
            text = self._splice(body, call.open_end, call.inner_end, call.children, literals, run,
                                for_markdown=False, rendered=children)
            md_source = self._splice(body, call.open_end, call.inner_end, call.children, literals, run,
                                     for_markdown=True, rendered=children)
            inner = Inner(_dedent_code(text) if call.name == "highlight" else text, md_source, run)
        context = self._call_context(call, run, uid, inner, nested)
        try:
            return Markup(template.render(context))
        except ShortcodeAbort as abort:
            run.report(call.start, "error", abort.code or f"shortcode-{call.name}", str(abort), abort.hint)
        except Exception as exc:  # a broken template must not stop the build; say where
            name = self.theme.display_path(template.filename)
            where = _template_line(exc, template.filename, name)
            run.report(call.start, "error", "shortcode-failed", f"shortcode '{call.name}' failed: {exc}{where}",
                       f"check {name} and the arguments of this call")
        return Markup("")

    def _call_context(self, call: shortcodes.Call, run: _PageRun, uid: str, inner: Inner | None,
                      nested: list[NestedCall]) -> dict[str, Any]:
        page, config = run.page, self.config

        def error(message: str, hint: str = "") -> None:
            raise ShortcodeAbort(message, hint)

        def warn(message: str, hint: str = "", code: str = "") -> str:
            run.report(call.start, "warning", code or f"shortcode-{call.name}", message, hint)
            return ""

        def resolve(ref: str) -> Page | None:
            run.depends_on.add("refs")
            try:
                target = self.resolver.resolve(ref, page)
            except RefError as err:
                run.report(call.start, "error", err.code, str(err), err.hint)
                return None
            if target.lenient:
                run.report(call.start, "warning", "ref-lenient", *lenient_message(ref, target))
            if target.fragment:
                line, col = run.position(call.start)
                run.fragment_refs.append(FragmentRef(page.source, line, col, ref, target.page.rel, target.fragment))
            return target.page

        def relref(ref: str) -> str:
            target = resolve(str(ref))
            fragment = str(ref).partition("#")[2]
            return (target.url if target else "") + (f"#{fragment}" if fragment and target else "")

        def ref(ref_: str) -> str:
            url = relref(ref_)
            return config.origin + url if url else ""

        def param(name: str) -> Any:
            value = lookup_param(page, config, str(name))
            if value is None:
                raise ShortcodeAbort(f"param '{name}' is not set on this page nor in site.toml [params]",
                                     f"add '{name}: ...' to the front matter or '{name} = ...' under [params] "
                                     "in site.toml", code="param-missing")
            return value

        def markdownify(text: Any) -> Markup:
            return Markup(run.markdown(str(text)))

        def highlight(code: Any, lang: str = "", options: Any = "") -> Markup:
            try:
                return Markup(highlight_code(str(code), str(lang or ""), options or ""))
            except ValueError as exc:
                raise ShortcodeAbort(f"highlight: {exc}", 'write options as "linenos=inline, hl_lines=3 6-8"')

        return {
            "name": call.name, "args": call.args, "kwargs": call.kwargs, "markup": call.markup,
            "notation": call.notation, "uid": uid, "inner": inner, "nested": nested,
            "get": lambda key, default=None: _get(call.args, call.kwargs, key, default),
            "page": _ShortcodePage(page, run),
            "site": _TrackedSite(self.config, self.site.home, run),
            "error": error, "warn": warn, "relref": relref, "ref": ref, "param": param,
            "markdownify": markdownify, "highlight": highlight,
        }

    def site_view(self) -> "SiteView":
        return SiteView(self.config, self.site.home)


@dataclass
class SiteView:
    """What templates see of the site."""

    config: SiteConfig
    nav: Page

    @property
    def title(self) -> str:
        return self.config.title

    @property
    def base_url(self) -> str:
        return self.config.base_url if self.config.base_url.endswith("/") else self.config.base_url + "/"

    @property
    def base_path(self) -> str:
        return self.config.base_path

    @property
    def params(self) -> dict[str, Any]:
        return self.config.params

    @property
    def version(self) -> str:
        return self.config.version

    @property
    def language(self) -> str:
        return self.config.language

    @property
    def versions(self) -> list[dict[str, Any]]:
        """The switcher's entries; `current` is the version these pages are built as."""
        return [{"label": v.label, "url": v.url, "latest": v.latest,
                 "current": v.label == self.config.version or _path_of(v.url) == self.config.base_path}
                for v in self.config.versions]

    @property
    def latest_version(self) -> dict[str, Any] | None:
        """The latest version when these pages are of another one (for the banner), else None."""
        versions = self.versions
        if any(v["latest"] and v["current"] for v in versions):
            return None
        return next((v for v in versions if v["latest"]), None)


class _TrackedSite(SiteView):
    """The site as a shortcode sees it: reading the page tree is recorded as a dependency."""

    def __init__(self, config: SiteConfig, nav: Page, run: _PageRun) -> None:
        super().__init__(config, nav)
        self._run = run

    def __getattribute__(self, name: str) -> Any:
        if name == "nav":
            object.__getattribute__(self, "_run").depends_on.add("nav")
        return object.__getattribute__(self, name)


class _ShortcodePage:
    """What a shortcode template sees of the page it is on."""

    def __init__(self, page: Page, run: _PageRun) -> None:
        self._page = page
        self._run = run

    @property
    def node(self) -> Page:
        self._run.depends_on.add("nav")  # the node leads to the whole tree
        return self._page

    title = property(lambda self: self._page.title)
    url = property(lambda self: self._page.url)
    kind = property(lambda self: self._page.kind)
    description = property(lambda self: self._page.description)
    params = property(lambda self: self._page.meta)


def _path_of(url: str) -> str:
    match = re.match(r"^[a-z][a-z0-9+.-]*://[^/]+(/.*)?$", url, re.I)
    return (match.group(1) or "/") if match else url


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
