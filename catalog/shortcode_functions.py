"""What a shortcode template is rendered with (ShortcodeContext, a part of render.BodyRenderer):
the call, the views of its page and site (template_views.py), and the functions it can call.
The core ones report at the call: error and warn, relref and ref, param, markdownify,
highlight. Beyond them (template_functions): the files a page shows besides its own
Markdown (its attachments, another page's source or summary, a file of the site), Hugo's
regular-expression helpers, and `go_print`, a value written as Hugo's `{{ . }}` writes it
(catalog.goprint).

Each function that reads files records what it read in the page's `depends_on`, so the
render cache renders the body again when they change: "files" (every page's source and
every attachment, see page_files.files_fact) or "file:PATH" (one project file, see cache.Facts).
A problem is raised as the caller's `abort` exception, which the renderer reports at
the call with its file and line.
"""
from __future__ import annotations

import posixpath
import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from markupsafe import Markup

from . import shortcodes
from .body import FragmentRef
from .config import SiteConfig
from .content import Page, Site
from .diagnostics import LocatedError
from .goprint import go_print
from .highlight import highlight as highlight_code
from .page_files import (FILE_FACT, attachment_folder, attachments_of, page_body, read_site_file, summary_text,
                         without_shortcodes)
from .refs import RefResolver, lenient_message
from .template_views import Inner, NestedCall, PageRun, _get, _ShortcodePage, _TrackedSite
from .theme import Theme

if TYPE_CHECKING:  # the renderer imports it when a body is first rendered (see render.BodyRenderer.md)
    from .markdown import Markdown


def template_functions(page: Page, project: Path, config: SiteConfig, resolve: Callable[[str], Page | None],
                       render_markdown: Callable[[str], str], depends_on: set[str],
                       abort: Callable[..., Exception]) -> dict[str, Callable[..., Any]]:
    """The functions for one shortcode call on `page`; `resolve` finds a page like a ref
    (reporting a missing one), `abort(message, hint, code=...)` makes the error to raise."""
    # each call gets these functions and most use none: the content folder's path (~3 us
    # to join) is made when one asks for it
    def content_root() -> Path:
        return project / config.content_dir

    def attachments(pattern: str = "") -> dict[str, Any]:
        """The page's attachments folder (content-relative), whether it exists, and its files."""
        depends_on.add("files")
        root = content_root()
        folder = attachment_folder(page, root) or ""
        try:
            files = attachments_of(page, root, config.base_path, str(pattern or ""))
        except re.error as exc:
            raise abort(f"pattern '{pattern}' is not a regular expression: {exc}",
                        'to match names ending in pdf write pattern=".*pdf"')
        return {"folder": f"{config.content_dir}/{folder}", "exists": (root / folder).is_dir(),
                "files": files}

    def source_of(ref: str) -> str | None:
        """Another page's Markdown, found like a ref (a missing page is reported there)."""
        target = resolve(str(ref).partition("#")[0])
        if target is None:
            return None
        depends_on.add("files")
        return page_body(target, content_root())

    def summary(node: Any) -> str:
        """A page's description, else Hugo's automatic summary of its content (children)."""
        target = getattr(node, "_page", node)
        if not isinstance(target, Page) or not target.rel:
            return ""
        if target.description:
            return target.description
        depends_on.add("files")
        return _summary(without_shortcodes(page_body(target, content_root())), render_markdown)

    def read_file(path: str) -> str:
        """A file of the site by its path relative to the site's folder (Hugo's readFile)."""
        # the file's own digest is the fact: the body is rendered again when that file changes
        depends_on.add(FILE_FACT + posixpath.normpath(str(path).lstrip("/")))
        try:
            return read_site_file(project, str(path))
        except (ValueError, OSError) as exc:
            raise abort(str(exc), "the path is relative to the site's folder, e.g. snippets/install.md",
                        code="include-missing")

    def find_re(pattern: str, text: Any, limit: int = -1) -> list[str]:
        """Hugo's findRE: the matches of `pattern` in `text`, at most `limit` (-1: all)."""
        try:
            found = [match.group(0) for match in re.finditer(str(pattern), str(text))]
        except re.error as exc:
            raise abort(f"findRE: '{pattern}' is not a regular expression: {exc}")
        return found if limit < 0 else found[:limit]

    def replace_re(pattern: str, replacement: str, text: Any) -> str:
        """Hugo's replaceRE; `$1` in the replacement names a group, as in Go."""
        try:
            return re.sub(str(pattern), re.sub(r"\$(\d+)", r"\\\1", str(replacement)), str(text))
        except re.error as exc:
            raise abort(f"replaceRE: '{pattern}' is not a regular expression: {exc}")

    return {"attachments": attachments, "source_of": source_of, "summary": summary, "read_file": read_file,
            "find_re": find_re, "replace_re": replace_re, "go_print": go_print}


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


class ShortcodeContext:
    """BodyRenderer's part that makes what a shortcode template is rendered with: the call,
    the views of its page and site, and the functions it can call (error, warn, relref, ref,
    param, markdownify, highlight, and template_functions' ones)."""

    site: Site
    config: SiteConfig
    theme: Theme
    resolver: RefResolver
    has_catalog: bool
    if TYPE_CHECKING:
        @property
        def md(self) -> Markdown: ...  # BodyRenderer's, made when first read

    def _call_context(self, call: shortcodes.Call, run: PageRun, uid: str, inner: Inner | None,
                      nested: list[NestedCall]) -> dict[str, Any]:
        """What `call`'s template is rendered with, the globals included (Theme.render_with).
        The functions and views are the page run's, made at its first call: they report at
        `here.call`, the call being rendered (one at a time: a call's children are rendered
        before it, and nothing a template calls renders a shortcode)."""
        return {**self._call_functions(call, run), "name": call.name, "args": call.args, "kwargs": call.kwargs, "markup": call.markup,
                "notation": call.notation, "uid": uid, "inner": inner, "nested": nested,
                "get": lambda key, default=None: _get(call.args, call.kwargs, key, default)}

    def _call_functions(self, call: shortcodes.Call, run: PageRun) -> dict[str, Any]:
        """The page run's functions and views (and the globals), reporting at `call` from now on."""
        here = run.shortcode_functions
        if here is None:
            here = run.shortcode_functions = self._page_functions(run)
        here.call = call
        return here.context

    def _page_functions(self, run: PageRun) -> _PageFunctions:
        page, config = run.page, self.config
        here = _PageFunctions()

        def abort(message: str, hint: str = "", code: str = "") -> LocatedError:
            # a shortcode's own problem is coded by its name unless the function gives one
            return LocatedError(code or f"shortcode-{here.call.name}", message, hint)

        def error(message: str, hint: str = "") -> None:
            raise abort(message, hint)

        def warn(message: str, hint: str = "", code: str = "") -> str:
            run.report(here.call.start, "warning", code or f"shortcode-{here.call.name}", message, hint)
            return ""

        def resolve(ref: str) -> Page | None:
            run.depends_on.add("refs")
            try:
                target = self.resolver.resolve(ref, page)
            except LocatedError as err:
                run.report(here.call.start, err.severity, err.code, err.message, err.hint)
                return None
            if target.lenient:
                run.report(here.call.start, "warning", "ref-lenient", *lenient_message(ref, target))
            if target.fragment:
                line, col = run.position(here.call.start)
                run.fragment_refs.append(FragmentRef(page.source, line, col, ref, target.page.rel, target.fragment))
            return target.page

        def relref(ref: str) -> str:
            target = resolve(str(ref))
            if target is not None and not target.url:  # headless or `render: never`: Hugo links it as "" too
                run.report(here.call.start, "warning", "ref-not-rendered", f"'{ref}' names {target.source}, a page "
                           "that is not rendered (headless, or _build render: never); the link is empty, as in Hugo",
                           "link to a page that is rendered, or read this one with excerpt-include")
            fragment = str(ref).partition("#")[2]
            return (target.url if target else "") + (f"#{fragment}" if fragment and target else "")

        def ref(ref_: str) -> str:
            url = relref(ref_)
            return config.origin + url if url else ""

        def param(name: str) -> Any:
            value = lookup_param(page, config, str(name))
            if value is None:
                where = config.source or "site.toml"  # a Hugo or Jekyll project's own configuration
                raise LocatedError("param-missing", f"param '{name}' is not set on this page nor in {where} [params]",
                                   f"add '{name}: ...' to the front matter or '{name} = ...' under [params] "
                                   f"in {where}")
            return value

        def markdownify(text: Any) -> Markup:
            return Markup(run.expand_html(run.markdown(str(text))))

        def highlight(code: Any, lang: str = "", options: Any = "") -> Markup:
            try:
                return Markup(highlight_code(str(code), str(lang or ""), options or ""))
            except ValueError as exc:
                raise abort(f"highlight: {exc}", 'write options as "linenos=inline, hl_lines=3 6-8"')

        here.context = {
            **self.theme.globals(),
            **template_functions(page, self.theme.project, config, resolve, self.md.render, run.depends_on,
                                 abort),
            "page": _ShortcodePage(page, run),
            "site": _TrackedSite(self.config, self.site.home, self.has_catalog, run),
            "error": error, "warn": warn, "relref": relref, "ref": ref, "param": param,
            "markdownify": markdownify, "highlight": highlight,
        }
        return here


class _PageFunctions:
    """The part of a shortcode's context that is the same for every call of one page run,
    and the call being rendered, at which its functions report."""

    __slots__ = ("call", "context")

    def __init__(self) -> None:
        self.call: shortcodes.Call = shortcodes.Call("", "<", "", [], {}, 0, 0)
        self.context: dict[str, Any] = {}


@lru_cache(maxsize=512)
def _summary(markdown: str, render_markdown: Callable[[str], str]) -> str:
    """The summary of a page's Markdown: a listing (DocDock's `children`) shows each child's,
    and a child listed by several pages (its section's and the home page's, with depth) was
    rendered whole each time for its first 70 words. Keyed by the text and the renderer
    (one a build), so an edited page is summarised again."""
    return summary_text(render_markdown(markdown))
