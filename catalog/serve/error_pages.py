"""The preview's own HTML pages: the build errors shown while there is no good build yet,
and the 404 page of a site that has none. No inline script or style, like the site."""
from __future__ import annotations

from html import escape
from typing import Sequence

from ..diagnostics import Diagnostic
from .livereload import STYLE_URL, diagnostic_json


def error_page(diagnostics: Sequence[Diagnostic]) -> bytes:
    """Every diagnostic of the failed build; the injected script keeps it up to date."""
    items = []
    for diagnostic in diagnostics:
        d = diagnostic_json(diagnostic)
        hint = f'\n<p class="catalog-hint">hint: {escape(d["hint"])}</p>' if d["hint"] else ""
        items.append(f'<li class="catalog-diagnostic is-{escape(d["severity"])}"><code class="catalog-location">'
                     f'{escape(d["location"])}</code> <span class="catalog-severity">{escape(d["severity"])}</span> '
                     f'<span class="catalog-message">{escape(d["message"])}</span> '
                     f'<span class="catalog-code">[{escape(d["code"])}]</span>{hint}</li>')
    body = (f'<section id="catalog-build-errors" class="is-page" role="alert">\n'
            f"<h1>The build failed</h1>\n<p>There is no good build to show yet. Fix the problems below; "
            f"this page reloads when the site builds.</p>\n<ul>\n" + "\n".join(items) + "\n</ul>\n</section>")
    return _page("Build failed", body)


def not_found_page(path: str) -> bytes:
    return _page("Not found", f"<h1>Not found</h1>\n<p>The site has no page at <code>{escape(path)}</code>.</p>")


def _page(title: str, body: str) -> bytes:
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>{escape(title)}</title>\n'
            f'<link rel="stylesheet" href="{STYLE_URL}">\n</head>\n<body class="catalog-preview-page">\n{body}\n'
            f"</body>\n</html>\n").encode("utf-8")
