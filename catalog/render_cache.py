"""The render cache: a page body is rendered again only when something it read changed.

A body's key hashes what it always depends on: the page's own source and front
matter, the configuration, the shortcode templates and the generator's own code.
Besides, a body records which site-wide facts it read (`Body.depends_on`): "refs"
(which page a path names, and its URL), "nav" (the page tree with every page's
front matter), "files" (every page's source and attachment, for the shortcodes that show
another page's excerpt or summary, or the page's attachments) and "file:PATH" (the
sha256 of one project file a shortcode read, `include` or Hugo's readFile, hashed when a
cached body asks for it). The cached body is reused only while those facts hash the same, so
the output is byte-identical to a cold build by construction; tests check it.

On disk (`save`, `load`) the cache is one stream of pickles, read in order by one
unpickler: a header (the format and the environment key the bodies were rendered under),
the compiled templates, the search index, then the bodies and the pages' digests. A body
key hashes the environment, so after an edit to the configuration, a shortcode template or
the code every stored body and page is stale: the build then never unpickles them (that
was 0.2-0.3 s of a 5,000-page build), while the templates and the search index, which do
not depend on it, are still taken (`settle`); the search index only when the build comes
to it, so that it is not held through the pages (~70 MB at 5,000 pages).
"""
from __future__ import annotations

import hashlib
import pickle
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Collection

import jinja2
import jinja2.bccache

from .config import SiteConfig
from .content import Page, Site
from .content_files import SourceMemo, read_regular_file
from .hashing import code_digest, digest, digest_text
from .markdown_memo import MarkdownMemo
from .page_files import FILE_FACT
from .parallel import cyclic_gc_paused
from .pickle_files import UNREADABLE, load_pickle, save_pickles, unreadable_reason
from .regular_files import open_regular_file
from .body import Body
from .search import SearchIndex
from .theme import Theme

if TYPE_CHECKING:  # imported when first used: a site without a plugins-index never needs it
    from .plugins.buildmemo import CatalogCache

# 8: a stream of pickles, the environment key in its header (RenderCache.load); 9: bodies and
# the search index keep a text's terms (search_terms.TextTerms), not the text; 10: bodies name
# the Markdown renders they used (Body.markdown_keys)
CACHE_FORMAT = 10


def code_fingerprint() -> str:
    """The generator's own code: a new version must not reuse bodies of the old one."""
    return code_digest(Path(__file__).parent, (".py",))


def environment_key(config: SiteConfig, theme: Theme) -> str:
    """What every body depends on: configuration, shortcode templates, the code."""
    templates = []
    for folder in theme.layout_dirs:
        for path in sorted((folder / "shortcodes").glob("*.html")):
            templates.append([str(path.relative_to(folder)), path.read_bytes().hex()])
    return digest(CACHE_FORMAT, repr(config), templates, code_fingerprint())


def layouts_key(theme: Theme) -> str:
    """Every template of the site and the theme: a page's HTML depends on all of them."""
    files = []
    for folder in theme.layout_dirs:
        for path in sorted(folder.rglob("*.html")):
            files.append([str(path.relative_to(folder)), path.read_bytes().hex()])
    return digest(files)


class Facts(dict):
    """The site-wide facts' hashes, by name; a `file:PATH` fact is the sha256 of that
    project file, read only when a cached body that read it asks (most bodies read none)."""

    def __init__(self, project: Path, values: dict[str, str]) -> None:
        super().__init__(values)
        self.project = project

    def __missing__(self, name: str) -> str:
        if not name.startswith(FILE_FACT):
            raise KeyError(name)
        try:
            # never a FIFO's wait for a writer: a body may name any path it tried to read
            value = hashlib.sha256(read_regular_file(str(self.project / name[len(FILE_FACT):]))).hexdigest()
        except OSError as exc:  # gone or unreadable: the body reported it, or will
            value = f"unreadable: {exc.errno}"
        self[name] = value
        return value


def reads_project_files(depends_on: Any) -> bool:
    """Whether a body read files beside its own source (attachments, another page, a
    project file): the preview's fast path cannot tell when those change."""
    return any(name == "files" or name.startswith(FILE_FACT) for name in depends_on)


def site_facts(site: Site) -> dict[str, str]:
    """Hashes of the site-wide facts a body may read."""
    refs = [[p.rel, p.url, p.kind, p.dir] for p in [*site.pages, *site.unwritten]]
    nav = [[p.rel, p.url, p.kind, p.title, p.weight, p.hidden, p.alwaysopen, p.description,
            p.parent.url if p.parent else "", p.meta_digest] for p in site.pages]
    return {"refs": digest(refs), "nav": digest(nav)}


class TemplateCode(jinja2.BytecodeCache):
    """Compiled templates, by template file and source checksum (Jinja checks the checksum),
    so a build does not compile every template again. Every Theme makes its Environment
    with the same options, which the compiled code depends on."""

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}
        self.added = False

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()
        self.added = True


@dataclass
class _Entry:
    facts: dict[str, str]  # the hashes of the facts the body read, when it was rendered
    body: Body


class RenderCache:
    """Bodies by page key; kept in memory by the preview server, on disk between builds."""

    def __init__(self) -> None:
        self._entries: dict[str, _Entry] = {}
        # a page's whole HTML, by everything its templates read. The preview keeps the bytes;
        # a cache on disk keeps only their sha256, since the previous build's published file
        # (checked against the publish manifest) is the HTML: a 20,000-page site's pages are
        # 1.4 GB, which neither the pickle nor a build's memory should carry.
        self._pages: dict[str, bytes | str] = {}
        self.keep_html = True
        self._search = SearchIndex()  # the last search index, updated by the next build
        self.templates = TemplateCode()
        self.element_ids: dict[int, tuple[Body, Collection[str]]] = {}  # check_fragments' ids; in memory only
        self.sources = SourceMemo()  # parsed content files; kept in memory only (the preview's)
        self.markdown = MarkdownMemo()  # Markdown renders, which outlive the environment (the CLI's file: cli.py)
        self.hits = 0
        self.misses = 0
        self.dirty = False  # something to save: a build that changed nothing skips the write
        self.environment = ""  # the environment key the bodies and pages were made under
        # the file `load` read, while it has parts to give: the unpickler (which holds the
        # stream's memo) and the file; `_next` is the part it gives next ("search", "bodies")
        self._stream: tuple[pickle.Unpickler, IO[bytes]] | None = None
        self._next = ""
        self._settled = True  # False from `load` until `settle` said whether the bodies are wanted
        self._skip_bodies = False  # made under another environment: never unpickled
        self.problem = ""  # why the file `load` read could not be used, for a warning ("" if it could)
        # the plugin catalog's own memo, saved in a file of its own; made or loaded when first
        # asked for, so that a site without plugins imports none of the catalog's code (0.1 s)
        self._catalog: CatalogCache | None = None
        self._catalog_file: Path | None = None

    @property
    def catalog(self) -> CatalogCache:
        if self._catalog is None:
            from .plugins.buildmemo import CatalogCache
            stored = load_pickle(self._catalog_file, CatalogCache) if self._catalog_file is not None else None
            self._catalog = stored or CatalogCache()
        return self._catalog

    @catalog.setter
    def catalog(self, value: CatalogCache) -> None:
        self._catalog = value

    @staticmethod
    def page_key(page: Page, environment: str) -> str:
        # the file's digest fixes its body, front matter and body line; a made-up section
        # page (no file) is fixed by its path and the configuration (in `environment`)
        return digest_text(environment, page.source, page.rel, page.digest)

    # the parts of a cache on disk are unpickled when first asked for (`settle`)

    @property
    def keeps_search(self) -> bool:
        """A search index is kept from the last build (read or not yet)."""
        return self._next == "search" or bool(self._search.files)

    @property
    def search(self) -> SearchIndex:
        if self._next == "search":
            self._read_search()
        return self._search

    @search.setter
    def search(self, value: SearchIndex) -> None:
        if self._next == "search":
            self._read_search()  # the stream's next part, read past
        self._search = value

    @property
    def entries(self) -> dict[str, _Entry]:
        if self._stream is not None and not self._skip_bodies:
            self._read_bodies()
        return self._entries

    @entries.setter
    def entries(self, value: dict[str, _Entry]) -> None:
        self._entries = value

    @property
    def pages(self) -> dict[str, bytes | str]:
        if self._stream is not None and not self._skip_bodies:
            self._read_bodies()
        return self._pages

    @pages.setter
    def pages(self, value: dict[str, bytes | str]) -> None:
        self._pages = value

    def _read_search(self) -> None:
        assert self._stream is not None
        self._next = "bodies"
        try:
            with cyclic_gc_paused():  # its objects live for the build: half the time (as in the build)
                search = self._stream[0].load()
        except UNREADABLE as exc:  # truncated or damaged: a search index made afresh
            search, self.problem = None, unreadable_reason(exc)
        if not isinstance(search, SearchIndex):
            self.problem = self.problem or "it does not hold what this version wrote"
            self._close()
        else:
            self._search = search
            if self._skip_bodies:
                self._close()

    def _read_bodies(self) -> None:
        self._settled = True
        if self._next == "search":
            self._read_search()
        if self._stream is None:
            return
        try:
            entries, pages = self._stream[0].load(), self._stream[0].load()
            if isinstance(entries, dict) and isinstance(pages, dict):
                self._entries, self._pages = entries, pages
            else:
                self.problem = "it does not hold what this version wrote"
        except UNREADABLE as exc:  # truncated or damaged after its header: a cold build
            self.problem = unreadable_reason(exc)
        finally:
            self._close()

    def _close(self) -> None:
        if self._stream is not None:
            self._stream[1].close()
        self._stream, self._next = None, ""

    def settle(self, environment: str) -> None:
        """Keep the bodies and pages only if they were made under `environment` (the build's
        configuration, shortcode templates and code): a cache on disk unpickles them only
        then, one in memory (the preview's) forgets them otherwise, before the build reads
        the site. Either way a build that will render every page knows it (`cold`)."""
        if not self._settled:
            self._settled = True
            if environment == self.environment:
                self._read_bodies()
            else:
                self._skip_bodies = True
                if self._next != "search":
                    self._close()
        if environment != self.environment:
            if self.entries or self.pages:
                self.entries, self.pages = {}, {}
                self.element_ids.clear()
                self.dirty = True
            self.environment = environment

    @property
    def cold(self) -> bool:
        """No body nor page kept: every page will be rendered."""
        return not self._entries and not self._pages and (self._stream is None or self._skip_bodies)

    def get(self, key: str, facts: dict[str, str]) -> Body | None:
        entry = self.entries.get(key)
        if entry is None or any(facts[name] != value for name, value in entry.facts.items()):
            self.misses += 1
            return None
        self.hits += 1
        return entry.body

    def put(self, key: str, facts: dict[str, str], body: Body) -> None:
        self.entries[key] = _Entry({name: facts[name] for name in sorted(body.depends_on)}, body)
        self.dirty = True

    def put_page(self, key: str, html: bytes, sha256: str | None = None) -> None:
        """`sha256`: the HTML's, when the caller has it already (publishing computed it)."""
        self.pages[key] = html if self.keep_html else sha256 or hashlib.sha256(html).hexdigest()
        self.dirty = True

    def retain(self, keys: set[str]) -> None:
        """Forget bodies of pages that no longer exist, so the cache does not grow forever."""
        if len(self.entries) != len(keys & self.entries.keys()):
            self.entries = {k: v for k, v in self.entries.items() if k in keys}
            self.dirty = True

    def retain_pages(self, keys: set[str]) -> None:
        if len(self.pages) != len(keys & self.pages.keys()):
            self.pages = {k: v for k, v in self.pages.items() if k in keys}
            self.dirty = True

    # -- on disk ----------------------------------------------------------------------------

    @classmethod
    def load(cls, path: Path) -> "RenderCache":
        """The cache `path` holds; its bodies and pages are read by `settle`, if still valid.
        A missing file, or one of another format, is an empty cache; a damaged one too, with
        `problem` saying why (the CLI warns: the build is a cold one)."""
        cache = cls()
        cache.keep_html = False
        cache._catalog_file = _catalog_file(path)
        try:
            handle = open_regular_file(path)  # a FIFO named like the cache would wait for ever
        except FileNotFoundError:
            return cache
        except OSError as exc:
            cache.problem = unreadable_reason(exc)
            return cache
        try:
            unpickler = pickle.Unpickler(handle)
            header = unpickler.load()
            if not isinstance(header, dict) or header.get("format") != CACHE_FORMAT:
                handle.close()  # another version's cache (or none): a cold build, said nothing of
                return cache
            templates = unpickler.load()
        except UNREADABLE as exc:
            handle.close()
            cache.problem = unreadable_reason(exc)
            return cache
        if not isinstance(templates, dict):
            handle.close()
            cache.problem = "it does not hold what this version wrote"
            return cache
        cache.environment = str(header.get("environment", ""))
        # compiled templates: a CLI build would otherwise compile every template it renders
        # (the 404 and redirect pages, even when no page changed) from source again
        cache.templates.code = templates
        cache._stream, cache._next, cache._settled = (unpickler, handle), "search", False
        weakref.finalize(cache, handle.close)  # a build that stops before reading it all (a config error)
        return cache

    def save(self, path: Path) -> None:
        """Write what changed: the pages' memo and the catalog's (large: every plugin file) separately."""
        if not self._settled:  # no page was built: what the file holds stays as it is
            self._close()
        elif self.dirty or self.templates.added:
            self._share_search_text()
            # one stream: the bodies share the search index's text (`load` reads it in this order)
            save_pickles(path, [{"format": CACHE_FORMAT, "environment": self.environment}, self.templates.code,
                                self.search, self.entries, self.pages])
            self.dirty = self.templates.added = False
        if self._catalog is not None and self._catalog.dirty:
            self._catalog.dirty = False
            save_pickles(_catalog_file(path), [self._catalog])

    def _share_search_text(self) -> None:
        """Give each body the search index's copy of its text's terms where they are equal, so
        the stream writes them once: a search index unchanged by a build keeps the last
        build's, while bodies rendered again bring new ones."""
        shared = {entry.terms: entry.terms for entry in self.search.entries if entry.terms is not None}
        for entry in self._entries.values():
            terms = shared.get(getattr(entry.body, "terms", None))
            if terms is not None:
                entry.body.terms = terms


def _catalog_file(path: Path) -> Path:
    return path.with_name("catalog.pickle")
