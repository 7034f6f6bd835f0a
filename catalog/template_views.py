"""The views templates see: the site (SiteView), the page page.html renders (PageView), and
what a shortcode template sees of its page, its site, its inner content and the calls
nested in it. A shortcode's views record what it reads of the site as a dependency of the
body (`depends_on`), which the render cache keys on."""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Callable, Protocol

from markupsafe import Markup

from .anchors import Heading
from .body import FragmentRef
from .config import SiteConfig
from .content import Page, Site
from .menus import site_menus


class PageRun(Protocol):
    """What the views and a shortcode's functions reach of the page being rendered
    (render._PageRun is the one; a protocol, so that they need not import the renderer)."""

    page: Page
    depends_on: set[str]
    fragment_refs: list[FragmentRef]
    shortcode_functions: Any  # shortcode_functions._PageFunctions, made at the run's first call

    def position(self, offset: int) -> tuple[int, int]: ...

    def report(self, offset: int, severity: str, code: str, message: str, hint: str = "") -> None: ...

    def expand_html(self, text: str) -> str: ...

    def markdown(self, source: str, tokens: int = 0) -> str: ...


@dataclass
class SiteView:
    """What templates see of the site."""

    config: SiteConfig
    nav: Page
    has_catalog: bool = True  # the site builds a plugin catalog (config.has_plugins)

    @property
    def plugins_url(self) -> str:
        """The catalog's URL; "" on a docs-only site, whose pages link to no catalog."""
        return self.config.base_path + "plugins/" if self.has_catalog else ""

    @property
    def title(self) -> str:
        return self.config.title

    @property
    def base_url(self) -> str:
        return self.config.base_url if self.config.base_url.endswith("/") else self.config.base_url + "/"

    @property
    def base_path(self) -> str:
        return self.config.base_path

    @property
    def params(self) -> dict[str, Any]:
        return self.config.params

    @property
    def version(self) -> str:
        return self.config.version

    @property
    def language(self) -> str:
        return self.config.language

    @cached_property  # read twice by every page
    def menus(self) -> dict[str, list[dict[str, Any]]]:
        """The site's menus (`[[menus.NAME]]`, Hugo's `[[menu.NAME]]` with its pageRefs, the
        pages' front matter `menu:`), each in Hugo's order (see menus.py)."""
        pages = list(self.nav.walk())
        return site_menus(self.config, Site(self.nav, pages, {p.rel: p for p in pages if p.rel},
                                            language=self.config.content_language.lower()))

    @property
    def versions(self) -> list[dict[str, Any]]:
        """The switcher's entries; `current` is the version these pages are built as."""
        return [{"label": v.label, "url": v.url, "latest": v.latest,
                 "current": v.label == self.config.version or _path_of(v.url) == self.config.base_path}
                for v in self.config.versions]

    @property
    def latest_version(self) -> dict[str, Any] | None:
        """The latest version when these pages are of another one (for the banner), else None."""
        versions = self.versions
        if any(v["latest"] and v["current"] for v in versions):
            return None
        return next((v for v in versions if v["latest"]), None)


@dataclass
class PageView:
    """What a page template sees of the page it renders."""

    node: Page
    content: Markup
    toc: list[Heading]
    breadcrumbs: list[Page]
    prev: Page | None
    next: Page | None
    edit_url: str
    permalink: str
    ancestor_urls: set[str] = field(default_factory=set)

    title = property(lambda self: self.node.title)
    url = property(lambda self: self.node.url)
    kind = property(lambda self: self.node.kind)
    description = property(lambda self: self.node.description)
    params = property(lambda self: self.node.meta)

    @property
    def toc_top(self) -> int:
        """The contents list's top level: 2, or 1 when the body itself uses level-1 headings."""
        return min(min((h.level for h in self.toc), default=2), 2)

    @property
    def toc_entries(self) -> list[Heading]:
        """The headings the contents list shows: levels toc_top and the one below. Here, not
        in the template: its filter chain cost a tenth of a page's HTML."""
        top = self.toc_top
        return [h for h in self.toc if top <= h.level <= top + 1]


class _TrackedSite(SiteView):
    """The site as a shortcode sees it: reading the page tree is recorded as a dependency."""

    def __init__(self, config: SiteConfig, nav: Page, has_catalog: bool, run: PageRun) -> None:
        super().__init__(config, nav, has_catalog)
        self._run = run

    def __getattribute__(self, name: str) -> Any:
        if name == "nav":
            object.__getattribute__(self, "_run").depends_on.add("nav")
        return object.__getattribute__(self, name)


class _ShortcodePage:
    """What a shortcode template sees of the page it is on."""

    def __init__(self, page: Page, run: PageRun) -> None:
        self._page = page
        self._run = run

    @property
    def node(self) -> Page:
        self._run.depends_on.add("nav")  # the node leads to the whole tree
        return self._page

    title = property(lambda self: self._page.title)
    url = property(lambda self: self._page.url)
    kind = property(lambda self: self._page.kind)
    description = property(lambda self: self._page.description)
    params = property(lambda self: self._page.meta)


class Inner:
    """A shortcode's inner content: `{{ inner }}` is the text, `{{ inner.html }}` the Markdown output."""

    def __init__(self, text: str | Callable[[], str], markdown_source: str, tokens: int, run: PageRun) -> None:
        self._text = text  # or what makes it: most templates read only `html` (the callouts, tabs)
        self._source = markdown_source
        self._tokens = tokens  # placeholders put into markdown_source
        self._run = run
        self._html: Markup | None = None

    @property
    def text(self) -> str:
        if not isinstance(self._text, str):
            self._text = self._text()
        return self._text

    def __str__(self) -> str:
        return self.text

    def __html__(self) -> str:
        return html.escape(self.text)

    @property
    def html(self) -> Markup:
        if self._html is None:
            self._html = Markup(self._run.expand_html(self._run.markdown(self._source, self._tokens)))
        return self._html


@dataclass
class NestedCall:
    """What a shortcode template sees of a shortcode directly inside it."""

    name: str
    args: list[str]
    kwargs: dict[str, str]
    markup: str
    uid: str
    output: Markup

    def get(self, key: int | str, default: Any = None) -> Any:
        return _get(self.args, self.kwargs, key, default)


def _get(args: list[str], kwargs: dict[str, str], key: int | str, default: Any) -> Any:
    if isinstance(key, int):
        return args[key] if 0 <= key < len(args) else default
    return kwargs.get(key, default)


def _path_of(url: str) -> str:
    match = re.match(r"^[a-z][a-z0-9+.-]*://[^/]+(/.*)?$", url, re.I)
    return (match.group(1) or "/") if match else url
