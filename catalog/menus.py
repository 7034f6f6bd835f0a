"""The site's menus as Hugo (0.111) assembles them: the configuration's `[[menu.NAME]]`
entries, a `pageRef` resolved to its page, and the pages' own front matter `menu:` entries.

Hugo's rules, checked against it (tests/test_hugo_menus.py):
- a configured entry with `pageRef` links to that page (found as `.Site.GetPage` finds
  it: `/docs/install`, `docs/install.md`, `docs`, any case); the page's URL wins over
  `url`, which is the fallback when no page is found; its title defaults to the page's
  link title, its name and weight do not default;
- a `pageRef` no page answers to is built with its `url` (empty without one): a warning
  here, located at the entry, since an empty href links a reader back to the page;
- a page's front matter `menu: main`, `menu: [main, footer]` or `menu: {main: {weight: 2}}`
  (or `menus:`) adds the page to those menus, named by its link title, weighted by its
  weight unless the entry says otherwise;
- each menu is sorted by weight (unset last), then name, then identifier.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from markupsafe import Markup

from .config import SiteConfig
from .content import Page, Site
from .diagnostics import LocatedError, Report
from .refs import RefResolver

_ENTRY_KEYS = ("name", "identifier", "weight", "pre", "post", "title", "parent", "url")


def check_menus(project: Path, config: SiteConfig, site: Site, resolver: RefResolver, report: Report) -> None:
    """Report, once a build, the menu entries that link nowhere and front matter menus Hugo refuses."""
    site_menus(config, site, resolver, report, project)


def site_menus(config: SiteConfig, site: Site, resolver: RefResolver | None = None,
               report: Report | None = None, project: Path | None = None) -> dict[str, list[dict[str, Any]]]:
    """Every menu, its entries as templates read them (name, url, pre, post, title, ...)."""
    if resolver is None and any(entry.page_ref for entries in config.menus.values() for entry in entries):
        resolver = RefResolver(site)  # only a site whose menus name pages needs one
    menus: dict[str, list[dict[str, Any]]] = {}
    for name, entries in config.menus.items():
        for entry in entries:
            page: Page | None = None
            if entry.page_ref and resolver is not None:
                page = _page_ref(resolver, site, entry.page_ref)
                if page is None and report is not None:
                    file, line = _where(project or Path("."), config, entry.page_ref)
                    report.warning(file, line, 1, "menu-ref-not-found",
                                   f"menu '{name}' entry {entry.name or entry.identifier or entry.page_ref!r}: "
                                   f"pageRef '{entry.page_ref}' names no page; its link is "
                                   + (f"its url '{entry.url}'" if entry.url else "empty (a link to the page itself)"),
                                   "write the page's path below the content folder, e.g. pageRef = \"/docs/install\"")
            url = page.url if page is not None else _rooted(entry.url, config.base_path)
            title = entry.title or (page.linktitle if page is not None else "")
            menus.setdefault(name, []).append(_entry(entry.name, url, entry.weight, entry.pre, entry.post,
                                                     entry.identifier, title, entry.parent, page))
    for page in site.pages:
        for name, fields in page_menus(page, report):
            title = str(fields.get("title") or page.linktitle)
            weight = fields.get("weight")
            menus.setdefault(name, []).append(_entry(
                str(fields.get("name") or page.linktitle), page.url,
                weight if isinstance(weight, int) and not isinstance(weight, bool) else page.weight,
                str(fields.get("pre") or ""), str(fields.get("post") or ""), str(fields.get("identifier") or ""),
                title, str(fields.get("parent") or ""), page))
    for entries in menus.values():
        entries.sort(key=lambda e: (e["weight"] == 0, e["weight"], str(e["name"]), e["identifier"]))
        for entry in entries:  # an entry Hugo leaves unnamed still needs text to be a link
            entry["name"] = entry["name"] or Markup.escape(entry["title"])
    return menus


def _entry(name: str, url: str, weight: int, pre: str, post: str, identifier: str, title: str, parent: str,
           page: Page | None) -> dict[str, Any]:
    # name, pre and post are HTML from the site's own files, trusted as Hugo's themes trust them
    return {"name": Markup(name), "url": url, "pre": Markup(pre), "post": Markup(post), "identifier": identifier,
            "title": title, "weight": weight, "parent": parent, "page": page}


def _rooted(url: str, base: str) -> str:
    """A URL written from the site's root follows base_url (`/credits/` under /7.0/)."""
    if url.startswith("/") and not url.startswith("//") and not url.startswith(base):
        return base + url[1:]
    return url


def _page_ref(resolver: RefResolver, site: Site, ref: str) -> Page | None:
    try:
        return resolver.resolve(ref, site.home).page
    except LocatedError:
        return None


def page_menus(page: Page, report: Report | None = None) -> list[tuple[str, dict[str, Any]]]:
    """A page's front matter `menu` / `menus` entries: (menu name, the entry's own fields)."""
    key = next((k for k in page.meta if str(k).lower() == "menus"), None) or \
        next((k for k in page.meta if str(k).lower() == "menu"), None)
    if key is None or page.meta[key] is None:
        return []
    value = page.meta[key]
    if isinstance(value, str):
        return [(value, {})]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return [(item, {}) for item in value]
    if isinstance(value, dict) and all(item is None or isinstance(item, dict) for item in value.values()):
        return [(str(name), {str(k).lower(): v for k, v in (fields or {}).items() if str(k).lower() in _ENTRY_KEYS})
                for name, fields in value.items()]
    if report is not None:  # Hugo stops: "unable to process menus"
        report.error(page.source, page.line_of(key), 1, "menu-invalid",
                     f"'{key}' must be a menu name, a list of names or a table of entries by menu, got {value!r}",
                     "write menu: main, or menu: {main: {weight: 10}}")
    return []


def _where(project: Path, config: SiteConfig, ref: str) -> tuple[str, int]:
    """The file and line where a pageRef is written (the configuration keeps no positions)."""
    source = config.source or "site.toml"
    candidates = [source]
    folder = project / "config" / "_default"
    if folder.is_dir():
        candidates += [f"config/_default/{p.name}" for p in sorted(folder.iterdir()) if p.is_file()]
    pattern = re.compile(r"page_?ref[\"']?\s*[:=]\s*[\"']?" + re.escape(ref), re.I)
    for file in candidates:
        try:
            text = (project / file).read_text(encoding="utf-8")
        except OSError:
            continue
        match = pattern.search(text)
        if match:
            return file, text.count("\n", 0, match.start()) + 1
    return source, 1
