"""Rebuilding after edits to page bodies alone: the preview server's fast path.

When every changed input is a content file of the last build whose front matter
(values, their lines, the body's first line) is unchanged, the page tree, URLs, refs
and the site facts are those of the last build, and so are the redirect pages, the
sitemap, the plugin pages and the assets. What can differ is the edited pages' bodies
and HTML, the #fragment checks of refs from or to them, the diagnostics of their
bodies, and the search index. `rebuild_bodies` redoes exactly those from the
`BuildState` the last build kept, in time proportional to the edit, not to the site;
for any other change it returns None and the caller builds in full (the safe default).

The model is the render cache's: a body depends on its own file and on the site facts,
never on another page's body, so an edit to one body changes no other page's HTML.
tests/test_incremental.py compares the result with a cold build after each kind of edit.
"""
from __future__ import annotations

import dataclasses
import os
import time
from typing import Sequence

from .build_result import BuildResult
from .build_state import BuildState
from .content import Page
from .content_files import ignored_name
from .diagnostics import Diagnostic, Report
from .fragments import fragment_warnings
from .hashing import digest_text
from .output import url_to_file
from .page_files import content_file_target, is_attachment_path
from .page_render import render_page
from .parallel import cyclic_gc_paused
from .render_cache import RenderCache, reads_project_files
from .search_entries import body_terms, searchable


def rebuild_bodies(state: BuildState, inputs: Sequence[str], cache: RenderCache) -> BuildResult | None:
    """The build after `inputs` (project-relative paths that changed) when they change page
    bodies only; None when they may change anything else. `state` and `cache` are updated."""
    started = time.perf_counter()
    if state.reads_files:
        return None  # a body shows other files (attachments, an excerpt, an include): a full build
    with cyclic_gc_paused():
        edited = _edited_pages(state, inputs, cache)
        if edited is None:
            return None
        if edited:
            state.files = dict(state.files)  # a new dict: the served epoch keeps the old one
            for page, fresh in edited:
                if not _replace_body(state, page, fresh, cache):
                    return None  # `state` is half updated: the caller drops it
            _recheck_fragments(state, [page for page, _ in edited], cache)
            _update_search(state, [page for page, _ in edited], cache)
    report = Report()
    report.extend(state.diagnostics)
    result = BuildResult(report, state.project / "public", pages=len(state.site.pages), redirects=state.redirects,
                         files=len(state.files), rendered=len(edited), outputs=state.files, state=state)
    result.seconds = time.perf_counter() - started
    result.stages["bodies"] = result.seconds
    return result


def _edited_pages(state: BuildState, inputs: Sequence[str], cache: RenderCache) -> list[tuple[Page, Page]] | None:
    """(page of the last build, the file's page now) for each content file whose bytes
    changed; None when an input may change more than bodies."""
    content_dir = state.config.content_dir
    content_root = state.project / content_dir
    edited: list[tuple[Page, Page]] = []
    for path in inputs:
        if not path.startswith(content_dir + "/"):
            return None  # configuration, templates, static files, the plugin index: a full build
        rel = path[len(content_dir) + 1:]
        if any(ignored_name(part) for part in rel.split("/")):
            continue  # load_site skips them: hidden files and folders, editors' autosaves and backups
        full = os.path.join(content_root, rel)  # the memo's key, as load_site makes it
        page = state.by_source.get(path)
        if page is None:
            if is_attachment_path(rel):
                return None  # published as it is: a full build plans it
            if not rel.endswith(".md") and (os.path.lexists(full) or content_file_target(rel) in state.files):
                return None  # a bundle's image or a site's asset, published (or to unpublish): a full build
            if _may_hold_pages(state, cache, rel, full):
                return None
            continue
        if not os.path.isfile(full) or os.path.islink(full):
            return None
        parsed = Report()
        try:
            fresh = cache.sources.page(full, rel, path, parsed)
        except OSError:  # gone since the event
            return None
        if fresh is None or parsed.items or not _same_front_matter(page, fresh):
            return None
        if fresh.digest != page.digest:
            edited.append((page, fresh))
    return edited


def _may_hold_pages(state: BuildState, cache: RenderCache, rel: str, full: str) -> bool:
    """Whether a path that is no page of the last build may change which pages exist: a
    Markdown file (new, a draft, one that failed to load), a folder that is there now or
    held files last time. Anything else (an editor's temporary file) a build never reads."""
    if rel.endswith(".md") and (os.path.lexists(full) or full in cache.sources.files):
        return True
    if os.path.isdir(full):
        return True
    if state.folders is None:
        prefix = len(str(state.project / state.config.content_dir)) + 1
        state.folders = {name[prefix:].rsplit("/", depth)[0] for name in cache.sources.files
                         for depth in range(1, name[prefix:].count("/") + 1)}
    return rel in state.folders


def _same_front_matter(page: Page, fresh: Page) -> bool:
    # equal values at the same lines, and the body starting on the same line: of one file,
    # everything but `body` and `digest` is then the same (load_site's own settings, such as
    # the home page's kind, included). Both comparisons, since each misses a change of type
    # the other sees: == takes `true` for `1`, the JSON digest a date for its string.
    return (fresh.meta == page.meta and fresh.meta_digest == page.meta_digest
            and fresh.key_lines == page.key_lines and fresh.body_line == page.body_line)


def _replace_body(state: BuildState, page: Page, fresh: Page, cache: RenderCache) -> bool:
    """Render `page` with the body of `fresh`; False when its HTML cannot be made here (a
    theme error, a page that had no file of its own: the full build reports those)."""
    base_path = state.config.base_path
    file = url_to_file(page.url, base_path)
    if state.owners.get(file) != page.source:
        return False
    page.body, page.digest = fresh.body, fresh.digest
    source = page.source
    old_body, old_key, old_html_key = state.bodies[source], state.body_keys[source], state.html_keys[source]
    key = RenderCache.page_key(page, state.environment)
    body = cache.get(key, state.facts)
    if body is None:
        body, used, made = state.renderer.render_noting_markdown(page)
        memo = state.renderer.markdown_memo
        if memo is not None:  # its Markdown renders, for the next build after an environment change
            memo.renders.update(made)
            body = dataclasses.replace(body, markdown_keys=used)
        cache.put(key, state.facts, body)
    html_key = digest_text(state.shown, page.rel, page.url, key)
    html = cache.pages.get(html_key)
    if html is None:
        text, error = render_page(page, body, state.position.get(id(page)), state.reading, state.config,
                                  state.theme, state.site_view)
        if error:
            return False
        html = text.encode("utf-8")
        cache.put_page(html_key, html)
    # the cache keeps what a full build would retain: the edited page's entries replace its old ones
    if old_key != key:
        cache.entries.pop(old_key, None)
    if old_html_key != html_key:
        cache.pages.pop(old_html_key, None)
    cache.element_ids.pop(id(old_body), None)
    state.diagnostics = _swap(state.diagnostics, set(old_body.diagnostics), body.diagnostics)
    for ref in old_body.fragment_refs:
        state.refs_to.get(ref.target, set()).discard(source)
    for ref in body.fragment_refs:
        state.refs_to.setdefault(ref.target, set()).add(source)
    state.bodies[source], state.body_keys[source], state.html_keys[source] = body, key, html_key
    state.reads_files = state.reads_files or reads_project_files(body.depends_on)
    state.files[file] = html
    return True


def _recheck_fragments(state: BuildState, edited: list[Page], cache: RenderCache) -> None:
    """Check again the refs from the edited pages, and those to them (their ids may have changed)."""
    sources = {page.source for page in edited}
    for page in edited:
        sources |= state.refs_to.get(page.rel, set())
    stale: set[Diagnostic] = set()
    fresh: list[Diagnostic] = []
    for source in sorted(sources):
        stale.update(state.fragments.pop(source, ()))
        refs = state.bodies[source].fragment_refs if source in state.bodies else \
            [ref for ref in state.doc_refs if ref.source == source]
        warnings = fragment_warnings(refs, state.source_of, state.bodies, cache.element_ids)
        if warnings:
            state.fragments[source] = warnings
            fresh += warnings
    if stale or fresh:
        state.diagnostics = _swap(state.diagnostics, stale, fresh)


def _swap(diagnostics: list[Diagnostic], stale: set[Diagnostic], fresh: list[Diagnostic]) -> list[Diagnostic]:
    """`diagnostics` without `stale`, with `fresh`, each once (as Report keeps them). A stale
    one is only ever reported by the stage it is taken out for: body and fragment
    diagnostics name the page's own source, with codes no other stage uses."""
    kept = [d for d in diagnostics if d not in stale] if stale else list(diagnostics)
    seen = set(kept)
    for diagnostic in fresh:
        if diagnostic not in seen:
            seen.add(diagnostic)
            kept.append(diagnostic)
    return kept


def _update_search(state: BuildState, edited: list[Page], cache: RenderCache) -> None:
    entries = list(state.search_entries)
    changed: list[int] = []
    for page in edited:
        at = state.entry_of.get(page.url)
        if at is not None and searchable(page) and entries[at].kind == "page":
            entries[at] = dataclasses.replace(entries[at], text="", terms=body_terms(state.bodies[page.source]))
            changed.append(at)
    before = cache.search.files
    files = cache.search.update(entries, changed)
    if files is not before:
        cache.dirty = True
        # the shards are named by their content: drop those the new index no longer lists
        for rel in [rel for rel in state.files if rel.startswith("search/") and rel not in files]:
            del state.files[rel]
            state.owners.pop(rel, None)
        for rel in files:
            state.owners.setdefault(rel, "catalog")
    state.search_entries = entries
    state.files.update(files)


def warm(state: BuildState) -> None:
    """Load into this process the templates a fast rebuild renders with, while nobody waits.
    A full build renders in forked workers when it has many pages, and what they compiled
    dies with them: the first edit after the preview's first build paid ~0.1 s for it."""
    theme = state.theme
    for name in ["page.html", *(f"shortcodes/{name}.html" for name in theme.shortcode_names())]:
        try:
            theme.env.get_template(name)
        except Exception:  # a broken template: the build that uses it reports it
            pass
