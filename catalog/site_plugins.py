"""The plugin catalog's part of a site build: its pages and index files into the site's
output, its `documentation:` refs resolved as a page's are. The catalog's own code
(catalog/plugins/) is imported only where a site has a plugins-index."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from .config import SiteConfig, has_plugins
from .diagnostics import LocatedError, Report
from .output import Output
from .page_render import PageRenderer
from .refs import RefResolver, lenient_message
from .body import FragmentRef
from .render_plan import RenderPlan
from .theme import Theme

if TYPE_CHECKING:  # the plugin catalog is imported where a site has one (0.1 s of every CLI build otherwise)
    from .plugins.model import Listing


def build_plugins(project: Path, config: SiteConfig, theme: Theme, pages: PageRenderer, resolver: RefResolver,
                  output: Output, report: Report, plan: RenderPlan, jobs: int | None
                  ) -> tuple[list[Listing], list[FragmentRef]]:
    """The catalog's files into `output`; returns the plugins, for the search index, and each
    `documentation:` ref with a #fragment, to check once the pages' ids are known.
    The plan's `shown` hashes what a catalog page shows of the site (templates, navigation).
    A cache kept on disk (`plan.on_disk`) keeps only the digests of what was published, as
    the render cache does for pages."""
    doc_refs: list[FragmentRef] = []
    if not has_plugins(project, config):
        return [], doc_refs
    site, site_view, cache = pages.site, pages.site_view, plan.catalog()
    from .plugins import build_plugin_outputs
    from .plugins.buildmemo import Stored
    index_dir = project / config.plugins_dir

    def resolve_doc(ref: str, source: str, line: int) -> str | None:
        try:
            target = resolver.resolve(ref, site.home)
        except LocatedError as err:
            report.add(err.diagnostic_at(source, line, 1))
            return None
        if target.fragment:
            doc_refs.append(FragmentRef(source, line, 1, ref, target.page.rel, target.fragment))
        if target.lenient:
            report.warning(source, line, 1, "ref-lenient", *lenient_message(ref, target))
        return target.page.url + (f"#{target.fragment}" if target.fragment else "")

    def render(template: str, context: dict[str, Any]) -> str:
        return theme.render(template, {"site": site_view, **context})

    plugins: list[Listing] = []
    files = build_plugin_outputs(index_dir, project_dir=project, base_url=config.base_url, report=report,
                                 resolve_doc=resolve_doc, render=render, collect=plugins, cache=cache,
                                 render_key=plan.shown, jobs=jobs, published=output.reusable)
    source = f"{config.plugins_dir}/"
    for rel, data in sorted(files.items()):
        if isinstance(data, Stored):  # unchanged since the last build, which published these bytes
            output.add_previous(rel, data.sha256, source, report)
        else:
            output.add(rel, data, source, report)
    from .plugins.indexsignature import build_signature  # the index is signed when a key is configured
    for rel, data in build_signature(project, files, report).items():
        output.add(rel, data, "signing", report)
    if cache is not None and plan.on_disk:
        cache.settle(output.digest_of)  # from now on the published files are the bytes
    return plugins, doc_refs
