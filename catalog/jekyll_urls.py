"""A Jekyll project's file names and URLs (`jekyll = true`, set from `_config.yml`).

- Jekyll's Markdown extensions (its default `markdown_ext`: markdown, mkdown, mkdn, mkd,
  md) are all pages there, so they are here.
- A page keeps this tool's URL scheme (lower-cased, `/a/b/`), which the sidebar, refs,
  search and `catalog check` all share; a front matter `permalink:` is the page's URL as
  Jekyll serves it, and Jekyll's default URL of every other page (`/a/b.html` for `a/b.md`
  under `permalink: date`, Jekyll's default) is written as a redirect to it, so old links
  and bookmarks keep working. One scheme rather than two: a site that moves keeps every
  URL it had, and its pages get the same URLs as every other page of the tool.
- An `.html`/`.htm` file that starts with front matter (`---`, as Jekyll's
  `has_yaml_header?` decides) is a page there, so it is here: Liquid, no Markdown. It keeps
  Jekyll's URL (`/a/b.html`, `/a/` for `a/index.html`, `/a/b/` under `permalink: pretty`):
  such files are often linked by that name from the site's own HTML. Other HTML files are
  static files, copied as they are.

Pages are read duck-typed (`rel`, `meta`, `url`, `is_section`): content.py imports this.
"""
from __future__ import annotations

import posixpath
import re
from pathlib import Path
from typing import Any

from .config import SiteConfig
from .regular_files import read_regular_file

# Jekyll's default markdown_ext, "markdown,mkdown,mkdn,mkd,md"
JEKYLL_MARKDOWN = (".md", ".markdown", ".mkdown", ".mkdn", ".mkd")
HTML_PAGE = (".html", ".htm")  # Jekyll's pages besides Markdown (with front matter)
_PAGE_SUFFIXES = JEKYLL_MARKDOWN + HTML_PAGE
# Jekyll's Utils.has_yaml_header?: the first line is `---`, then only blanks
_YAML_HEADER = re.compile(rb"---\s*\r?\n")
_PLACEHOLDER = re.compile(r":(path|basename|output_ext)")


def is_html_page(rel: str) -> bool:
    """Whether a page's file is HTML, or another file Jekyll renders (is_liquid_file) (a
    Jekyll project lists such files as pages only when they start with front matter): its
    body is no Markdown."""
    return rel.endswith(HTML_PAGE) or is_liquid_file(rel) and not rel.endswith(JEKYLL_MARKDOWN)


def is_liquid_file(rel: str) -> bool:
    """Whether a Jekyll page's file is neither Markdown nor HTML (`search.json`, `feed.xml`,
    `robots.txt` with front matter): Jekyll renders its Liquid and writes the result at the
    file's own path, without a layout."""
    return bool(rel) and not rel.endswith(_PAGE_SUFFIXES)


def without_layout(page: Any, config: SiteConfig) -> bool:
    """Whether the page is written as its content alone, as Jekyll writes it: a Liquid file,
    or a page whose front matter says `layout: null` (or `none`)."""
    if not config.jekyll:
        return False
    return is_liquid_file(page.rel) or "layout" in page.meta and page.meta["layout"] in (None, "none", "")


def has_yaml_header(path: Path | str) -> bool:
    """Whether a file starts with front matter as Jekyll decides (no byte order mark before)."""
    try:
        head = read_regular_file(str(path), limit=256)  # a FIFO named feed.xml: no page, no wait
        if _YAML_HEADER.match(head) is None:
            return False
        # Jekyll reads a Liquid file that is not UTF-8 as no page (a warning) and writes its
        # bytes as they are: copied here, as a file is (was: an encoding error, no build)
        return not is_liquid_file(str(path)) or _is_utf8(read_regular_file(str(path)))
    except OSError:
        return False


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def markdown_suffix(name: str, jekyll: bool) -> str:
    """The Markdown extension `name` ends with ('' when it is no page's file)."""
    if name.endswith(".md"):
        return ".md"
    if jekyll:
        return next((suffix for suffix in JEKYLL_MARKDOWN if name.endswith(suffix)), "")
    return ""


def stem(rel: str) -> str:
    """A content path without its Markdown (or a Jekyll page's HTML) extension."""
    for suffix in _PAGE_SUFFIXES:
        if rel.endswith(suffix):
            return rel[:-len(suffix)]
    return rel


def is_section_file(name: str) -> bool:
    """`index.markdown` (or a Jekyll project's `index.html`) is a folder's page as `index.md` is."""
    return stem(name) in ("_index", "index") and name not in ("_index.md", "index.md")


def permalink_url(page: Any, config: SiteConfig) -> str | None:
    """The URL a front matter `permalink:` gives the page, under the site's base path; its
    placeholders filled as Jekyll fills a page's (Page#url_placeholders): `:path` (the
    page's folder), `:basename` (its file name without the extension), `:output_ext`
    (`.html`). Others (`:title` is a post's) stay as written, as Jekyll leaves them."""
    value = page.meta.get("permalink")
    if not config.jekyll or not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    name = posixpath.basename(page.rel)
    # a Liquid file's output extension is its own (search.json: .json), a page's .html
    ext = posixpath.splitext(name)[1] if is_liquid_file(page.rel) else ".html"
    if _PLACEHOLDER.search(value):
        places = {"path": posixpath.dirname(page.rel), "basename": name.rsplit(".", 1)[0] if "." in name else name,
                  "output_ext": ext}
        value = _PLACEHOLDER.sub(lambda m: places.get(m[1], m[0]), value)
        value = re.sub(r"/{2,}", "/", value)  # Jekyll's URL#sanitize_url: `/:path/x` at the root
    url = posixpath.join(config.base_path, value.lstrip("/"))
    if ext != ".html":  # Page#destination: `index` in a folder, then the extension unless there
        url += "index" if url.endswith("/") else ""
        return url if url.endswith(ext) else url + ext
    if not url.endswith("/") and "." not in url.rsplit("/", 1)[-1]:
        url += "/"  # Jekyll writes /a/b as /a/b.html but serves it at /a/b; a folder here
    return url


def html_page_url(page: Any, config: SiteConfig) -> str:
    """The URL Jekyll gives an HTML page without a permalink, case kept as Jekyll keeps it:
    `/a/b.html` (`/a/b/` under a pretty style), a folder's `index.html` at `/a/`."""
    style = config.jekyll_permalink.strip()
    if is_liquid_file(page.rel):  # search.json stays search.json under any style
        return config.base_path + page.rel
    if page.is_section:
        return config.base_path + (page.dir + "/" if page.dir else "")
    if style == "pretty" or style.endswith("/"):
        return config.base_path + stem(page.rel) + "/"
    return config.base_path + page.rel


def old_urls(page: Any, is_home: bool, config: SiteConfig) -> list[str]:
    """Jekyll's default URL of a page, when it is not the page's URL here: the redirects
    that keep the old links working."""
    if not config.jekyll or is_home or not page.rel or isinstance(page.meta.get("permalink"), str):
        return []
    if is_html_page(page.rel):  # at Jekyll's URL already
        return []
    style = config.jekyll_permalink.strip()
    if style == "pretty" or style.endswith("/"):  # pages are served at /a/b/ there too
        return []
    base = config.base_path
    if page.is_section:  # a folder's index: /a/ in both schemes
        return []
    url = base + stem(page.rel) + ".html"
    return [] if url == page.url else [url]
