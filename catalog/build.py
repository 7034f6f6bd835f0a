"""The build pipeline, top to bottom: configuration, content, bodies, checks, pages,
redirects, assets, plugin index, then one publish step. Nothing is written unless
the whole build succeeds."""
from __future__ import annotations

import importlib.util
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import Markup

from .anchors import Heading
from .cache import RenderCache, environment_key, site_facts
from .config import SiteConfig, load_config
from .content import Page, Site, alias_urls, load_site
from .diagnostics import Report, did_you_mean
from .highlight import stylesheet
from .nav import Sidebar
from .parallel import map_indexed
from .output import Output, publish, url_to_file
from .refs import RefError, RefResolver
from .render import Body, BodyRenderer, SiteView
from .theme import Theme


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
    outputs: dict[str, bytes] = field(default_factory=dict)  # every planned file, by site path


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


def build(project: Path, out: Path | None = None, *, drafts: bool = False, strict: bool = False,
          cache: RenderCache | None = None, write: bool = True, jobs: int | None = None) -> BuildResult:
    """Build the site of `project` into `out` (default: project/public).

    `cache` keeps page bodies between builds (the preview server passes one kept in
    memory, the CLI one loaded from disk); `write=False` plans the files without
    writing them (the preview server serves `result.outputs` from memory); `jobs` is
    the number of worker processes (default: one per core; 1 renders in-process)."""
    started = time.perf_counter()
    project = project.resolve()
    out = (out or project / "public").resolve()
    report = Report()
    result = BuildResult(report, out)

    config = load_config(project, report)
    if config is None:
        return result
    theme = Theme(project, config)
    if not theme.check(report, config):
        return result
    site = load_site(project, config, report, drafts=drafts)
    resolver = RefResolver(site)
    renderer = BodyRenderer(site, config, theme, resolver)

    bodies, result.rendered = render_bodies(site, renderer, report, cache, environment_key(config, theme)
                                            if cache is not None else "", jobs)
    check_fragments(site, bodies, report)

    output = Output()
    site_view = renderer.site_view()
    theme.add_globals(asset=lambda path: config.base_path + str(path).lstrip("/"),
                      sidebar=Sidebar(theme, site.home).render)
    render_pages(site, config, theme, site_view, bodies, output, report, jobs)
    result.redirects = write_redirects(site, config, theme, site_view, output, report)
    copy_static(theme, output, report)
    output.add("css/pygments.css", stylesheet(), "catalog", report, what="Pygments stylesheet")
    build_plugins(project, config, theme, site_view, resolver, site, output, report)

    result.pages = len(site.pages)
    result.files = len(output.files)
    result.outputs = output.files
    if not report.failed(strict) and write:
        publish(output.files, out)
        result.written = True
    result.seconds = time.perf_counter() - started
    return result


def render_bodies(site: Site, renderer: BodyRenderer, report: Report, cache: RenderCache | None,
                  environment: str, jobs: int | None) -> tuple[dict[str, Body], int]:
    """Every page's body, from the cache where nothing it read has changed."""
    facts = site_facts(site) if cache is not None else {}
    keys = [RenderCache.page_key(page, environment) if cache is not None else "" for page in site.pages]
    found: list[Body | None] = [cache.get(key, facts) if cache is not None else None for key in keys]
    missing = [i for i, body in enumerate(found) if body is None]

    def render(index: int) -> Body:
        page = site.pages[missing[index]]
        return renderer.render(page) if page.body else Body("", [], [], [])

    for index, body in zip(missing, map_indexed(render, len(missing), jobs)):
        found[index] = body
        if cache is not None:
            cache.put(keys[index], facts, body)
    if cache is not None:
        cache.retain(set(keys))
    bodies: dict[str, Body] = {}
    for page, body in zip(site.pages, found):
        assert body is not None
        report.extend(body.diagnostics)
        bodies[page.source] = body
    return bodies, len(missing)


def check_fragments(site: Site, bodies: dict[str, Body], report: Report) -> None:
    """Beyond Hugo: a ref's #fragment must name a heading (or other id) of its target page."""
    source_of = {page.rel: page.source for page in site.pages if page.rel}
    ids_of: dict[str, set[str]] = {}
    for body in bodies.values():
        for ref in body.fragment_refs:
            target = source_of.get(ref.target, "")
            if target not in ids_of:
                target_body = bodies.get(target)
                ids_of[target] = set(_ELEMENT_ID.findall(target_body.html)) if target_body else set()
            if ref.fragment not in ids_of[target]:
                report.warning(ref.source, ref.line, ref.col, "ref-fragment",
                               f'page reference "{ref.ref}": no heading with id "{ref.fragment}" on the target page',
                               did_you_mean(ref.fragment, ids_of[target])
                               or "link to a heading that exists, or drop the #fragment")


_ELEMENT_ID = re.compile(r'\sid="([^"]+)"')


def render_pages(site: Site, config: SiteConfig, theme: Theme, site_view: SiteView, bodies: dict[str, Body],
                 output: Output, report: Report, jobs: int | None = None) -> None:
    reading = [p for p in site.pages if not _hidden(p)]
    position = {id(p): i for i, p in enumerate(reading)}

    def render(index: int) -> tuple[str, str]:
        """(html, "") or ("", the error) for the page at `index`."""
        page = site.pages[index]
        body = bodies[page.source]
        at = position.get(id(page))
        view = PageView(
            node=page, content=Markup(body.html), toc=body.headings, breadcrumbs=page.ancestors(),
            prev=reading[at - 1] if at else None,
            next=reading[at + 1] if at is not None and at + 1 < len(reading) else None,
            edit_url=config.edit_url.replace("{path}", page.source) if config.edit_url and page.rel else "",
            permalink=config.origin + page.url,
            ancestor_urls={p.url for p in page.ancestors()} | {page.url},
        )
        try:
            return theme.render("page.html", {"page": view, "site": site_view}), ""
        except Exception as exc:  # a theme bug is reported against the page, and the build goes on
            return "", f"rendering page.html failed: {exc}"

    for page, (html, error) in zip(site.pages, map_indexed(render, len(site.pages), jobs)):
        if error:
            report.error(page.source, 1, 1, "template-failed", error, "check the theme template named in the message")
        else:
            output.add(url_to_file(page.url, config.base_path), html, page.source, report)


def _hidden(page: Page) -> bool:
    return page.hidden or any(p.hidden for p in page.ancestors())


def write_redirects(site: Site, config: SiteConfig, theme: Theme, site_view: SiteView, output: Output,
                    report: Report) -> int:
    count = 0
    for page in site.pages:
        for url in alias_urls(page, config):
            if url == page.url:
                report.error(page.source, page.line_of("aliases"), 1, "alias-loop",
                             f"alias '{url}' is the page's own URL", "remove this alias")
                continue
            html = theme.render("redirect.html", {"site": site_view, "target": page.url, "page": page})
            output.add(url_to_file(url, config.base_path), html, page.source, report, page.line_of("aliases"),
                       what=f"alias {url}")
            count += 1
    return count


def copy_static(theme: Theme, output: Output, report: Report) -> None:
    files: dict[str, tuple[Path, str]] = {}
    for folder in theme.static_dirs:  # the site's static/ comes last and overrides the theme's
        root = folder.resolve()
        for path in sorted(folder.rglob("*")):
            if not path.is_file() or path.name.startswith("."):
                continue
            label = theme.display_path(str(path))
            if not path.resolve().is_relative_to(root):
                # a link out of static/ would publish whatever it points at
                report.error(label, 0, 0, "static-outside", f"links to {path.resolve()}, outside {label.split('/')[0]}/",
                             "copy the file into the static folder instead of linking to it")
                continue
            files[path.relative_to(folder).as_posix()] = (path, label)
    for rel, (path, label) in sorted(files.items()):
        output.add(rel, path.read_bytes(), label, report)


def build_plugins(project: Path, config: SiteConfig, theme: Theme, site_view: SiteView, resolver: RefResolver,
                  site: Site, output: Output, report: Report) -> None:
    index_dir = project / config.plugins_dir
    if not index_dir.is_dir() or importlib.util.find_spec("catalog.plugins") is None:
        return
    from .plugins import build_plugin_outputs

    def resolve_doc(ref: str, source: str, line: int) -> str | None:
        try:
            target = resolver.resolve(ref, site.home)
        except RefError as err:
            report.error(source, line, 1, err.code, str(err), err.hint)
            return None
        return target.page.url + (f"#{target.fragment}" if target.fragment else "")

    def render(template: str, context: dict[str, Any]) -> str:
        return theme.render(template, {"site": site_view, **context})

    files = build_plugin_outputs(index_dir, project_dir=project, base_url=config.base_url, report=report,
                                 resolve_doc=resolve_doc, render=render)
    for rel, data in sorted(files.items()):
        output.add(rel, data, f"{config.plugins_dir}/", report)
