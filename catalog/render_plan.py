"""What a build takes from the render cache and gives back to it, in one object.

The pipeline (build.py) asks its plan at each stage: which bodies the cache has, which
pages' HTML, what to keep of what it rendered. `RenderPlan` is the plan of a build without
a cache, and does nothing: every body and page is rendered, nothing is kept, and no key
is computed (an environment key hashes every shortcode template and the generator's code).
`CachedPlan` is the plan of a build with one (the CLI's, loaded from disk, or the
preview's, kept in memory). So the pipeline never asks whether there is a cache, and
what the cache needs (the environment, the site facts, every page's body and HTML key,
`shown`) is made in one place, which also hands it on to the preview's fast path
(`BuildState`).

Its own module, not render_cache.py: the cache is what is kept between builds (and
pickled); the plan is one build's use of it, and depends on the build's stages (assets,
the page tree, the state the preview keeps), which the cache itself never needs."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Collection

from .build_state import BuildState
from .config import SiteConfig
from .content import Site
from .content_files import SourceMemo
from .diagnostics import Diagnostic
from .hashing import digest, digest_text
from .markdown_memo import MarkdownMemo, Render
from .output import Output
from .page_files import files_fact
from .page_render import PageRenderer
from .body import Body, FragmentRef
from .template_views import SiteView
from .render_cache import Facts, RenderCache, environment_key, layouts_key, site_facts
from .search import SearchEntry, SearchIndex
from .theme import Theme

if TYPE_CHECKING:  # the plugin catalog is imported where a site has one
    from .plugins.buildmemo import CatalogCache


class RenderPlan:
    """A build without a render cache: every body and page is rendered, nothing is kept."""

    def __init__(self) -> None:
        self.found: list[Body | None] = []  # each page's body, where the cache has it
        self._search: SearchIndex | None = None

    # what the other stages ask of the plan, before the pages are rendered

    @property
    def on_disk(self) -> bool:
        """The cache lives for this build only (the CLI's): it keeps bodies' HTML compressed,
        and only the digests of published files."""
        return False

    @property
    def keeps_bodies(self) -> bool:
        """Bodies keep their HTML, for the cache to store them whole."""
        return False

    @property
    def keeps_sources(self) -> bool:
        """Pages keep their Markdown once their body is known (the preview's cache, for the next edit)."""
        return False

    @property
    def cold(self) -> bool:
        """Every page will be rendered: the workers can be started before the site is read."""
        return True

    def use_templates(self, config: SiteConfig, theme: Theme) -> None:
        """Give `theme` the compiled templates the cache keeps; the cache learns the build's
        environment (configuration, shortcode templates, code), before the site is read."""

    def memo(self) -> SourceMemo | None:
        """The parsed content files kept from the last build, if any."""
        return None

    def plan_bodies(self, project: Path, config: SiteConfig, theme: Theme, site: Site) -> None:
        """Every page's body key, and its body where the cache has one nothing it read has changed."""
        self.found = [None] * len(site.pages)

    def plan_pages(self, theme: Theme, site: Site, asset_names: dict[str, str], site_view: SiteView) -> None:
        """Every page's HTML key: what every page shows of the site (`shown`), its place, its body."""

    # what the pages stage asks, page by page

    def cached_html(self, output: Output, paths: list[str]) -> list[bytes | str | None]:
        """Each page's HTML where the cache has it: bytes, or the sha256 of the previous
        build's published file, if the output still holds it."""
        return [None] * len(paths)

    def markdown(self) -> MarkdownMemo | None:
        """The Markdown renders of earlier builds, to take and keep (markdown_memo.py)."""
        return None

    def keep_body(self, index: int, body: Body, markdown: tuple[tuple[bytes, Render], ...] = ()) -> None:
        """Keep the body just rendered of page `index`, and the Markdown renders made for it."""

    def keep_markdown(self, bodies: Collection[Body]) -> None:
        """Once every page's body is known: keep the Markdown renders they used, and only those."""

    def keep_html(self, index: int, html: bytes, sha256: str | None) -> None:
        """Keep the HTML just made of page `index` (`sha256`: its digest, when published)."""

    @property
    def element_ids(self) -> dict[int, tuple[Body, Collection[str]]]:
        """The ids of each body, kept between builds for the #fragment check (fragments.py)."""
        return {}

    # the later stages

    def catalog(self) -> CatalogCache | None:
        """The plugin catalog's own cache (asked for only where the site has a catalog: it is loaded then)."""
        return None

    @property
    def shown(self) -> str:
        """What every page (and catalog page) shows of the site; "" when nothing is cached."""
        return ""

    def search_index(self) -> SearchIndex:
        """The last build's search index, which an update changes only where entries changed."""
        if self._search is None:
            self._search = SearchIndex()
        return self._search

    def new_search_index(self) -> SearchIndex | None:
        """The build's search index if it is a new one (the cache keeps none), to merge each
        page's entry into as the page comes (search_entries.PageFeed); None when the last
        build's is kept, and `search_index` is to be asked at the end (to be updated)."""
        return self.search_index()

    def search_changed(self) -> None:
        """The search index is another than the last build's: the cache has something to save."""

    def state(self, project: Path, config: SiteConfig, theme: Theme, site: Site, pages: PageRenderer,
              bodies: dict[str, Body], output: Output, diagnostics: list[Diagnostic],
              fragments: dict[str, list[Diagnostic]], search_entries: list[SearchEntry], redirects: int,
              doc_refs: list[FragmentRef]) -> BuildState | None:
        """What the preview's fast path needs for the next body-only edit; None without a cache,
        which the fast path takes its bodies from."""
        return None


class CachedPlan(RenderPlan):
    """A build with a render cache: bodies and pages whose inputs are unchanged are taken
    from it, and what is rendered is put in it."""

    def __init__(self, cache: RenderCache) -> None:
        super().__init__()
        self.cache = cache
        self.environment = ""  # render_cache.environment_key
        self.facts: dict[str, str] = {}  # the site facts' hashes (render_cache.Facts)
        self.keys: list[str] = []  # each page's body key
        self.html_keys: list[str] = []  # each page's HTML key
        self._shown = ""
        self._made: dict[bytes, Render] = {}  # the Markdown renders this build made (keep_markdown)

    @property
    def on_disk(self) -> bool:
        return not self.cache.keep_html

    @property
    def keeps_bodies(self) -> bool:
        return True

    @property
    def keeps_sources(self) -> bool:
        return self.cache.keep_html

    @property
    def cold(self) -> bool:
        # a cached build may render none; but one whose environment changed (a shortcode
        # template edited) has no body left (`settle`) and renders every page, as a cold one
        return self.cache.cold

    def use_templates(self, config: SiteConfig, theme: Theme) -> None:
        theme.env.bytecode_cache = self.cache.templates
        self.environment = environment_key(config, theme)
        self.cache.settle(self.environment)

    def memo(self) -> SourceMemo | None:
        # the preview's, in memory, or the CLI's, saved beside the cache (cli.py): unchanged files are not read again
        return self.cache.sources

    def plan_bodies(self, project: Path, config: SiteConfig, theme: Theme, site: Site) -> None:
        self.facts = Facts(project, site_facts(site))
        self.facts["files"] = files_fact(site, project / config.content_dir)
        self.keys = [RenderCache.page_key(page, self.environment) for page in site.pages]
        # forget bodies no page has any more before rendering new ones: after a change every
        # page sees, the old and the new bodies of the whole site are never held at once
        self.cache.retain(set(self.keys))
        self.found = [self.cache.get(key, self.facts) for key in self.keys]

    def plan_pages(self, theme: Theme, site: Site, asset_names: dict[str, str], site_view: SiteView) -> None:
        # what every page's HTML (and every catalog page) shows besides its own body: the page
        # tree (sidebar, breadcrumbs, previous/next), every template, the asset names
        self._shown = digest(self.environment, layouts_key(theme), self.facts["nav"], self.facts["refs"],
                             sorted(asset_names.items()), site_view.plugins_url)
        self.html_keys = page_html_keys(site, self.keys, self._shown)

    def cached_html(self, output: Output, paths: list[str]) -> list[bytes | str | None]:
        if not self.html_keys:
            return [None] * len(paths)
        # before rendering, as for bodies: the old and the new HTML are never both held
        self.cache.retain_pages(set(self.html_keys))
        # bytes: the HTML itself; a sha256: the HTML is the previous build's file, if still published
        return [kept if not isinstance(kept := self.cache.pages.get(key), str) or output.reusable(path, kept)
                else None for key, path in zip(self.html_keys, paths)]

    def markdown(self) -> MarkdownMemo | None:
        return self.cache.markdown

    def keep_body(self, index: int, body: Body, markdown: tuple[tuple[bytes, Render], ...] = ()) -> None:
        self.cache.put(self.keys[index], self.facts, body)
        self._made.update(markdown)

    def keep_markdown(self, bodies: Collection[Body]) -> None:
        self.cache.markdown.keep((key for body in bodies for key in body.markdown_keys), self._made)
        self._made = {}

    def keep_html(self, index: int, html: bytes, sha256: str | None) -> None:
        self.cache.put_page(self.html_keys[index], html, sha256)

    @property
    def element_ids(self) -> dict[int, tuple[Body, Collection[str]]]:
        return self.cache.element_ids

    def catalog(self) -> CatalogCache | None:
        return self.cache.catalog

    @property
    def shown(self) -> str:
        return self._shown

    def search_index(self) -> SearchIndex:
        return self.cache.search

    def new_search_index(self) -> SearchIndex | None:
        return None if self.cache.keeps_search else self.cache.search

    def search_changed(self) -> None:
        self.cache.dirty = True

    def state(self, project: Path, config: SiteConfig, theme: Theme, site: Site, pages: PageRenderer,
              bodies: dict[str, Body], output: Output, diagnostics: list[Diagnostic],
              fragments: dict[str, list[Diagnostic]], search_entries: list[SearchEntry], redirects: int,
              doc_refs: list[FragmentRef]) -> BuildState | None:
        sources = [page.source for page in site.pages]
        return BuildState(
            project=project, config=config, theme=theme, site=site, renderer=pages.renderer,
            site_view=pages.site_view,
            environment=self.environment, facts=self.facts, shown=self._shown, reading=pages.reading,
            bodies=bodies,
            body_keys=dict(zip(sources, self.keys)), html_keys=dict(zip(sources, self.html_keys)),
            files=output.files, owners=output.owners, diagnostics=diagnostics, fragments=fragments,
            search_entries=search_entries, redirects=redirects, doc_refs=doc_refs)


def render_plan(cache: RenderCache | None) -> RenderPlan:
    """The plan of a build with `cache`, or the do-nothing one without."""
    return RenderPlan() if cache is None else CachedPlan(cache)


def page_html_keys(site: Site, body_keys: list[str], shown: str) -> list[str]:
    """What a page's HTML depends on: its body (whose key, with the site facts, fixes it),
    its place, and `shown`, what every page shows of the site."""
    return [digest_text(shown, page.rel, page.url, key) for page, key in zip(site.pages, body_keys)]
