"""The packaged theme's page.html (with base.html and partials/search.html) written in
Python, used while a site renders its pages with exactly those templates.

Every page of a site goes through page.html; in Jinja that costs ~0.2 ms a page (each
`{{ }}` an escape and a Markup, each attribute a lookup through the environment), a
seventh of a page's rendering. This function writes the same bytes from the same views
(PageView, SiteView) and the same template globals (`asset`, `sidebar`) in less than half
the time, the sidebar included (5,000 pages: 211 -> 94 us a page). It stands in only while
the three templates the theme resolves have exactly the bytes it was written from (their
sha256 in native_templates.py), as native_shortcodes.py does for shortcodes: a project
that copies page.html or base.html to change it, a theme of its own, or the packaged
theme edited in place (an editable install) gets its templates, rendered by Jinja.
tests/test_native_page.py renders the pages of several sites both ways and compares them;
an edit of any of the three templates in the repository needs the same edit here and its
new digest (that test fails until both are made).
"""
from __future__ import annotations

from typing import Any, Callable

from markupsafe import escape

from .native_templates import WrittenFrom

TEMPLATES = ("page.html", "base.html", "partials/search.html")

PageWriter = Callable[[Any, Any, dict[str, Any]], str]  # (PageView, SiteView, the template globals) -> HTML


def native_page(template_file: Callable[[str], str | None]) -> PageWriter | None:
    """`write_page` when every template of TEMPLATES in effect (`template_file(name)`: its file)
    is the one it was written from (native_templates.py); else None."""
    return write_page if all(map(WrittenFrom(template_file), TEMPLATES)) else None


def _field(entry: Any, name: str) -> Any:
    """`entry.name` in a template: a dict's item (Jinja's getattr falls back to it), "" when missing."""
    if isinstance(entry, dict):
        return entry.get(name, "")
    return getattr(entry, name, "")


def _esc(value: Any) -> str:
    """`{{ value }}` under autoescape: markupsafe's escape, without making a Markup of every
    plain string (the same five replacements, a fifth of the time; tests/test_native_page.py)."""
    if type(value) is str:
        return value.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;").replace(
            "'", "&#39;").replace('"', "&#34;")
    return str(escape(value))


class _Frame:
    """What base.html writes the same way on every page of a site: made once per site view."""

    def __init__(self, site: Any, asset: Callable[[str], str]) -> None:
        self.site, self.asset = site, asset
        self.title = _esc(site.title)
        self.base_path = site.base_path
        self.plugins_url = site.plugins_url
        self.version = site.version
        self.versions = site.versions
        self.latest = site.latest_version
        self.nav = site.nav
        self.head = (f'<!DOCTYPE html>\n<html lang="{_esc(site.language or "en")}">\n<head>\n<meta charset="utf-8">\n'
                     '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
                     '<meta name="color-scheme" content="light dark">\n<title>')
        self.assets = (f'</title><script src="{_esc(asset("js/color-scheme.js"))}"></script>\n'
                       f'<link rel="stylesheet" href="{_esc(asset("css/theme.css"))}">\n'
                       f'<link rel="stylesheet" href="{_esc(asset("css/pygments.css"))}">\n'
                       f'<link rel="stylesheet" href="{_esc(asset("css/icons.css"))}">\n'
                       f'<script src="{_esc(asset("js/theme.js"))}" defer></script>\n')
        base = _esc(self.base_path)
        self.header = ('</head>\n<body>\n<a class="skip-link" href="#main">Skip to content</a>\n'
                       '<header class="site-header">\n<a class="menu-toggle" href="#sidebar" role="button" '
                       'aria-controls="sidebar" aria-expanded="false"><span class="menu-icon" aria-hidden="true">'
                       '</span><span class="menu-label">Menu</span></a>\n'
                       f'<a class="site-title" href="{base}">{self.title}</a>')
        self.version_label = _esc(self.version)
        self.switcher = ('<details class="version-switcher">\n<summary title="Documentation version"><span '
                         f'class="version-label">{_esc(self.version or "Versions")}</span></summary>\n<ul>\n')
        self.docs_link = f'<li><a href="{base}"'
        self.plugins_link = f'<li><a href="{_esc(self.plugins_url)}"'
        menus = site.menus
        self.main = [(_field(entry, "url"), f'<li class="menu-main-entry">{_esc(_field(entry, "pre"))}<a href="'
                      f'{_esc(_field(entry, "url"))}"' + (f' title="{_esc(title)}"' if (title := _field(entry, "title"))
                                                         else ""),
                      f'>{_esc(_field(entry, "name"))}</a>{_esc(_field(entry, "post"))}</li>\n')
                     for entry in menus.get("main", [])]
        self.search = (
            '</ul>\n</div>\n<button type="button" class="theme-toggle" aria-pressed="false" data-theme-toggle hidden>'
            '<span class="theme-toggle-icon" aria-hidden="true"></span><span class="theme-toggle-label">Dark theme'
            '</span></button>\n'
            # partials/search.html
            f'<form class="site-search" role="search" aria-label="Site" data-search '
            f'data-index="{_esc(asset("search-index.json"))}" data-base-path="{base}" data-root="{base}" hidden>\n'
            '<label class="site-search-label" for="site-search-input">Search</label>\n'
            '<input id="site-search-input" class="site-search-input" type="search" placeholder="Search" '
            'autocomplete="off" autocapitalize="off" spellcheck="false" enterkeyhint="go" role="combobox" '
            'aria-autocomplete="list" aria-expanded="false" aria-controls="site-search-results" '
            'aria-describedby="site-search-hint">\n'
            '<kbd class="site-search-key" aria-hidden="true">/</kbd>\n'
            '<span id="site-search-hint" class="site-search-hint">Type to search the docs'
            f'{" and plugins" if self.plugins_url else ""}; up and down arrows choose a result, Enter opens it, '
            'Escape closes the list.</span>\n'
            '<div class="site-search-panel" hidden><ul id="site-search-results" class="site-search-results" '
            'role="listbox" aria-label="Search results" tabindex="-1"></ul>\n'
            '<p class="site-search-message"></p>\n</div>\n<p class="site-search-status" role="status"></p>\n</form>\n'
            f'<script src="{_esc(asset("js/search.js"))}" defer></script></header>\n'
            '<div class="layout">\n'
            # block sidebar
            '<nav id="sidebar" class="sidebar" aria-label="Site navigation">\n'
            '<a class="sidebar-close" href="#" role="button" aria-controls="sidebar">Close menu</a>\n')
        nav = self.nav
        if nav:
            self.nav_link = f'<a href="{_esc(nav.url)}"'
            self.nav_title = f">{_esc(nav.linktitle or nav.title)}</a>\n</li>\n</ul>\n<ul class=\"nav-tree\">\n"
        shortcuts = menus.get("shortcuts")
        self.shortcuts = "" if not shortcuts else (
            '<section class="menu-shortcuts" aria-label="Shortcuts">\n<ul>\n'
            + "".join(f'<li>{_esc(_field(entry, "pre"))}<a href="{_esc(_field(entry, "url"))}"'
                      + (f' title="{_esc(title)}"' if (title := _field(entry, "title")) else "")
                      + f'>{_esc(_field(entry, "name"))}</a>{_esc(_field(entry, "post"))}</li>\n'
                      for entry in shortcuts)
            + "</ul>\n</section>\n")
        self.footer = ('</footer>\n</article>\n</main>\n</div>\n'
                       f'<footer class="site-footer">\n<p>{self.title}'
                       + (f" · {_esc(self.version)}" if self.version else "")
                       + "</p>\n</footer>\n</body>\n</html>")


# the last site view's frame: a build (or a preview rebuild) renders all its pages with one
# SiteView, and a new build makes a new one, so a changed configuration or home page is a new frame
_frames: list[_Frame] = []


def _frame(site: Any, asset: Callable[[str], str]) -> _Frame:
    if _frames and _frames[0].site is site and _frames[0].asset is asset:
        return _frames[0]
    _frames[:] = [_Frame(site, asset)]
    return _frames[0]


def write_page(page: Any, site: Any, functions: dict[str, Any]) -> str:
    frame = _frame(site, functions["asset"])
    out: list[str] = []
    add = out.append
    # page.html's header
    params = page.params or {}
    toc_top = page.toc_top
    toc = page.toc_entries
    show_toc = toc and params.get("toc") is not False and not params.get("disableToc")
    # base.html's
    current_url = page.url or ""
    plugins_url = frame.plugins_url
    in_plugins = plugins_url != "" and current_url.startswith(plugins_url)
    base_path = frame.base_path
    in_docs = current_url.startswith(base_path) and not in_plugins
    title, kind = _esc(page.title), page.kind
    add(frame.head)
    # block title
    add(frame.title if kind == "home" and page.title == frame.site.title else f"{title} · {frame.title}")
    add(frame.assets)
    # block head
    description = page.description
    canonical = _esc(params.get("canonical") or page.permalink)
    if description:
        description = _esc(description)
        add(f'<meta name="description" content="{description}">\n')
    add(f'<link rel="canonical" href="{canonical}">\n'
        f'<meta property="og:type" content="{"website" if kind == "home" else "article"}">\n'
        f'<meta property="og:site_name" content="{frame.title}">\n'
        f'<meta property="og:title" content="{title}">\n')
    if description:
        add(f'<meta property="og:description" content="{description}">\n')
    add(f'<meta property="og:url" content="{canonical}">\n')
    prev, next_ = page.prev, page.next
    if prev:
        add(f'<link rel="prev" href="{_esc(prev.url)}">\n')
    if next_:
        add(f'<link rel="next" href="{_esc(next_.url)}">\n')
    add(frame.header)
    page_path = _esc(current_url[len(base_path):] if current_url.startswith(base_path) else "")
    if frame.versions:
        add(frame.switcher)
        for version in frame.versions:
            current = ' aria-current="true"' if version["current"] else ""
            latest = " (latest)" if version["latest"] else ""
            add(f'<li><a href="{_esc(version["url"])}{page_path}"{current}>{_esc(version["label"])}{latest}</a></li>\n')
        add("</ul>\n</details>\n")
    elif frame.version:
        add(f'<span class="version-label" title="Documentation version">{frame.version_label}</span>\n')
    add('<div class="site-nav" role="navigation" aria-label="Primary">\n<ul>\n')
    add(frame.docs_link)
    if in_docs:
        add(f' aria-current="{"page" if current_url == base_path else "true"}"')
    add(">Docs</a></li>\n")
    if plugins_url:
        add(frame.plugins_link)
        if in_plugins:
            add(f' aria-current="{"page" if current_url == plugins_url else "true"}"')
        add(">Plugins</a></li>\n")
    for url, opening, closing in frame.main:
        add(opening + (' aria-current="page"' if url == current_url else "") + closing)
    add(frame.search)
    nav = frame.nav
    if nav:
        here = nav.url == current_url
        add('<ul class="nav-tree nav-root">\n<li class="nav-item nav-home' + (' is-current">\n' if here else '">\n')
            + frame.nav_link + (' aria-current="page"' if here else "") + frame.nav_title
            + _esc(functions["sidebar"](page.node)) + "</ul>\n")
    add(frame.shortcuts)
    add('</nav>\n<main id="main" class="main" tabindex="-1">\n')
    latest = frame.latest
    if latest:
        add(f'<p class="version-banner" role="note">You are reading the documentation of version '
            f'{frame.version_label}. <a href="{_esc(latest["url"])}{page_path}">See this page in the '
            f'latest version, {_esc(latest["label"])}</a>.</p>\n')
    # page.html's block content
    add(f'<article class="page page-{_esc(kind)}{" has-toc" if show_toc else ""}">\n<header class="page-header">\n')
    crumbs = page.breadcrumbs
    if crumbs:
        add('<nav class="breadcrumbs" aria-label="Breadcrumb">\n<ol>\n')
        for crumb in crumbs:
            add(f'<li><a href="{_esc(crumb.url)}">{_esc(crumb.title)}</a></li>\n')
        add(f'<li><span aria-current="page">{title}</span></li>\n</ol>\n</nav>\n')
    add(f'<h1 class="page-title">{title}</h1>\n</header>\n')
    if show_toc:
        add('<nav class="toc" aria-label="On this page">\n<details open>\n<summary class="toc-heading">On this page'
            '</summary>\n<ul>\n')
        for heading in toc:
            add(f'<li class="toc-level-{heading.level - toc_top + 1}"><a href="#{_esc(heading.id)}">'
                f'{_esc(heading.text)}</a></li>\n')
        add("</ul>\n</details>\n</nav>\n")
    add(f'<div class="page-body">\n{_esc(page.content)}\n</div>\n<footer class="page-footer">\n')
    if page.edit_url:
        add(f'<p class="edit-link"><a href="{_esc(page.edit_url)}" rel="nofollow">Edit this page</a></p>\n')
    if prev or next_:
        add('<nav class="pager" aria-label="Previous and next page">\n')
        if prev:
            add(f'<a class="pager-prev" href="{_esc(prev.url)}" rel="prev"><span class="pager-label">Previous'
                f'</span> <span class="pager-title">{_esc(prev.title)}</span></a>\n')
        if next_:
            add(f'<a class="pager-next" href="{_esc(next_.url)}" rel="next"><span class="pager-label">Next'
                f'</span> <span class="pager-title">{_esc(next_.title)}</span></a>\n')
        add("</nav>\n")
    add(frame.footer)
    return "".join(out)
