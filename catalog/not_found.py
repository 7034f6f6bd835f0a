"""The not-found page (404.html at the site's root, which Netlify, GitHub Pages and
`catalog serve` show for any missing path): the project's own when it has one, else the
theme's.

A project's own is a content page at `/404.html`: one whose `permalink:` or `url:` says so
(a stock `jekyll new` site's `404.html`), or a root `404.md` (`404.markdown`, a Jekyll
project's `404.html`) without a URL of its own, which goes there rather than to `/404/`:
Jekyll writes such a file at `/404.html` by default, and the point of a Hugo content
`404.md` is the not-found page too. It is kept out of the sidebar, search, sitemap and
previous/next links (hidden), as the theme's is. A Hugo project's own `layouts/404.html` is a
Go template this tool cannot run: the theme's page stands in for it, with a warning.

Pages are read duck-typed (`rel`, `meta`, `url`, `hidden`): page_tree.py imports this.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

from .config import SiteConfig
from .diagnostics import Report

NOT_FOUND = "404.html"  # the output file
_NAMES = ("404.md", "404.markdown", "404.mkdown", "404.mkdn", "404.mkd", "404.html", "404.htm")


def not_found_url(page: Any, config: SiteConfig) -> str | None:
    """`/404.html` (under the base path) for a root 404 page without a URL of its own."""
    if page.rel not in _NAMES or (page.rel.endswith((".html", ".htm")) and not config.jekyll):
        return None
    if any(isinstance(page.meta.get(key), str) for key in ("permalink", "url", "slug")):
        return None  # its own URL (which may well be /404.html too)
    return config.base_path + NOT_FOUND


def own_not_found_page(pages: Iterable[Any], config: SiteConfig) -> Any | None:
    """The content page written as the site's 404.html, if any."""
    url = config.base_path + NOT_FOUND
    return next((page for page in pages if page.url == url), None)


def report_go_not_found(project: Path, config: SiteConfig, report: Report) -> None:
    """Warn that a Hugo project's Go 404 template is not what the theme's 404 page shows
    (unless the project has a Jinja2 404.html of its own, which the theme's gives way to)."""
    if (project / config.layouts_dir / NOT_FOUND).is_file():
        return
    # the site's own layouts/ only: its Hugo theme's 404 is part of the theme catalog's own
    # replaces as a whole, like every other template of it (DocDock's would warn on every build)
    for folder in config.hugo_layouts[:1]:
        rel = f"{folder}/{NOT_FOUND}"
        if (project / rel).is_file():
            # Hugo builds with it; without it the page is still well defined (the theme's): a warning
            report.warning(rel, 1, 1, "not-found-go-only",
                           f"{rel} is a Hugo Go template, which catalog does not run: "
                           f"the site's {NOT_FOUND} is the theme's not-found page",
                           "write the page as content/404.md (it becomes 404.html, in the theme's layout), "
                           f"or a Jinja2 template {config.layouts_dir}/{NOT_FOUND}")
            return
