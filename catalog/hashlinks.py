"""Hash-route links: the Alien4Cloud portal's `[text](#/developer_guide/index.html)`.

That site shows its Jekyll pages inside a single-page portal whose router reads the
page's Jekyll URL after `#`. Built as plain pages, such a link would be a dead
in-page anchor; with `hash_links = true` in site.toml it becomes a link to the page
that has that Jekyll URL. A page's Jekyll URL comes from its path, as Jekyll 2's
default permalink style writes it (`a/b.md` -> `/a/b.html`, `a/index.md` or
`a/_index.md` -> `/a/index.html`, which Jekyll also serves as `/a/`), or from its
`permalink` (or Hugo `url`) front matter. Links are rewritten in the page's HTML, so a
route written in raw HTML (`<a href="#/...">`) is followed as well.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from urllib.parse import unquote

from .config import SiteConfig
from .content import Page, Site
from .jekyll_urls import stem as markdown_stem
from .refs import Suggestions

# An href whose value starts with '#/' (in double quotes, as Markdown writes it, or single).
_HASH_HREF = re.compile(r"""(?P<attr>\shref=)(?P<q>["'])#/(?P<route>[^"'#]*)(?:#(?P<fragment>[^"']*))?(?P=q)""")


@dataclass(frozen=True)
class HashLink:
    """One hash-route link of a page: where its source is, what it named, what it reached."""

    offset: int  # in the page's Markdown body; -1 when the source does not show it (a shortcode wrote it)
    route: str  # as written after '#/', fragment excluded
    fragment: str
    target: Page | None
    hint: str = ""  # "did you mean ...?" when target is None


class HashRoutes:
    """The site's pages by Jekyll URL; built once per site, read by every page's render."""

    def __init__(self, site: Site, config: SiteConfig) -> None:
        self.base = config.base_path.strip("/").lower()
        primary: dict[str, Page] = {}
        secondary: dict[str, Page] = {}
        for page in site.pages:
            if not page.rel and page is not site.home:
                continue  # a folder without an index page: Jekyll has no page there
            own, other = _jekyll_urls(page, page is site.home)
            for key in own:
                primary.setdefault(key, page)
            for key in other:
                secondary.setdefault(key, page)
        # a page's own URL wins over the spelling another page is also served under
        self.pages = {**secondary, **primary}
        self._suggestions: Suggestions | None = None
        self._names = sorted(key for key in primary if key.endswith(".html"))

    def resolve(self, route: str) -> Page | None:
        key = unquote(route).strip().lstrip("/").lower()
        found = self.pages.get(key)
        if found is None and self.base and (key + "/").startswith(self.base + "/"):
            found = self.pages.get(key[len(self.base):].lstrip("/"))  # the site's own URL prefix
        return found

    def hint(self, route: str) -> str:
        if self._suggestions is None:
            self._suggestions = Suggestions(self._names)
        key = unquote(route).strip().strip("/").lower()
        prefix = "#/"
        if self.base and (key + "/").startswith(self.base + "/"):  # suggested as written: with the prefix
            key, prefix = key[len(self.base):].lstrip("/"), f"#/{self.base}/"
        guess = self._suggestions.hint(key)
        if guess:  # Suggestions says "did you mean 'a/b.html'?": the link is written '#/a/b.html'
            return guess.replace("did you mean '", f"did you mean '{prefix}", 1)
        return f"write the Jekyll URL of a page after '#/', such as '{prefix}{self._names[0]}'" if self._names \
            else "write the Jekyll URL of a page after '#/'"

    def rewrite(self, html_text: str, source: str) -> tuple[str, list[HashLink]]:
        """`html_text` with every '#/route' href that names a page pointing at that page's URL;
        and every such link found, located in the Markdown `source` it was rendered from."""
        if "#/" not in html_text:
            return html_text, []
        links: list[HashLink] = []
        # The links come in the order of the source, so each is looked for after the one
        # before (a page costs one pass, not one per link); one written by a shortcode is not
        # in the source at all: it is looked for once, and located at the page's start.
        cursor = 0
        not_in_source: set[str] = set()

        def locate(written: str) -> int:
            nonlocal cursor
            if written in not_in_source:
                return -1
            offset = source.find(written, cursor)
            if offset < 0:
                offset = source.find(written)
            if offset < 0 and unquote(written) != written:  # markdown-it %-encodes what it must
                offset = source.find(unquote(written))
            if offset < 0:
                not_in_source.add(written)
            else:
                cursor = offset + 1
            return offset

        def replace(match: re.Match[str]) -> str:
            route, fragment = html.unescape(match["route"]), html.unescape(match["fragment"] or "")
            offset = locate("#/" + route + (f"#{fragment}" if match["fragment"] is not None else ""))
            target = self.resolve(route)
            links.append(HashLink(offset, route, fragment, target, "" if target else self.hint(route)))
            if target is None:
                return match.group(0)  # left as written: a warning says why
            url = target.url + (f"#{fragment}" if fragment else "")
            return f'{match["attr"]}"{html.escape(url)}"'

        return _HASH_HREF.sub(replace, html_text), links

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["_suggestions"] = None  # made again where needed
        return state


def _jekyll_urls(page: Page, is_home: bool) -> tuple[list[str], list[str]]:
    """(the page's own Jekyll URL, other URLs it is served under), lower-case, without the
    leading '/': `a/b.html` and `a/b/`, `a/b`; `a/index.html` and `a/`, `a`."""
    own: list[str] = []
    other: list[str] = []
    for key in ("permalink", "url"):
        value = page.meta.get(key)
        if isinstance(value, str) and value.strip():
            path = value.strip().lstrip("/").lower()
            if path.endswith("/") or not path:
                own.append(path + "index.html")
                other.extend((path, path.rstrip("/")))
            else:
                own.append(path)
    if is_home:
        own.append("index.html")
        other.append("")
    elif page.is_section:
        folder = page.dir.lower()
        own.append(f"{folder}/index.html")
        other.extend((f"{folder}/", folder))
    else:
        stem = markdown_stem(page.rel).lower()
        own.append(f"{stem}.html")
        other.extend((f"{stem}/", stem))
    return own, other
