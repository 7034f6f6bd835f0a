"""The pages of a Jekyll project (`jekyll = true`, set from `_config.yml`): their file names,
their Liquid, and their old URLs.

- Jekyll's Markdown extensions (its default `markdown_ext`: markdown, mkdown, mkdn, mkd,
  md) are all pages there, so they are here.
- Each page is a Liquid template, rendered before its shortcodes and Markdown
  (catalog/liquid.py); problems the later passes find in the Liquid output are located
  back in the page's source, line by line.
- URLs: a page keeps this tool's URL scheme (lower-cased, `/a/b/`), which the sidebar,
  refs, search and `catalog check` all share; a front matter `permalink:` is the page's
  URL as Jekyll serves it, and Jekyll's default URL of every other page (`/a/b.html` for
  `a/b.md` under `permalink: date`, Jekyll's default) is written as a redirect to it, so
  old links and bookmarks keep working.
"""
from __future__ import annotations

import dataclasses
import posixpath
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from .config import SiteConfig
    from .liquid import JekyllLiquid
    from .content import Page
    from .render import Body, BodyRenderer

# Jekyll's default markdown_ext, "markdown,mkdown,mkdn,mkd,md"
JEKYLL_MARKDOWN = (".md", ".markdown", ".mkdown", ".mkdn", ".mkd")


def markdown_suffix(name: str, jekyll: bool) -> str:
    """The Markdown extension `name` ends with ('' when it is no page's file)."""
    if name.endswith(".md"):
        return ".md"
    if jekyll:
        return next((suffix for suffix in JEKYLL_MARKDOWN if name.endswith(suffix)), "")
    return ""


def stem(rel: str) -> str:
    """A content path without its Markdown extension."""
    for suffix in JEKYLL_MARKDOWN:
        if rel.endswith(suffix):
            return rel[:-len(suffix)]
    return rel


def is_section_file(name: str) -> bool:
    """`index.markdown` is a folder's page as `index.md` is."""
    return stem(name) in ("_index", "index") and name not in ("_index.md", "index.md")


def permalink_url(page: Page, config: SiteConfig) -> str | None:
    """The URL a front matter `permalink:` gives the page, under the site's base path."""
    value = page.meta.get("permalink")
    if not config.jekyll or not isinstance(value, str) or not value.strip():
        return None
    url = posixpath.join(config.base_path, value.strip().lstrip("/"))
    if not url.endswith("/") and "." not in url.rsplit("/", 1)[-1]:
        url += "/"  # Jekyll writes /a/b as /a/b.html but serves it at /a/b; a folder here
    return url


def old_urls(page: Page, is_home: bool, config: SiteConfig) -> list[str]:
    """Jekyll's default URL of a page, when it is not the page's URL here: the redirects
    that keep the old links working."""
    if not config.jekyll or is_home or not page.rel or isinstance(page.meta.get("permalink"), str):
        return []
    style = config.jekyll_permalink.strip()
    if style == "pretty" or style.endswith("/"):  # pages are served at /a/b/ there too
        return []
    base = config.base_path
    if page.is_section:  # a folder's index: /a/ in both schemes
        return []
    url = base + stem(page.rel) + ".html"
    return [] if url == page.url else [url]


def render_jekyll_page(renderer: BodyRenderer, page: Page, render_body: Callable[[Page], Body]) -> Body:
    """A page's Liquid, then its body, then its kramdown table of contents; every problem
    located in the page's source."""
    from .kramdown_toc import TOC_MARKER, mark_toc, table_of_contents
    from .liquid import JekyllLiquid, line_map
    text, found, depends_on = page.body, [], frozenset()
    if JekyllLiquid.needed(page.body):
        rendered = _liquid(renderer).render(page)
        text, found, depends_on = rendered.text, rendered.diagnostics, frozenset(rendered.depends_on)
    text = mark_toc(text)
    if text is page.body:
        return render_body(page)
    body = render_body(dataclasses.replace(page, body=text))
    if TOC_MARKER in body.html:
        body.html = table_of_contents(body.html)
    lines = line_map(page.body, text)

    def source_line(line: int) -> int:
        index = line - page.body_line
        return page.body_line + lines[index] if 0 <= index < len(lines) else line

    moved = [dataclasses.replace(d, line=source_line(d.line)) if d.path == page.source else d
             for d in body.diagnostics]
    body.diagnostics = found + moved
    body.fragment_refs = [dataclasses.replace(ref, line=source_line(ref.line)) for ref in body.fragment_refs]
    body.depends_on = body.depends_on | depends_on
    return body


def _liquid(renderer: BodyRenderer) -> "JekyllLiquid":
    """The build's Liquid renderer, made at the first page that needs it."""
    from .liquid import JekyllLiquid
    liquid: JekyllLiquid | None = getattr(renderer, "_jekyll_liquid", None)
    if liquid is None:
        theme = renderer.theme

        def markdownify(text: str) -> str:
            return renderer.md.render(text, kramdown=True)

        liquid = JekyllLiquid(theme.project, renderer.site, renderer.config, theme.shortcode_names(), markdownify)
        renderer._jekyll_liquid = liquid  # type: ignore[attr-defined]
    return liquid
