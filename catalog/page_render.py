"""One page whole: its body rendered, then its HTML (page.html around the body, with the
sidebar, breadcrumbs and previous/next links), in this process or in a worker process
that is sent what it needs (see parallel.Workers)."""
from __future__ import annotations

import copyreg
import dataclasses
import io
import pickle
import re
import zlib
from pathlib import Path
from typing import Any, NamedTuple

from markupsafe import Markup

from .assets import Assets
from .body import Body
from .config import SiteConfig
from .content import Page, Site
from .jekyll_urls import without_layout
from .markdown_memo import MarkdownMemo, Render
from .nav import Sidebar
from .refs import RefResolver
from .render import BodyRenderer
from .search_terms import text_terms
from .template_views import PageView, SiteView
from .theme import Theme


class PageTask(NamedTuple):
    """One page to render: `source` (its Markdown) when its body is to be rendered, else
    `body`, the body the cache had; `html` when its HTML is to be rendered too."""

    index: int  # in site.pages
    source: str | None
    body: Body | None
    html: bool


class RenderedPage(NamedTuple):
    """A page rendered by a PageRenderer."""

    body: Body | None  # None when the task brought it
    html: str  # "" when not asked for, or when rendering it failed
    error: str
    markdown: tuple[tuple[bytes, Render], ...] = ()  # the Markdown renders made for it (markdown_memo.py)


class PageRenderer:
    """Renders a page's body and its HTML, here or in a worker process (parallel.Workers).

    A worker is sent it pickled: the configuration, the asset names and the site model
    without the pages' Markdown (each task brings its own page's), from which it makes its
    own theme, body renderer and sidebar. So a worker holds what every page needs plus
    one page, and reads nothing of this process's own objects (which would copy them)."""

    def __init__(self, config: SiteConfig, theme: Theme, site: Site, resolver: RefResolver, assets: Assets,
                 keep_html: bool, pack: bool = False, markdown: MarkdownMemo | None = None) -> None:
        self.config, self.theme, self.site, self.assets = config, theme, site, assets
        self.keep_html = keep_html  # a body keeps its HTML (the render cache stores it whole)
        self.pack = pack  # ... compressed: the render cache on disk
        self.markdown = markdown  # the Markdown renders of earlier builds (a build with a render cache)
        self.renderer = BodyRenderer(site, config, theme, resolver, markdown)
        self.site_view = self.renderer.site_view()
        theme.add_globals(asset=assets.url, sidebar=Sidebar(theme, site.home).render)
        self.reading = reading_order(site)
        self.position = {id(p): i for i, p in enumerate(self.reading)}

    def __call__(self, task: PageTask) -> RenderedPage:
        page, body = self.site.pages[task.index], task.body
        fresh = body is None
        if body is None:
            markdown, page.body = page.body, task.source or ""  # a worker's pages come without it
            try:
                body, used, made = self.renderer.render_noting_markdown(page)
            finally:
                page.body = markdown
        html, error = render_page(page, body, self.position.get(id(page)), self.reading, self.config, self.theme,
                                  self.site_view) if task.html else ("", "")
        if not fresh:
            return RenderedPage(None, html, error)
        # the search index's share of the body's text, made here in parallel, not by the build's serial end
        body = dataclasses.replace(body, text="", terms=text_terms(body.text, collapsed=True), markdown_keys=used)
        if self.keep_html and self.pack:
            # a cached body's HTML is read again only when its page is made again (a template
            # changed); compressed it is a third of its size (20,000 pages: 106 -> 30 MB),
            # in the build that renders it and in every build that loads the cache. Level 1:
            # two thirds of the default level's time (5,000 pages: 0.24 s against 0.36 s of
            # the workers' CPU, which a cold build does not spend) for 10% more bytes
            return RenderedPage(dataclasses.replace(body, html="", packed=zlib.compress(body.html.encode("utf-8"), 1),
                                                    element_ids=tuple(sorted(element_ids(body.html)))),
                                html, error, made)
        if self.keep_html:
            return RenderedPage(body, html, error, made)
        # nothing reads a body's HTML once its page is made, nor its headings
        return RenderedPage(dataclasses.replace(body, html="", headings=[],
                                                element_ids=tuple(sorted(element_ids(body.html)))), html, error, made)

    def __reduce__(self) -> tuple[Any, ...]:
        return _page_renderer, (self.theme.project, self.config, _as_rendered(self.site), self.assets.base_path,
                                self.assets.fingerprint, self.assets.names, self.theme.env.bytecode_cache,
                                self.keep_html, self.pack, self.markdown)


def _page_renderer(project: Path, config: SiteConfig, site: bytes, base_path: str, fingerprint: bool,
                   asset_names: dict[str, str], templates: Any, keep_html: bool, pack: bool,
                   markdown: MarkdownMemo | None) -> PageRenderer:
    """A PageRenderer again, in a worker (see PageRenderer.__reduce__)."""
    theme = Theme(project, config)
    theme.env.bytecode_cache = templates
    model: Site = pickle.loads(site)
    return PageRenderer(config, theme, model, RefResolver(model), Assets(base_path, fingerprint, names=asset_names),
                        keep_html, pack, markdown)


class _RenderedSitePickler(pickle.Pickler):
    def reducer_override(self, obj: Any) -> Any:
        if type(obj) is Page:  # what rendering reads of a page: not its Markdown, lines or digests
            return copyreg.__newobj__, (Page,), {**obj.__dict__, "body": "", "key_lines": {}, "digest": "",
                                                 "meta_digest": ""}
        return NotImplemented


def _as_rendered(site: Site) -> bytes:
    """`site` pickled with what rendering reads (20,000 pages: 8 MB instead of 70)."""
    buffer = io.BytesIO()
    _RenderedSitePickler(buffer, pickle.HIGHEST_PROTOCOL).dump(site)
    return buffer.getvalue()


def render_page(page: Page, body: Body, at: int | None, reading: list[Page], config: SiteConfig, theme: Theme,
                site_view: SiteView) -> tuple[str, str]:
    """(html, "") or ("", the error) for one page; `at` is its place in `reading` (None: hidden)."""
    if without_layout(page, config):  # a Jekyll page written as its content alone (jekyll_urls.py)
        return body.full_html(), ""
    view = PageView(
        node=page, content=Markup(body.full_html()), toc=body.headings, breadcrumbs=page.ancestors(),
        prev=reading[at - 1] if at else None,
        next=reading[at + 1] if at is not None and at + 1 < len(reading) else None,
        edit_url=config.edit_url.replace("{path}", page.source).replace("{file}", page.rel)
        if config.edit_url and page.rel else "",
        permalink=config.origin + page.url,
        ancestor_urls={p.url for p in page.ancestors()} | {page.url},
    )
    try:
        if theme.page_writer is not None:
            return theme.page_writer(view, site_view, theme.globals()), ""
        return theme.render("page.html", {"page": view, "site": site_view}), ""
    except Exception as exc:  # a theme bug is reported against the page, and the build goes on
        return "", f"rendering page.html failed: {exc}"


def reading_order(site: Site) -> list[Page]:
    """The pages previous/next links walk through: every page not hidden, itself or above."""
    return [p for p in site.pages if not hidden(p)]


def hidden(page: Page) -> bool:
    return page.hidden or any(p.hidden for p in page.ancestors())


# `id="` first: a pattern that starts with a literal is searched for by that literal (a third of
# the time of trying `\s` at every character); the white space before it is checked here
_ID_VALUE = re.compile(r'id="([^"]+)"')


def element_ids(html: str) -> frozenset[str]:
    """The id="..." of every element of a body's HTML, after white space: what a ref's
    #fragment may name. The matches of `\\sid="([^"]+)"`: a candidate without white space
    before it (`data-id="..."`) is passed over by one character, not by its length, so that
    an id inside it (`x-id=" id="a"`) is still found, as that pattern finds it."""
    found: list[str] = []
    search = _ID_VALUE.search
    match = search(html)
    while match is not None:
        start = match.start()
        if start and html[start - 1].isspace():  # str.isspace is re's \s (both Py_UNICODE_ISSPACE)
            found.append(match.group(1))
            match = search(html, match.end())
        else:
            match = search(html, start + 1)
    return frozenset(found)
