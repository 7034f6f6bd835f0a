"""The build pipeline, top to bottom: configuration, theme, content, the render plan, pages
(each page's body, then its HTML), fragment checks, redirects, assets, plugin index, search
and host files, then one publish step. `_build` reads one line per stage, as Zola's
`Site::build` does; each stage is a function here or a module of its own. Files are staged
beside the output as they are made, and nothing reaches the output unless the whole build
succeeds."""
from __future__ import annotations

import dataclasses
import resource
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from .assets import Assets, collect_static, highlight_stylesheet
from .body import Body, FragmentRef
from .page_build_options import unpublished_files
from .build_result import BuildResult
from .config import SiteConfig
from .content import Page, Site
from .content_files import content_files
from .diagnostics import Report
from .fragments import check_doc_fragments, check_fragments
from .hosting import redirects_file, robots, sitemap, with_project_rules
from .output import Output, SiteFiles, url_to_file
from .not_found import own_not_found_page, report_go_not_found
from .page_files import publish_attachments, publish_content_files
from .page_render import PageRenderer, PageTask, RenderedPage, hidden
from .page_tree import load_site
from .parallel import MIN_PARALLEL, Workers, cyclic_gc_paused
from .publish import PublishError, Staging
from .redirect_pages import write_redirect_pages
from .jekyll_data import report_data_problems
from .menus import check_menus
from .refs import RefResolver
from .render_cache import RenderCache
from .render_plan import RenderPlan, render_plan
from .search import SearchEntry
from .search_entries import PageFeed, plugin_entry
from .site_plugins import build_plugins
from .sources import load_project_config
from .theme import Theme
from .urls import rewriter

if TYPE_CHECKING:
    from .content_files import SourceMemo
    from .early import EarlyFiles
    from .plugins.model import Listing


@dataclass(frozen=True)
class BuildOptions:
    """How to build: `catalog build`'s flags, or the preview's settings. One value, read by
    the stages that need it, instead of a keyword each through every function between."""

    drafts: bool = False  # pages marked draft are built too
    strict: bool = False  # a warning fails the build
    write: bool = True  # False: plan the files in memory (the preview serves `result.outputs`)
    jobs: int | None = None  # worker processes (default: one per core; 1 renders in-process)
    base_url: str | None = None  # instead of site.toml's: the same sources under another version prefix
    fingerprint: bool = True  # False keeps asset names as they are (the preview swaps CSS in place by name)
    # what was written, so that the next build into the same folder rewrites only the files that changed
    manifest: Path | None = None
    # (with a cache) keep in `result.state` what `incremental.rebuild_bodies` needs to redo the next
    # body-only edit without this whole pipeline (the preview server's fast path)
    keep_state: bool = False
    early: EarlyFiles | None = None  # the files a preview's browser asks for, made first (catalog/early.py)


def build(project: Path, out: Path | None = None, options: BuildOptions | None = None, *,
          cache: RenderCache | None = None, **keywords: Any) -> BuildResult:
    """Build the site of `project` into `out` (default: project/public).

    `cache` keeps page bodies between builds (the preview server passes one kept in
    memory, the CLI one loaded from disk). `keywords` are `BuildOptions` fields, for a
    caller that sets one or two (`build(project, drafts=True)`); a name that is no field
    is a TypeError, as a wrong keyword always was."""
    options = dataclasses.replace(options or BuildOptions(), **keywords)
    project = project.resolve()
    out = (out or project / "public").resolve()
    # a build that publishes writes each file into a staging folder beside `out` as it is
    # made, keeping only its digest: a large site's pages need not fit in memory at once
    output = Output(staging=Staging(out, options.manifest) if options.write else None)
    try:
        with cyclic_gc_paused(), Workers(options.jobs) as workers:
            return _build(project, out, output, workers, options, render_plan(cache))
    finally:
        if output.staging is not None:
            output.staging.discard()  # all of it, unless publish swapped it in


def _build(project: Path, out: Path, output: Output, workers: Workers, options: BuildOptions,
           plan: RenderPlan) -> BuildResult:
    """The stages, in order; `plan` is what the render cache has and keeps (render_plan.py)."""
    result = BuildResult(Report(), out)
    report, clock = result.report, _Stopwatch(result)
    config = load_config(project, options, report)
    theme = load_theme(project, config, plan, report) if config is not None else None
    if config is None or theme is None:
        return result
    output.rewrite = rewriter(config)
    site = load_content(project, config, options, plan, workers, report)
    resolver = RefResolver(site)
    check_menus(project, config, site, resolver, report)  # a pageRef that names no page, once a build
    if config.jekyll:
        report_data_problems(project, config.content_dir, report)  # _data/ files, once a build
    clock.lap("load")
    plan.plan_bodies(project, config, theme, site)
    assets = collect_assets(theme, config, options, report)
    pages = PageRenderer(config, theme, site, resolver, assets, keep_html=plan.keeps_bodies, pack=plan.on_disk,
                         markdown=plan.markdown())
    plan.plan_pages(theme, site, assets.names, pages.site_view)
    if options.early is not None:
        options.early.ready(_early_renderer(pages, plan.found, output, assets))
    feed = PageFeed(plan.new_search_index())  # the search index's page entries, made as pages come
    bodies, result.rendered = render_pages(pages, plan, output, report, workers, options.early, feed)
    workers.close()  # nothing else is sent to them: their memory is the next stages'
    plan.keep_markdown(bodies.values())
    fragments = check_fragments(site, bodies, report, plan.element_ids)
    clock.lap("pages")
    aliases = write_redirect_pages(site, config, theme, pages.site_view, output, report)
    write_assets(project, config, theme, site, pages, assets, output, report, plan.memo())
    clock.lap("assets")
    plugins, doc_refs = build_plugins(project, config, theme, pages, resolver, output, report, plan, options.jobs)
    fragments.update(check_doc_fragments(site, doc_refs, bodies, report, plan.element_ids))
    clock.lap("plugins")
    search_entries = write_search_index(feed.entries, config, plugins, plan, output, report)
    write_host_files(site, config, aliases, output, report)
    clock.lap("search+host")
    if options.keep_state:
        result.state = plan.state(project, config, theme, site, pages, bodies, output, list(report.items),
                                  fragments, search_entries, len(aliases), doc_refs)
    return publish_site(result, output, site, aliases, options, clock)


def load_config(project: Path, options: BuildOptions, report: Report) -> SiteConfig | None:
    """site.toml, else the Hugo or Jekyll site's own; None (reported) when it cannot be read."""
    config = load_project_config(project, report)
    if config is None or options.base_url is None:
        return config
    return dataclasses.replace(config, base_url=options.base_url)


def load_theme(project: Path, config: SiteConfig, plan: RenderPlan, report: Report) -> Theme | None:
    """The site's templates over the theme's; None (reported) when a template the build needs is missing."""
    theme = Theme(project, config)
    plan.use_templates(config, theme)
    return theme if theme.check(report, config) else None


def load_content(project: Path, config: SiteConfig, options: BuildOptions, plan: RenderPlan, workers: Workers,
                 report: Report) -> Site:
    """Every page of the content folder, with its front matter and place in the page tree."""
    files = content_files(project, config)
    cold = plan.cold and len(files) >= MIN_PARALLEL
    if cold:
        # a cold build renders every page: fork the workers now, while this process holds
        # little (they are sent what they render, and first the files to read and parse);
        # a cached build may render none
        workers.start()
    return load_site(project, config, report, drafts=options.drafts, memo=plan.memo(), files=files,
                     workers=workers if cold else None)


def collect_assets(theme: Theme, config: SiteConfig, options: BuildOptions, report: Report) -> Assets:
    """The theme's and the site's static files, and the highlighting stylesheet, named as published."""
    assets = Assets(config.base_path, options.fingerprint)
    collect_static(theme, assets, report)
    cache_folder = options.manifest.parent if options.manifest is not None else None  # the CLI's .catalog-cache/
    assets.add("css/pygments.css", highlight_stylesheet(cache_folder), "Pygments stylesheet")
    return assets


def write_assets(project: Path, config: SiteConfig, theme: Theme, site: Site, pages: PageRenderer, assets: Assets,
                 output: Output, report: Report, memo: SourceMemo | None = None) -> None:
    """The static files, the pages' attachments, the content folder's other files (those `memo`
    says are unchanged are not read again), the not-found page."""
    for rel, data, label in assets.published():
        output.add(rel, data, label, report)
    publish_attachments(site, project / config.content_dir, config.content_dir, output, report, memo)
    publish_content_files(project / config.content_dir, config.content_dir,
                          config.content_exclude + unpublished_files(project / config.content_dir, site.unpublished),
                          output, report, jekyll=config.jekyll, memo=memo)
    if own_not_found_page(site.pages, config) is None:  # the project's own 404 page replaces the theme's
        report_go_not_found(project, config, report)
        output.add("404.html", theme.render("404.html", {"site": pages.site_view}), "404.html", report,
                   what="not-found page")


def publish_site(result: BuildResult, output: Output, site: Site, aliases: list[tuple[str, str]],
            options: BuildOptions, clock: _Stopwatch) -> BuildResult:
    """The counts, and the staged site swapped in, unless the build failed (or writes nothing)."""
    result.pages = len(site.pages)
    result.redirects = len(aliases)
    result.files = len(output.owners)
    result.outputs = output.files
    if not result.report.failed(options.strict) and output.staging is not None:
        try:
            result.files_written = output.staging.publish()
            result.written = True
            result.outputs = SiteFiles(result.output, output.paths())
        except PublishError as err:  # a full disk, a read-only folder: say what to do, keep the old site
            result.report.error(str(result.output), 0, 0, "publish-failed", err.message, err.hint)
        clock.lap("write")
    result.seconds = time.perf_counter() - clock.start
    return result


class _Stopwatch:
    """Seconds per stage, and the process's peak RSS so far at the end of each (--timings)."""

    def __init__(self, result: BuildResult) -> None:
        self.laps, self.peaks = result.stages, result.peak_rss
        self.start = self.last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = now - self.last
        self.peaks[name] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        self.last = now


def render_pages(pages: PageRenderer, plan: RenderPlan, output: Output, report: Report, workers: Workers,
                 early: EarlyFiles | None = None, feed: PageFeed | None = None) -> tuple[dict[str, Body], int]:
    """Every page's body (`plan.found`: those the cache has) and HTML, in one pass: a worker
    renders a page's body and then its HTML, so a body's HTML never travels to this process
    nor stays in it (a 20,000-page site's are ~100 MB) unless the cache keeps it. Returns
    the bodies by source and how many were rendered."""
    site = pages.site
    base_path = pages.config.base_path  # a property that parses base_url
    paths = [url_to_file(page.url, base_path) for page in site.pages]
    found = plan.found
    cached = plan.cached_html(output, paths)
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
        made = next(fresh) if found[index] is None or wanted[index] else RenderedPage(None, "", "")
        body, text, error = made.body, made.html, made.error
        if body is None:
            body = found[index]
        else:
            rendered += 1
            _share_strings(body, page, shared)
            plan.keep_body(index, body, made.markdown)
        if not plan.keeps_sources:
            # a body reads only its own page's Markdown, and only the preview's cache keeps the
            # page for another build: 20,000 pages' sources are ~60 MB of a build's peak
            page.body = ""
        assert body is not None
        report.extend(body.diagnostics)
        bodies[page.source] = body
        if feed is not None:
            feed.add(page, body)
        html = cached[index]
        cached[index] = None
        line = page.line_of(next((key for key in ("url", "permalink", "slug") if key in page.meta), "slug"))
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
            plan.keep_html(index, data, output.digest_of(paths[index]))
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


def write_host_files(site: Site, config: SiteConfig, aliases: list[tuple[str, str]], output: Output,
                     report: Report) -> None:
    """_redirects, sitemap.xml and robots.txt, from everything planned so far."""
    rules: list[str] = []
    if "plugins/catalog" in output:
        from .plugins import headers_file, marketplace_redirect_rules
        names = [path[len("plugins/by-name/"):-len(".json")] for path in output.paths()
                 if path.startswith("plugins/by-name/") and not path.startswith("plugins/by-name/_")]
        rules = marketplace_redirect_rules(config.base_path, names)
        output.add("_headers", with_project_rules(headers_file(output.paths(), config.base_path),
                                                  output.merged_bytes("_headers"), "_headers"),
                   "catalog", report, what="header rules")
    elif (own_headers := output.merged_bytes("_headers")) is not None:
        output.add("_headers", own_headers, "catalog", report, what="the project's header rules")
    output.add("_redirects", with_project_rules(redirects_file(aliases, rules), output.merged_bytes("_redirects"),
                                                "_redirects"), "catalog", report, what="redirect rules")
    sitemap_url = None
    if config.origin:  # a sitemap lists absolute URLs: only possible with an absolute base_url
        sitemap_url = config.origin + config.base_path + "sitemap.xml"
        if "sitemap.xml" not in output:  # the project's own (a Jekyll site's sitemap.xml page) wins
            pages = [config.origin + p.url for p in site.pages if not hidden(p) and not p.meta.get("sitemap_exclude")]
            pages += [config.origin + config.base_path + path.removesuffix("index.html")
                      for path in output.paths() if path.startswith("plugins/") and path.endswith("/index.html")]
            output.add("sitemap.xml", sitemap(pages), "catalog", report, what="sitemap")
    if "robots.txt" not in output:
        output.add("robots.txt", robots(sitemap_url), "catalog", report, what="robots.txt")


def write_search_index(page_entries: list[SearchEntry], config: SiteConfig, plugins: list[Listing],
                       plan: RenderPlan, output: Output, report: Report) -> list[SearchEntry]:
    """search-index.json and its shards under search/; returns its entries (`page_entries`, in site
    order, then plugins)."""
    entries = page_entries + [plugin_entry(f"{config.base_path}plugins/{p.name}/", p.name, p.title, p.description,
                                           p.categories) for p in plugins]
    unique: dict[str, Any] = {}  # two sources with one URL are an output-collision, reported already
    for entry in entries:
        unique.setdefault(entry.url, entry)
    entries = list(unique.values())
    index = plan.search_index()
    before = index.files
    files = index.update(entries)
    if files is not before:
        plan.search_changed()
    for rel, data in files.items():  # the manifest and its shards (catalog/search.py)
        output.add(rel, data, "catalog", report, what="search index")
    return entries
