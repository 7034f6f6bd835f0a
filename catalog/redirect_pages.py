"""The alias pages: an HTML redirect page at each old URL a page lists under `aliases`,
resolved as Hugo resolves them (an alias two pages claim goes to the page Hugo writes last)."""
from __future__ import annotations

from .config import SiteConfig
from .content import Page, Site
from .diagnostics import Report
from .output import Output, url_to_file
from .page_tree import alias_urls, url_path_problem
from .template_views import SiteView
from .theme import Theme


def write_redirect_pages(site: Site, config: SiteConfig, theme: Theme, site_view: SiteView, output: Output,
                         report: Report) -> list[tuple[str, str]]:
    """An HTML redirect page per alias; returns the (alias, target) pairs.

    Hugo builds through two alias problems, and so does this, with a warning: an alias
    that is its page's own URL is skipped (the page stays), and an alias claimed by
    several pages redirects to the one Hugo writes last (see `_alias_order`)."""
    claims: dict[str, list[Page]] = {}
    for page in site.pages:
        for url in dict.fromkeys(alias_urls(page, config)):  # one alias written twice is one
            problem = url_path_problem(url)   # the rule pages' URLs follow (content.load_site)
            if problem is not None:
                report.error(page.source, page.line_of("aliases"), 1, "alias-invalid", f"alias {problem}",
                             "an alias is the path of an old URL: write the path only, on one line")
                continue
            if url == page.url:
                report.warning(page.source, page.line_of("aliases"), 1, "alias-loop",
                               f"alias '{url}' is the page's own URL: skipped", "remove this alias")
                continue
            claims.setdefault(url, []).append(page)
    aliases: list[tuple[str, str]] = []
    order = _alias_order(site) if any(len(pages) > 1 for pages in claims.values()) else {}
    for url, pages in claims.items():
        page = pages[0]
        if len(pages) > 1:
            page = max(pages, key=order.__getitem__)
            claimants = " and ".join(p.source for p in pages)
            for loser in pages:
                if loser is not page:
                    report.warning(loser.source, loser.line_of("aliases"), 1, "alias-duplicate",
                                   f"alias '{url}' is claimed by {claimants}: it redirects to {page.url} "
                                   f"({page.source}), the page Hugo keeps", "keep the alias on one page only")
        html = theme.render("redirect.html", {"site": site_view, "target": page.url, "page": page})
        output.add(url_to_file(url, config.base_path), html, page.source, report, page.line_of("aliases"),
                   what=f"alias {url}")
        aliases.append((url, page.url))
    return aliases


def _alias_order(site: Site) -> dict[Page, tuple[bool, str]]:
    """The order in which Hugo (0.111) writes alias files, the last one staying: its
    regular pages by their key in its content tree ("/section/__hb_name__hl_", lower-case),
    then its sections by theirs ("/section/")."""
    sections = {p.dir for p in site.pages if p.is_section and p.rel}
    order: dict[Page, tuple[bool, str]] = {}
    for page in site.pages:
        if page.is_section:
            order[page] = (True, f"/{page.dir.lower()}/" if page.dir else "/")
            continue
        section = page.dir
        while "/" in section and section not in sections:  # Hugo's section: a folder with an
            section = section.rsplit("/", 1)[0]             # _index.md, or a top-level one
        stem = page.rel[:-3].lower()
        key = f"/{section.lower()}/" if section else "/"
        order[page] = (False, f"{key}__hb_{stem[len(section):].lstrip('/')}__hl_")
    return order
