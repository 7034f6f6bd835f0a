"""The plugin catalog: plugins-index/*.yaml and wagons in, index + compatibility files +
HTML pages out, as one function the site build calls (`build_plugin_outputs`).

Stages, top to bottom: load and validate the metadata (reading local wagons), resolve
documentation links, then render our index, the legacy and Marketplace files, the JSON
Schemas and the HTML pages, and add the bytes of every hosted wagon and yaml file.
Nothing here writes to disk: the caller publishes the returned {site path: bytes}, where
a file unchanged since the last build may be a `Stored` digest of the published one.
"""
from __future__ import annotations

import dataclasses
from importlib import resources
from pathlib import Path
from typing import Callable

from ..diagnostics import Report
from ..hashing import digest
from ..parallel import map_indexed
from .buildmemo import CatalogCache, CatalogFiles, FileData, LoadedFile, Published, code_fingerprint
from .compat import (LEGACY_CATALOGS, headers_file, legacy_catalog, marketplace_catalog, marketplace_path,
                     marketplace_plugin_files, marketplace_redirect_rules, no_match_file, rewrite_marketplace_query)
from .index import ROOT_FILE, SCHEMA_DIR, dumps, plugin_index_file, root_index
from .htmlpages import LIST_FILE, CatalogFacts, list_page, page_file, plugin_page
from .indexfolder import index_of, load_files
from .model import Listing

# Which JSON Schema (published under index/v1/schemas/) describes which published file:
# fnmatch patterns of site paths, first match wins. Used by `catalog check` and the tests.
SCHEMA_OF = [
    ("index/v1/index.json", "index.schema.json"),
    ("index/v1/plugins/*.json", "plugin.schema.json"),
    ("plugins.json", "plugins-json.schema.json"),
    ("v2_plugins.json", "plugins-json.schema.json"),
    ("plugins/catalog", "marketplace-catalog.schema.json"),
    ("plugins/by-name/*.json", "marketplace-search.schema.json"),
    ("plugins/*/versions", "marketplace-versions.schema.json"),
    ("plugins/*/[0-9]*", "marketplace-version.schema.json"),
]

__all__ = ["SCHEMA_OF", "build_plugin_outputs", "headers_file", "marketplace_redirect_rules", "rewrite_marketplace_query",
           "schema_files"]


def build_plugin_outputs(index_dir: Path, *, project_dir: Path, base_url: str, report: Report,
                         resolve_doc: Callable[[str, str, int], str | None],
                         render: Callable[[str, dict], str],
                         collect: list[Listing] | None = None, cache: CatalogCache | None = None,
                         render_key: str = "", jobs: int | None = None,
                         published: Published | None = None) -> dict[str, FileData]:
    """Every file the plugin catalog publishes, by site-relative POSIX path, in sorted order.
    `collect`, when given, receives what the site's search index shows of each plugin.
    With `cache`, unchanged files are not read again and unchanged plugins not rendered
    again; `render_key` must change whenever what `render` shows besides its arguments
    does (templates, site configuration, the docs' navigation). A file the cache keeps by
    digest is returned as that `Stored` digest, and only if `published` says the output
    folder holds it; the caller keeps that file as it is (see `CatalogCache.settle`)."""
    if cache is not None:
        cache.reads = cache.renders = 0
        if cache.code != code_fingerprint():
            cache.reset(code_fingerprint())
    files = load_files(index_dir, project_dir=project_dir, memo=cache, jobs=jobs)
    for _, entry in files:
        report.extend(entry.diagnostics)
    # every documentation link is checked, also of a file that failed: a broken link shows now, not after the fix
    doc_urls = {source: resolve_doc(entry.doc_link[0], source, entry.doc_link[1])
                for source, entry in files if entry.doc_link is not None}
    whole_key = digest(base_url, render_key, [(source, entry.key, doc_urls.get(source)) for source, entry in files])
    result = cache.whole_result(whole_key, published) if cache is not None else None
    if result is None:
        result, own = _render_catalog(files, doc_urls, base_url, render, cache, render_key, jobs, published)
        if cache is not None:
            cache.put_whole(whole_key, result)
    else:  # nothing changed: not even the plugins are unpickled
        assert cache is not None
        own = [cache.rendered[name][1] for name in result.names]
    report.extend(result.diagnostics)
    if collect is not None:
        collect.extend(result.listings)

    outputs: dict[str, FileData] = {}

    def add(files: dict[str, FileData], owner: str) -> None:
        for path, data in files.items():
            if path in outputs:
                report.error(owner, 0, 0, "output-collision", f"the plugin catalog writes '{path}' twice",
                             "a plugin name or version collides with another published file")
                continue
            outputs[path] = data

    for source, entry in files:
        payloads = entry.payload_bytes()
        if payloads is None:  # a local file vanished after it was read: the next build reads it again
            report.error(source, 0, 0, "plugin-read", "a local file this plugin publishes changed during the build",
                         "build again")
            continue
        add(payloads, source)
    for plugin_files in own:
        add(plugin_files, "plugins-index (plugin files)")
    add(result.files, "plugins-index (catalog files)")
    add(schema_files(), "catalog/plugins/schemas")
    return dict(sorted(outputs.items()))


def _render_catalog(files: list[tuple[str, LoadedFile]], doc_urls: dict[str, str | None], base_url: str,
                    render: Callable[[str, dict], str], cache: CatalogCache | None, render_key: str,
                    jobs: int | None, published: Published | None) -> tuple[CatalogFiles, list[dict[str, FileData]]]:
    """The catalog-wide files and each plugin's own files (from `cache` where unchanged)."""
    checks = Report()
    loaded = index_of(files, checks)
    plugins = [dataclasses.replace(p, documentation_url=doc_urls.get(p.source)) if p.documentation else p
               for p in loaded.plugins]
    facts = CatalogFacts.of(plugins)
    shared = digest(base_url, render_key, facts.options, facts.titles)
    keys = [digest(shared, loaded.keys[p.name], p.documentation_url) for p in plugins]
    rendered = [cache.rendered_files(p.name, key, published) if cache is not None else None
                for p, key in zip(plugins, keys)]
    missing = [i for i, done in enumerate(rendered) if done is None]

    def render_plugin(index: int) -> dict[str, bytes]:
        plugin = plugins[missing[index]]
        path, data = plugin_index_file(plugin, base_url)
        return {path: data, **marketplace_plugin_files(plugin, base_url),
                page_file(plugin.name): plugin_page(plugin, facts, base_url=base_url, render=render).encode()}

    for index, done in zip(missing, map_indexed(render_plugin, len(missing), jobs)):
        rendered[index] = done
        if cache is not None:
            cache.put_rendered(plugins[index].name, keys[index], done)
    own = {path: data for done in rendered if done for path, data in done.items()}
    catalog_wide = {
        ROOT_FILE: root_index(plugins, own),
        **{name: dumps(legacy_catalog(plugins, base_url, dsl)) for name, dsl in LEGACY_CATALOGS.items()},
        marketplace_path("catalog"): marketplace_catalog(plugins, base_url),
        no_match_file()[0]: no_match_file()[1],
        LIST_FILE: list_page(plugins, facts, base_url=base_url, render=render).encode(),
    }
    return (CatalogFiles([p.name for p in plugins], catalog_wide, checks.items, [Listing.of(p) for p in plugins]),
            [done for done in rendered if done is not None])


def schema_files() -> dict[str, bytes]:
    """The JSON Schemas shipped in catalog/plugins/schemas/, published under index/v1/schemas/."""
    folder = resources.files(__name__).joinpath("schemas")
    return {f"{SCHEMA_DIR}/{entry.name}": entry.read_bytes()
            for entry in sorted(folder.iterdir(), key=lambda e: e.name) if entry.name.endswith(".json")}
