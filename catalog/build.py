"""The build pipeline, top to bottom: configuration, content, pages (each page's body,
then its HTML), checks, redirects, assets, plugin index, then one publish step. Files are
staged beside the output as they are made, and nothing reaches the output unless the
whole build succeeds."""
from __future__ import annotations

import dataclasses
import resource
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Collection, Mapping, Sequence

from .assets import Assets, collect_static
from .build_state import BuildState
from .cache import Facts, RenderCache, environment_key, layouts_key, site_facts
from .config import SiteConfig, has_plugins
from .content import Page, Site, alias_urls, content_files, load_site, url_path_problem
from .diagnostics import Diagnostic, LocatedError, Report, did_you_mean
from .hashing import digest, digest_text
from .highlight import stylesheet
from .hosting import redirects_file, robots, sitemap
from .pages import PageRenderer, PageTask, RenderedPage, element_ids, hidden
from .parallel import MIN_PARALLEL, Workers, cyclic_gc_paused
from .output import Output, PublishError, SiteFiles, Staging, url_to_file
from .page_files import files_fact, publish_attachments, publish_content_files
from .refs import RefResolver, lenient_message
from .render import Body, FragmentRef, SiteView
from .search import SearchEntry, SearchIndex, page_entries, plugin_entry
from .sources import load_project_config
from .theme import Theme
from .urls import rewriter

if TYPE_CHECKING:  # the plugin catalog is imported where a site has one (0.1 s of every CLI build otherwise)
    from .early import EarlyFiles
    from .plugins.buildmemo import CatalogCache
    from .plugins.model import Listing


@dataclass
class BuildResult:
    report: Report
    output: Path
    pages: int = 0
    redirects: int = 0
    files: int = 0
    seconds: float = 0.0
    written: bool = False
    rendered: int = 0  # page bodies rendered (not taken from the cache)
    files_written: int = 0  # files actually written (unchanged ones are left alone)
    stages: dict[str, float] = field(default_factory=dict)  # seconds per pipeline stage
    peak_rss: dict[str, int] = field(default_factory=dict)  # bytes: this process's peak so far, after each stage
    # every file, by site path: planned in memory (write=False), else read from the published
    # site; empty when a build that was to publish failed
    outputs: Mapping[str, bytes] = field(default_factory=dict)
    state: BuildState | None = None  # when asked for (`keep_state`) and every stage ran


def build(project: Path, out: Path | None = None, *, drafts: bool = False, strict: bool = False,
          cache: RenderCache | None = None, write: bool = True, jobs: int | None = None,
          base_url: str | None = None, fingerprint: bool = True, manifest: Path | None = None,
          keep_state: bool = False, early: EarlyFiles | None = None) -> BuildResult:
    """Build the site of `project` into `out` (default: project/public).

    `cache` keeps page bodies between builds (the preview server passes one kept in
    memory, the CLI one loaded from disk); `write=False` plans the files without
    writing them (the preview server serves `result.outputs` from memory); `jobs` is
    the number of worker processes (default: one per core; 1 renders in-process);
    `base_url` overrides site.toml's, to build the same sources under another version
    prefix; `fingerprint=False` keeps asset names as they are (the preview swaps CSS
    in place by name); `manifest` records what was written, so that the next build
    into the same folder rewrites only the files that changed; `keep_state` (with a `cache`)
    keeps in `result.state` what `incremental.rebuild_bodies` needs to redo the next
    body-only edit without this whole pipeline (the preview server's fast path); `early`
    makes the files a preview's browser asks for during the build before the other pages
    (catalog/early.py)."""
    project = project.resolve()
    out = (out or project / "public").resolve()
    # a build that publishes writes each file into a staging folder beside `out` as it is
    # made, keeping only its digest: a large site's pages need not fit in memory at once
    output = Output(staging=Staging(out, manifest) if write else None)
    try:
        with cyclic_gc_paused(), Workers(jobs) as workers:
            return _build(project, out, output, workers, drafts=drafts, strict=strict, cache=cache, jobs=jobs,
                          base_url=base_url, fingerprint=fingerprint, keep_state=keep_state, early=early)
    finally:
        if output.staging is not None:
            output.staging.discard()  # all of it, unless publish swapped it in


def _build(project: Path, out: Path, output: Output, workers: Workers, *, drafts: bool, strict: bool,
           cache: RenderCache | None, jobs: int | None, base_url: str | None, fingerprint: bool,
           keep_state: bool, early: EarlyFiles | None = None) -> BuildResult:
    started = time.perf_counter()
    report = Report()
    result = BuildResult(report, out)

    config = load_project_config(project, report)  # site.toml, else the Hugo or Jekyll site's own
    if config is None:
        return result
    if base_url is not None:
        config = dataclasses.replace(config, base_url=base_url)
    output.rewrite = rewriter(config)
    theme = Theme(project, config)
    if cache is not None:
        theme.env.bytecode_cache = cache.templates
    if not theme.check(report, config):
        return result
    clock = _Stopwatch(result.stages, result.peak_rss, started)
    files = content_files(project, config)
    if cache is None and len(files) >= MIN_PARALLEL:
        # a cold build renders every page: fork the workers now, while this process holds
        # little (they are sent what they render); a cached build may render none
        workers.start()
    # a cache loaded from disk (the CLI's) lives for one build: its bodies' HTML is kept
    # compressed and no page keeps its Markdown once its body is known (the preview's cache,
    # in memory, keeps both for the next edit)
    on_disk = cache is not None and not cache.keep_html
    site = load_site(project, config, report, drafts=drafts,
                     memo=cache.sources if cache is not None and not on_disk else None, files=files)
    resolver = RefResolver(site)
    clock.lap("load")

    environment = environment_key(config, theme) if cache is not None else ""
    facts = Facts(project, site_facts(site)) if cache is not None else {}
    if cache is not None:
        facts["files"] = files_fact(site, project / config.content_dir)
    keys, found = cached_bodies(site, cache, environment, facts)

    assets = Assets(config.base_path, fingerprint)
    collect_static(theme, assets, report)
    assets.add("css/pygments.css", stylesheet().encode(), "Pygments stylesheet")
    pages = PageRenderer(config, theme, site, resolver, assets, keep_html=cache is not None, pack=on_disk)
    renderer, site_view, reading = pages.renderer, pages.site_view, pages.reading

    # what every page's HTML (and every catalog page) shows besides its own body: the page
    # tree (sidebar, breadcrumbs, previous/next), every template, the asset names
    shown = digest(environment, layouts_key(theme), facts["nav"], facts["refs"], sorted(assets.names.items()),
                   site_view.plugins_url) if cache is not None else ""
    page_keys = page_html_keys(site, keys, shown) if cache is not None else None
    if early is not None:
        early.ready(_early_renderer(pages, found, output, assets))
    bodies, result.rendered = render_pages(pages, found, output, report, workers, cache, keys, page_keys, facts,
                                           early)
    workers.close()  # nothing else is sent to them: their memory is the next stages'
    fragments = check_fragments(site, bodies, report, cache.element_ids if cache is not None else {})
    clock.lap("pages")
    aliases = write_redirect_pages(site, config, theme, site_view, output, report)
    result.redirects = len(aliases)
    for rel, data, label in assets.published():
        output.add(rel, data, label, report)
    publish_attachments(site, project / config.content_dir, config.content_dir, output, report)
    publish_content_files(project / config.content_dir, config.content_dir, config.content_exclude, output, report)
    output.add("404.html", theme.render("404.html", {"site": site_view}), "404.html", report, what="not-found page")
    clock.lap("assets")
    doc_refs: list[FragmentRef] = []
    plugins = build_plugins(project, config, theme, site_view, resolver, site, output, report,
                            cache.catalog if cache is not None and has_plugins(project, config) else None, shown, jobs, keep_bytes=not on_disk,
                            doc_refs=doc_refs)
    # a plugin's `documentation:` #fragment is checked as a page's ref is: one rule, one warning
    fragments.update(check_doc_fragments(site, doc_refs, bodies, report,
                                         cache.element_ids if cache is not None else {}))
    clock.lap("plugins")
    search_entries = write_search_index(site, config, bodies, plugins, output, report, cache)
    write_host_files(site, config, aliases, output, report)
    clock.lap("search+host")
    if keep_state and cache is not None:
        result.state = BuildState(
            project=project, config=config, theme=theme, site=site, renderer=renderer, site_view=site_view,
            environment=environment, facts=facts, shown=shown, reading=reading, bodies=bodies,
            body_keys=dict(zip([p.source for p in site.pages], keys)),
            html_keys=dict(zip([p.source for p in site.pages], page_keys or [])),
            files=output.files, owners=output.owners, diagnostics=list(report.items), fragments=fragments,
            search_entries=search_entries, redirects=len(aliases), doc_refs=doc_refs)

    result.pages = len(site.pages)
    result.files = len(output.owners)
    result.outputs = output.files
    if not report.failed(strict) and output.staging is not None:
        try:
            result.files_written = output.staging.publish()
            result.written = True
            result.outputs = SiteFiles(out, output.paths())
        except PublishError as err:  # a full disk, a read-only folder: say what to do, keep the old site
            report.error(str(out), 0, 0, "publish-failed", err.message, err.hint)
        clock.lap("write")
    result.seconds = time.perf_counter() - started
    return result


class _Stopwatch:
    """Seconds per stage, and the process's peak RSS so far at the end of each (--timings)."""

    def __init__(self, laps: dict[str, float], peaks: dict[str, int], start: float) -> None:
        self.laps, self.peaks, self.last = laps, peaks, start

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = now - self.last
        self.peaks[name] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        self.last = now


def cached_bodies(site: Site, cache: RenderCache | None, environment: str, facts: dict[str, str]
                  ) -> tuple[list[str], list[Body | None]]:
    """Every page's render cache key, and its body where the cache has one nothing it read has changed."""
    if cache is None:
        return [""] * len(site.pages), [None] * len(site.pages)
    keys = [RenderCache.page_key(page, environment) for page in site.pages]
    # forget bodies no page has any more before rendering new ones: after a change every
    # page sees, the old and the new bodies of the whole site are never held at once
    cache.retain(set(keys))
    return keys, [cache.get(key, facts) for key in keys]


def check_fragments(site: Site, bodies: dict[str, Body], report: Report,
                    known: dict[int, tuple[Body, Collection[str]]]) -> dict[str, list[Diagnostic]]:
    """Beyond Hugo: a ref's #fragment must name a heading (or other id) of its target page.
    Returns the warnings by the source of the page whose ref it is (the preview's fast
    path checks again only the pages an edit touches).

    `known` keeps each body's ids between builds (by the body object: a body taken from
    the render cache is the same object, one rendered again is another)."""
    source_of = {page.rel: page.source for page in site.pages if page.rel}
    ids_of: dict[str, Collection[str]] = {}
    found: dict[str, list[Diagnostic]] = {}
    for source, body in bodies.items():
        if body.fragment_refs:
            found[source] = fragment_warnings(body.fragment_refs, source_of, bodies, known, ids_of)
            report.extend(found[source])
    if len(known) > len(bodies):  # forget bodies edits replaced (they are kept alive here)
        current = {id(body) for body in bodies.values()}
        for stale in [key for key in known if key not in current]:
            del known[stale]
    return found


def check_doc_fragments(site: Site, refs: list[FragmentRef], bodies: dict[str, Body], report: Report,
                        known: dict[int, tuple[Body, Collection[str]]]) -> dict[str, list[Diagnostic]]:
    """check_fragments for the plugins' `documentation:` refs, by the plugins-index file of each."""
    source_of = {page.rel: page.source for page in site.pages if page.rel}
    found: dict[str, list[Diagnostic]] = {}
    for ref in refs:
        found.setdefault(ref.source, []).extend(fragment_warnings([ref], source_of, bodies, known))
    for warnings in found.values():
        report.extend(warnings)
    return {source: warnings for source, warnings in found.items() if warnings}


def fragment_warnings(refs: Sequence[FragmentRef], source_of: dict[str, str], bodies: dict[str, Body],
                      known: dict[int, tuple[Body, Collection[str]]],
                      ids_of: dict[str, Collection[str]] | None = None) -> list[Diagnostic]:
    """The warnings of the refs whose #fragment names no id of its target page."""
    ids_of = {} if ids_of is None else ids_of
    warnings: list[Diagnostic] = []
    for ref in refs:
        target = source_of.get(ref.target, "")
        if target not in ids_of:
            ids_of[target] = _element_ids(bodies[target], known) if target in bodies else frozenset()
        if ref.fragment not in ids_of[target]:
            warnings.append(Diagnostic(ref.source, ref.line, ref.col, "warning", "ref-fragment",
                                       f'page reference "{ref.ref}": no heading with id "{ref.fragment}" on the '
                                       f'target page', did_you_mean(ref.fragment, ids_of[target])
                                       or "link to a heading that exists, or drop the #fragment"))
    return warnings


def _element_ids(body: Body, known: dict[int, tuple[Body, Collection[str]]]) -> Collection[str]:
    if not body.html and not body.packed:  # dropped, or none: the ids it had are kept
        return body.element_ids
    kept = known.get(id(body))
    if kept is None or kept[0] is not body:
        kept = known[id(body)] = (body, element_ids(body.full_html()))
    return kept[1]


def page_html_keys(site: Site, body_keys: list[str], shown: str) -> list[str]:
    """What a page's HTML depends on: its body (whose key, with the site facts, fixes it),
    its place, and `shown`, what every page shows of the site."""
    return [digest_text(shown, page.rel, page.url, key) for page, key in zip(site.pages, body_keys)]


def render_pages(pages: PageRenderer, found: list[Body | None], output: Output, report: Report,
                 workers: Workers, cache: RenderCache | None = None, keys: list[str] | None = None,
                 html_keys: list[str] | None = None, facts: dict[str, str] | None = None,
                 early: EarlyFiles | None = None) -> tuple[dict[str, Body], int]:
    """Every page's body (`found`: those the cache has) and HTML, in one pass: a worker
    renders a page's body and then its HTML, so a body's HTML never travels to this process
    nor stays in it (a 20,000-page site's are ~100 MB) unless the cache keeps it. Returns
    the bodies by source and how many were rendered."""
    site = pages.site
    base_path = pages.config.base_path  # a property that parses base_url
    paths = [url_to_file(page.url, base_path) for page in site.pages]
    cached: list[bytes | str | None] = [None] * len(site.pages)
    if cache is not None and html_keys:
        cache.retain_pages(set(html_keys))  # before rendering, as for bodies: old and new HTML never both held
        # bytes: the HTML itself; a sha256: the HTML is the previous build's file, if still published
        cached = [kept if not isinstance(kept := cache.pages.get(key), str) or output.reusable(path, kept)
                  else None for key, path in zip(html_keys, paths)]
    # a body rendered again gets its HTML again: the files it read may show otherwise now
    cached = [html if body is not None else None for html, body in zip(cached, found)]
    wanted = [html is None for html in cached]
    tasks = [i for i, (body, html) in enumerate(zip(found, wanted)) if body is None or html]
    # a page's Markdown is read when its task is handed out (a few chunks ahead), and let go
    # once its body is rendered (below)
    fresh = workers.imap(pages, (PageTask(i, site.pages[i].body if found[i] is None else None, found[i], wanted[i])
                                 for i in tasks), len(tasks))
    bodies: dict[str, Body] = {}
    shared: dict[Any, Any] = {}
    rendered = 0
    # each page goes into `output` (which may write it away) as it comes, in page order:
    # the site's pages are never all held at once
    for index, page in enumerate(site.pages):
        if early is not None:
            early.poll()  # a page the preview's browser asked for since the last one
        body, text, error = next(fresh) if found[index] is None or wanted[index] else RenderedPage(None, "", "")
        if body is None:
            body = found[index]
        else:
            rendered += 1
            _share_strings(body, page, shared)
            if cache is not None:
                assert keys is not None and facts is not None
                cache.put(keys[index], facts, body)
        if cache is None or not cache.keep_html:
            # a body reads only its own page's Markdown, and only the preview's cache keeps the
            # page for another build: 20,000 pages' sources are ~60 MB of a build's peak
            page.body = ""
        assert body is not None
        report.extend(body.diagnostics)
        bodies[page.source] = body
        html = cached[index]
        cached[index] = None
        line = page.line_of("url" if "url" in page.meta else "slug")
        if isinstance(html, str):
            output.add_previous(paths[index], html, page.source, report, line)
        elif html is not None:
            output.add(paths[index], html, page.source, report, line)
        elif error:
            report.error(page.source, 1, 1, "template-failed", error, "check the theme template named in the message")
        else:
            data = text.encode("utf-8")
            del text
            output.add(paths[index], data, page.source, report, line)
            if cache is not None and html_keys:
                cache.put_page(html_keys[index], data, output.digest_of(paths[index]))
    return bodies, rendered


def _early_renderer(pages: PageRenderer, found: list[Body | None], output: Output,
                    assets: Assets) -> Callable[[str], bytes | None]:
    """What makes one site file ahead of the pages stage (EarlyFiles): an asset, or a page
    rendered here as its task would render it (same renderer, same site model, the same
    rewrite as `output.add`), so it is the same bytes as the build's copy; None for a
    file made later in the build, or a page whose template fails (the build reports it)."""
    site = pages.site
    index_of = {url_to_file(page.url, pages.config.base_path): i for i, page in enumerate(site.pages)}
    static = {rel: data for rel, data, _ in assets.published()}

    def render(rel: str) -> bytes | None:
        if rel in static:
            return static[rel]
        index = index_of.get(rel)
        if index is None:
            return None
        page = site.pages[index]
        made = pages(PageTask(index, page.body if found[index] is None else None, found[index], True))
        if made.error or not made.html:
            return None
        data = made.html.encode("utf-8")
        return output.rewrite(rel, data) if output.rewrite is not None else data

    return render


def _share_strings(body: Body, page: Page, shared: dict[Any, Any]) -> None:
    """One copy of what bodies from a worker repeat: their page's source, the ids and the
    pages their refs name, the facts they read (20,000 bodies: ~40 MB less)."""
    def one(value: Any) -> Any:
        return shared.setdefault(value, value)

    body.depends_on = one(body.depends_on)
    body.element_ids = tuple(map(one, body.element_ids))
    body.fragment_refs = [FragmentRef(page.source, ref.line, ref.col, ref.ref, one(ref.target), one(ref.fragment))
                          for ref in body.fragment_refs]


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


def write_host_files(site: Site, config: SiteConfig, aliases: list[tuple[str, str]], output: Output,
                     report: Report) -> None:
    """_redirects, sitemap.xml and robots.txt, from everything planned so far."""
    rules: list[str] = []
    if "plugins/catalog" in output:
        from .plugins import headers_file, marketplace_redirect_rules
        names = [path[len("plugins/by-name/"):-len(".json")] for path in output.paths()
                 if path.startswith("plugins/by-name/") and not path.startswith("plugins/by-name/_")]
        rules = marketplace_redirect_rules(config.base_path, names)
        output.add("_headers", headers_file(output.paths(), config.base_path), "catalog", report,
                   what="header rules")
    output.add("_redirects", redirects_file(aliases, rules), "catalog", report, what="redirect rules")
    sitemap_url = None
    if config.origin:  # a sitemap lists absolute URLs: only possible with an absolute base_url
        pages = [config.origin + p.url for p in site.pages if not hidden(p) and not p.meta.get("sitemap_exclude")]
        pages += [config.origin + config.base_path + path.removesuffix("index.html")
                  for path in output.paths() if path.startswith("plugins/") and path.endswith("/index.html")]
        output.add("sitemap.xml", sitemap(pages), "catalog", report, what="sitemap")
        sitemap_url = config.origin + config.base_path + "sitemap.xml"
    output.add("robots.txt", robots(sitemap_url), "catalog", report, what="robots.txt")


def write_search_index(site: Site, config: SiteConfig, bodies: dict[str, Body], plugins: list[Listing],
                       output: Output, report: Report, cache: RenderCache | None = None) -> list[SearchEntry]:
    """search-index.json and its shards under search/; returns its entries (pages first, in site order, then plugins)."""
    entries = page_entries(site.pages, lambda page: bodies[page.source].text)
    entries += [plugin_entry(f"{config.base_path}plugins/{p.name}/", p.name, p.title, p.description, p.categories)
                for p in plugins]
    unique: dict[str, Any] = {}  # two sources with one URL are an output-collision, reported already
    for entry in entries:
        unique.setdefault(entry.url, entry)
    entries = list(unique.values())
    index = cache.search if cache is not None else SearchIndex()
    before = index.files
    files = index.update(entries)
    if cache is not None and files is not before:
        cache.dirty = True
    for rel, data in files.items():  # the manifest and its shards (catalog/search.py)
        output.add(rel, data, "catalog", report, what="search index")
    return entries


def build_plugins(project: Path, config: SiteConfig, theme: Theme, site_view: SiteView, resolver: RefResolver,
                  site: Site, output: Output, report: Report, cache: CatalogCache | None = None,
                  render_key: str = "", jobs: int | None = None, keep_bytes: bool = True,
                  doc_refs: list[FragmentRef] | None = None) -> list[Listing]:
    """The catalog's files into `output`; returns the plugins, for the search index.
    `doc_refs` receives each `documentation:` ref with a #fragment, to check once the
    pages' ids are known.
    `render_key` hashes what a catalog page shows of the site (templates, navigation).
    `keep_bytes=False` (a cache kept on disk) leaves in `cache` only the digests of what
    was published, as the render cache does for pages."""
    if not has_plugins(project, config):
        return []
    from .plugins import build_plugin_outputs
    from .plugins.buildmemo import Stored
    index_dir = project / config.plugins_dir

    def resolve_doc(ref: str, source: str, line: int) -> str | None:
        try:
            target = resolver.resolve(ref, site.home)
        except LocatedError as err:
            report.add(err.diagnostic_at(source, line, 1))
            return None
        if target.fragment and doc_refs is not None:
            doc_refs.append(FragmentRef(source, line, 1, ref, target.page.rel, target.fragment))
        if target.lenient:
            report.warning(source, line, 1, "ref-lenient", *lenient_message(ref, target))
        return target.page.url + (f"#{target.fragment}" if target.fragment else "")

    def render(template: str, context: dict[str, Any]) -> str:
        return theme.render(template, {"site": site_view, **context})

    plugins: list[Listing] = []
    files = build_plugin_outputs(index_dir, project_dir=project, base_url=config.base_url, report=report,
                                 resolve_doc=resolve_doc, render=render, collect=plugins, cache=cache,
                                 render_key=render_key, jobs=jobs, published=output.reusable)
    source = f"{config.plugins_dir}/"
    for rel, data in sorted(files.items()):
        if isinstance(data, Stored):  # unchanged since the last build, which published these bytes
            output.add_previous(rel, data.sha256, source, report)
        else:
            output.add(rel, data, source, report)
    from .plugins.indexsignature import build_signature  # the index is signed when a key is configured
    for rel, data in build_signature(project, files, report).items():
        output.add(rel, data, "signing", report)
    if cache is not None and not keep_bytes:
        cache.settle(output.digest_of)  # from now on the published files are the bytes
    return plugins
