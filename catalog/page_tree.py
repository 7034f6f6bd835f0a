"""The page tree: load_site reads the content files (content_files.py) and hangs each page
under its section, or under the page its `parent` names (Jekyll's `node_name`), in Hugo's
order (sort_key); then every page gets its URL (Hugo's pretty, lower-cased paths, or its
own url/slug), checked to be a path, and its aliases their paths.
"""
from __future__ import annotations

import datetime
import os
import posixpath
import re
from pathlib import Path
from typing import Any

from .collation import collation_key
from .config import SiteConfig
from .content import Page, Site, _humanize
from .content_files import SourceMemo, content_files, source_path
from .diagnostics import Report, did_you_mean
from .jekyll_urls import html_page_url, is_html_page, is_liquid_file, is_section_file, old_urls, permalink_url, stem
from .languages import is_section_file as is_language_section_file, language_stem
from .not_found import not_found_url, own_not_found_page
from .page_build_options import apply_build_options
from .parallel import Workers


def sort_key(page: Page) -> tuple:
    """Hugo's default order (page.DefaultPageSort): weight ascending with unset (0) last,
    then date, newest first, then the link title as a collator orders it (a page without a
    title sorts as ""), then the file's path (case aside), a section without a file first."""
    title = page.title if page.is_section else ""
    title = str(page.meta.get("linktitle") or page.meta.get("title") or title)
    # the path as Hugo's compare.LessStrings orders it: letters without regard to case first
    return (page.weight == 0, page.weight, -_date_seconds(page.meta), collation_key(title),
            bool(page.rel), page.rel.lower(), page.rel)


_ZERO_TIME = -62135596800  # Go's zero time in Unix seconds: the date of a page without one
_DATE_KEYS = ("date", "publishdate", "lastmod")  # in the order Hugo reads them


def _date_seconds(meta: dict[str, Any]) -> int:
    """The page's date as Hugo reads it by default (date, else publishDate, else lastmod)."""
    # the first value of each of the three keys, in one pass over the front matter (a key
    # sorted by is read for every page: three passes were a tenth of a cold site's load)
    found: dict[str, Any] = {}
    for k, v in meta.items():
        lowered = k.lower() if isinstance(k, str) else str(k).lower()
        if lowered in _DATE_KEYS and lowered not in found:
            found[lowered] = v
    for key in _DATE_KEYS:
        value = found.get(key)
        if isinstance(value, str):
            try:
                value = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                continue
        if isinstance(value, datetime.datetime):
            if value.tzinfo is None:
                value = value.replace(tzinfo=datetime.timezone.utc)
            return int(value.timestamp())
        if isinstance(value, datetime.date):
            return int(datetime.datetime(value.year, value.month, value.day, tzinfo=datetime.timezone.utc).timestamp())
    return _ZERO_TIME


def urlize(path: str) -> str:
    """Hugo's pretty, lower-cased URL path for a content path (no extension)."""
    path = path.lower().replace(" ", "-")
    return re.sub(r"/+", "/", path)


def load_site(project: Path, config: SiteConfig, report: Report, *, drafts: bool = False,
              memo: SourceMemo | None = None, files: list[str] | None = None, workers: Workers | None = None) -> Site:
    """Read every page under the content folder and build the tree; report all problems.

    `memo` (kept by the caller between builds) spares reading and parsing unchanged files;
    `files` are the content files when the caller listed them already (content_files);
    `workers` (a cold build's, started already) read and parse the files `memo` lacks."""
    content_root = project / config.content_dir
    memo = memo or SourceMemo()
    pages: dict[str, Page] = {}
    keys: dict[str, tuple] = {}
    sources = [(os.path.join(content_root, rel), rel, source_path(config, rel))
               for rel in (content_files(project, config) if files is None else files)]
    for page, (_, rel, _) in zip(memo.pages(sources, report, workers), sources):  # the pages first: they end the zip
        if page is None:
            continue
        if page.draft and not drafts:
            continue
        if config.content_language and is_language_section_file(rel, config.content_language):
            page.kind = "section"  # Hugo's _index.en.md: the folder's page in the default language
        pages[rel] = page
        # its place among its siblings, found while the workers of a cold build still read
        # files (the tree, made once all are read, then waits for none of these)
        keys[rel] = sort_key(page)
    memo.retain({path for path, _, _ in sources})
    if config.content_language:
        _drop_untranslated_twins(pages, config.content_language, report)
    home = pages.get("_index.md") or pages.get("index.md") or next(  # Jekyll's index.markdown, Hugo's _index.en.md
        (page for rel, page in pages.items() if "/" not in rel and (is_section_file(rel) or page.kind == "section")),
        None)
    if home is None:
        home = Page("", config.content_dir.strip("/") or ".", "home", {}, "", 1, title=config.title)
    home.kind = "home"
    home.dir = ""
    if not home.title:
        home.title = config.title
    sections = _collect_sections(pages, home)
    for page in pages.values():
        if page.kind == "section" and page is not home and sections.get(page.dir) is not page:
            chosen = home if not page.dir else sections[page.dir]
            report.warning(page.source, 1, 1, "section-page-twice",
                           f"ignored: {chosen.source} is already this folder's page",
                           f"merge the two files, or rename this one to make it a page of its own")
    _link_tree(pages, sections, home, report, keys)
    _assign_urls(home, config)
    not_found = own_not_found_page(home.walk(), config)
    if not_found is not None:  # the site's 404.html: out of the sidebar, search and sitemap (not_found.py)
        not_found.hidden = True
    if config.jekyll:
        for page in pages.values():
            if is_liquid_file(page.rel):  # search.json, feed.xml: files, no pages to list
                page.hidden = True
    for page in home.walk():
        _check_page_url(page, report)
    ordered, unwritten, unpublished = apply_build_options(home)
    by_rel = {p.rel: p for p in ordered if p.rel}
    return Site(home, ordered, by_rel, unwritten, tuple(unpublished), config.content_language.lower())


def _drop_untranslated_twins(pages: dict[str, Page], language: str, report: Report) -> None:
    """`install.md` beside `install.en.md` (the default language's): one page for Hugo, which
    takes the language's file and builds through; so does this, with a warning."""
    for rel in list(pages):
        stem = language_stem(rel, language)
        twin = f"{stem}.md" if stem is not None else None
        if twin is not None and twin in pages:
            report.warning(pages[twin].source, 1, 1, "language-twin",
                           f"ignored: {pages[rel].source} is this page in the default language ({language}), "
                           "which Hugo takes", "remove one of the two files, or merge them")
            del pages[twin]


def _collect_sections(pages: dict[str, Page], home: Page) -> dict[str, Page]:
    """Section pages by folder, making up one for every folder that has no _index.md."""
    sections: dict[str, Page] = {"": home}
    for rel, page in pages.items():
        if page.kind == "section" and page is not home:
            if page.dir in sections and sections[page.dir].rel != rel:
                # both _index.md and index.md in one folder: _index.md wins, as in Hugo
                continue
            sections[page.dir] = page
    for page in list(pages.values()):
        # every folder above a page, also above a folder that has its own _index.md
        # ("a/b/_index.md" alone still needs a section "a" to hang under)
        folder = page.dir if page.kind == "page" else page.dir.rpartition("/")[0]
        while folder and folder not in sections:
            name = folder.rsplit("/", 1)[-1]
            sections[folder] = Page("", f"{folder}/", "section", {}, "", 1, dir=folder, title=_humanize(name))
            folder = folder.rsplit("/", 1)[0] if "/" in folder else ""
    return sections


def _link_tree(pages: dict[str, Page], sections: dict[str, Page], home: Page, report: Report,
               keys: dict[str, tuple]) -> None:
    """Each page under its parent, siblings in Hugo's order (`keys`: the sort keys of `pages`)."""
    nodes = {str(p.meta["node_name"]): p for p in pages.values() if p.meta.get("node_name")}
    nodes.setdefault("index", home)
    members = [p for p in pages.values() if p.kind == "page" or sections.get(p.dir) is p]
    members += [s for s in sections.values() if not s.rel and s is not home]
    for page in members:
        if page is home:
            continue
        parent: Page | None = None
        if "parent" in page.meta:
            chain = page.meta["parent"]
            chain = [chain] if isinstance(chain, str) else list(chain or [])
            chain = [str(name) for name in chain if name is not None]
            wanted = chain[-1] if chain else ""
            parent = nodes.get(wanted) if wanted else home
            if parent is None:
                # Jekyll builds such a page (its sidebar simply misses it): place it under the
                # deepest ancestor the list names that exists, else at the top, and say so
                at = next((i for i in range(len(chain) - 2, -1, -1) if chain[i] in nodes), -1)
                found = chain[at] if at >= 0 else ""
                parent = nodes[found] if found else home
                where = f"under '{found}'" if found else "under the home page"
                skipped = chain[at + 1:-1]
                if skipped:  # the ancestors between it and the missing parent are missing too
                    where += f" (no page has node_name {', '.join(repr(name) for name in skipped)} either)"
                report.warning(page.source, page.line_of("parent"), 1, "parent-not-found",
                               f"parent '{wanted}' names no page (no page has node_name: {wanted}); "
                               f"the page is placed {where}",
                               did_you_mean(wanted, [name for name, node in nodes.items() if node is not page])
                               or f"set node_name: {wanted} on the parent page")
                wanted = found or wanted
            if parent is page or page in parent.ancestors():
                report.error(page.source, page.line_of("parent"), 1, "parent-cycle",
                             f"parent '{wanted}' makes this page its own ancestor",
                             "point parent at a page above this one")
                parent = None
        if parent is None:
            folder = page.dir
            if page.kind == "section" or not page.rel:
                folder = folder.rsplit("/", 1)[0] if "/" in folder else ""
            parent = sections[folder]
        page.parent = parent
        parent.children.append(page)
    for section in [home, *sections.values(), *pages.values()]:
        section.children.sort(key=lambda page: keys.get(page.rel) or sort_key(page))  # a made-up section: no rel
    _drop_empty_folders(home)


def _drop_empty_folders(node: Page) -> None:
    """Leave out the made-up section of a folder all of whose pages joined other parents:
    a Jekyll site lays its files out in folders but builds its tree from parent/node_name,
    and has no page for the folder, so it would be an empty entry in the sidebar."""
    for child in node.children:
        _drop_empty_folders(child)
    node.children = [child for child in node.children if child.rel or child.children]


def _assign_urls(home: Page, config: SiteConfig) -> None:
    base = config.base_path
    for page in home.walk():
        if page is home:
            page.url = base
            continue
        permalink = permalink_url(page, config)  # a Jekyll page's permalink: its URL there
        if permalink is not None:
            page.url = permalink
            continue
        special = not_found_url(page, config)  # a root 404.md: the site's 404.html
        if special is not None:
            page.url = special
            continue
        if isinstance(page.meta.get("url"), str):
            page.url = posixpath.join(base, page.meta["url"].lstrip("/"))
            if not page.url.endswith("/") and "." not in page.url.rsplit("/", 1)[-1]:
                page.url += "/"
            continue
        if config.jekyll and is_html_page(page.rel):  # at Jekyll's URL (jekyll_urls.py)
            page.url = html_page_url(page, config)
            continue
        if page.kind == "section" or not page.rel:
            path = page.dir
        else:
            path = language_stem(page.rel, config.content_language) or stem(page.rel)  # install.en.md: install
            if isinstance(page.meta.get("slug"), str):
                path = posixpath.join(page.dir, page.meta["slug"])
        page.url = base + urlize(path).strip("/") + "/"


# A page's URL and each alias become a file path and a line of _redirects: a line break would
# split the rule (and could add one: "/x/\n/* https://evil.example/ 302!"), and '?' or '#'
# name no path a page could sit at. Spaces are fine (encoded in _redirects).
_UNFIT_IN_URL_PATH = re.compile(r"[\x00-\x1f\x7f?#]")


def url_path_problem(path: str) -> str | None:
    """Why `path` cannot be a URL path of the site, or None when it can."""
    if _UNFIT_IN_URL_PATH.search(path):
        return f"{path!r} holds a control character, '?' or '#'"
    if "://" in path or path.startswith("//"):  # https://host/..., //host/...
        return f"{path!r} names another site (a scheme or a host), not a path of this one"
    return None


def _check_page_url(page: Page, report: Report) -> None:
    problem = url_path_problem(page.url)
    if problem is None:
        return
    if isinstance(page.meta.get("permalink"), str) and page.url.endswith(page.meta["permalink"].strip().lstrip("/")):
        where, line = "its permalink", page.line_of("permalink")
    elif isinstance(page.meta.get("url"), str):
        where, line = "its url", page.line_of("url")
    elif isinstance(page.meta.get("slug"), str) and page.kind == "page":
        where, line = "its slug", page.line_of("slug")
    else:
        where, line = "its file name", 1
    report.error(page.source, line, 1, "url-invalid", f"the page's URL {problem} (from {where})",
                 "a URL is a path of this site on one line: rename the file, or set url:, slug: or "
                 "permalink: to a plain path")


def alias_urls(page: Page, config: SiteConfig) -> list[str]:
    """The site paths of a page's aliases; relative aliases are relative to its folder, as in Hugo."""
    urls = []
    for alias in page.aliases:
        if alias.startswith(("http://", "https://")):
            continue
        path = alias if alias.startswith("/") else posixpath.join(page.dir, alias)
        path = posixpath.normpath(path.lstrip("/") or ".")  # keeps a leading '..', reported when written
        path = "/" if path == "." else "/" + path
        if not path.endswith((".html", ".htm")):
            path += "/"
        urls.append(config.base_path.rstrip("/") + (path if path.startswith("/") else "/" + path))
    return urls + [url for url in old_urls(page, page.kind == "home", config) if url not in urls]
