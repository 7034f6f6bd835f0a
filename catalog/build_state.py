"""What a build that ran every stage keeps for the preview's next body-only edit
(incremental.rebuild_bodies). Its own module: the build makes it and the incremental
rebuild reads it, and neither imports the other for it (no cycle behind an import
inside a function)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .render_cache import reads_project_files
from .config import SiteConfig
from .content import Page, Site
from .diagnostics import Diagnostic
from .body import Body, FragmentRef
from .render import BodyRenderer
from .template_views import SiteView
from .search import SearchEntry
from .theme import Theme


@dataclass
class BuildState:
    """What a build that ran every stage leaves for the next body-only edit.

    Its page objects are the last build's; a fast rebuild updates the edited pages'
    bodies in place, and every other field to what a full build would have given."""

    project: Path
    config: SiteConfig
    theme: Theme
    site: Site
    renderer: BodyRenderer
    site_view: SiteView
    environment: str  # render_cache.environment_key
    facts: dict[str, str]  # render_cache.site_facts
    shown: str  # what every page's HTML shows of the site (render_plan.page_html_keys)
    reading: list[Page]
    bodies: dict[str, Body]  # by page source
    body_keys: dict[str, str]  # render cache keys, by page source
    html_keys: dict[str, str]
    files: dict[str, bytes]  # every planned file
    owners: dict[str, str]  # who planned each file
    diagnostics: list[Diagnostic]  # the whole report
    fragments: dict[str, list[Diagnostic]]  # check_fragments' warnings, by the source of the ref
    search_entries: list[SearchEntry]
    redirects: int
    doc_refs: list[FragmentRef] = field(default_factory=list)  # plugins' `documentation:` refs with a #fragment
    by_source: dict[str, Page] = field(init=False)
    position: dict[int, int] = field(init=False)  # id(page) -> its index in `reading`
    source_of: dict[str, str] = field(init=False)  # page rel -> its source, as check_fragments has it
    refs_to: dict[str, set[str]] = field(init=False)  # target rel -> sources whose refs name a fragment of it
    entry_of: dict[str, int] = field(init=False)  # URL -> its search entry's index
    folders: set[str] | None = None  # content folders that held a file last time (made when first needed)
    reads_files: bool = field(init=False)  # some body read files besides its own (page_files.py)

    def __post_init__(self) -> None:
        self.by_source = {page.source: page for page in self.site.pages if page.rel}
        self.position = {id(page): i for i, page in enumerate(self.reading)}
        self.source_of = {page.rel: page.source for page in self.site.pages if page.rel}
        self.refs_to = {}
        for source, body in self.bodies.items():
            for ref in body.fragment_refs:
                self.refs_to.setdefault(ref.target, set()).add(source)
        for ref in self.doc_refs:
            self.refs_to.setdefault(ref.target, set()).add(ref.source)
        self.entry_of = {entry.url: i for i, entry in enumerate(self.search_entries)}
        self.reads_files = any(reads_project_files(body.depends_on) for body in self.bodies.values())
