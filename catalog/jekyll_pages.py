"""Rendering a Jekyll project's page (`jekyll = true`): its Liquid first (catalog/liquid.py),
then its shortcodes and Markdown as any page's (an `.html` page's no Markdown: render.py), then kramdown's `{:toc}`
(catalog/kramdown_toc.py). Problems the later passes find in the Liquid output are
located back in the page's source, line by line. File names and URLs: jekyll_urls.py.
"""
from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from .liquid import JekyllLiquid

# the renderer (catalog.render.BodyRenderer), its pages and bodies are duck-typed here:
# render.py imports this module
Page = Body = BodyRenderer = Any


def render_jekyll_page(renderer: BodyRenderer, page: Page, render_body: Callable[[Page], Body]) -> Body:
    """A page's Liquid, then its body, then its kramdown table of contents; every problem
    located in the page's source."""
    from .kramdown_toc import TOC_MARKER, mark_toc, table_of_contents
    from .jekyll_urls import is_html_page
    from .liquid import JekyllLiquid, line_map
    text, found, depends_on = page.body, [], frozenset()
    if JekyllLiquid.needed(page.body):
        rendered = _liquid(renderer).render(page)
        text, found, depends_on = rendered.text, rendered.diagnostics, frozenset(rendered.depends_on)
    if not is_html_page(page.rel):  # an HTML page is no Markdown: no {:toc} either
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
