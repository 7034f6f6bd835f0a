"""The plugin catalog: plugins-index/*.yaml and wagons in, index + compatibility files +
HTML pages out, as one function the site build calls (`build_plugin_outputs`).

Stages, top to bottom: load and validate the metadata (reading local wagons), resolve
documentation links, then render our index, the legacy and Marketplace files, the JSON
Schemas and the HTML pages, and add the bytes of every hosted wagon and yaml file.
Nothing here writes to disk: the caller publishes the returned {site path: bytes}.
"""
from __future__ import annotations

import dataclasses
from importlib import resources
from pathlib import Path
from typing import Callable

from ..diagnostics import Report
from ..parallel import map_indexed
from .cache import CatalogCache, code_fingerprint, digest
from .compat import (LEGACY_CATALOGS, legacy_catalog, marketplace_catalog, marketplace_path,
                     marketplace_plugin_files, marketplace_redirect_rules, rewrite_marketplace_query)
from .index import ROOT_FILE, SCHEMA_DIR, dumps, plugin_index_file, root_index
from .metadata import load_index
from .model import Plugin
from .pages import LIST_FILE, CatalogFacts, list_page, page_file, plugin_page

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

__all__ = ["SCHEMA_OF", "build_plugin_outputs", "marketplace_redirect_rules", "rewrite_marketplace_query", "schema_files"]


def build_plugin_outputs(index_dir: Path, *, project_dir: Path, base_url: str, report: Report,
                         resolve_doc: Callable[[str, str, int], str | None],
                         render: Callable[[str, dict], str],
                         collect: list[Plugin] | None = None, cache: CatalogCache | None = None,
                         render_key: str = "", jobs: int | None = None) -> dict[str, bytes]:
    """Every file the plugin catalog publishes, by site-relative POSIX path, in sorted order.
    `collect`, when given, receives the loaded plugins (the site's search index lists them).
    With `cache`, unchanged files are not read again and unchanged plugins not rendered
    again; `render_key` must change whenever what `render` shows besides its arguments
    does (templates, site configuration, the docs' navigation)."""
    if cache is not None:
        cache.reads = cache.renders = 0
        if cache.code != code_fingerprint():
            cache.reset(code_fingerprint())
    loaded = load_index(index_dir, project_dir=project_dir, report=report, memo=cache)
    plugins = [_with_documentation(plugin, resolve_doc) for plugin in loaded.plugins]
    if collect is not None:
        collect.extend(plugins)
    for source, ref, line in loaded.unused_doc_links:  # report a broken link now, not after the next fix
        resolve_doc(ref, source, line)

    outputs: dict[str, bytes] = {}

    def add(files: dict[str, bytes] | dict[str, str], owner: str) -> None:
        for path, data in files.items():
            if path in outputs:
                report.error(owner, 0, 0, "output-collision", f"the plugin catalog writes '{path}' twice",
                             "a plugin name or version collides with another published file")
                continue
            outputs[path] = data.encode("utf-8") if isinstance(data, str) else data

    facts = CatalogFacts.of(plugins)
    shared = digest(base_url, render_key, facts.options, facts.titles)
    keys = [digest(shared, loaded.keys[p.name], p.documentation_url) for p in plugins]
    rendered = [cache.rendered_files(p.name, key) if cache is not None else None for p, key in zip(plugins, keys)]
    missing = [i for i, files in enumerate(rendered) if files is None]

    def render_plugin(index: int) -> dict[str, bytes]:
        plugin = plugins[missing[index]]
        path, data = plugin_index_file(plugin, base_url)
        return {path: data, **marketplace_plugin_files(plugin, base_url),
                page_file(plugin.name): plugin_page(plugin, facts, base_url=base_url, render=render).encode()}

    for index, files in zip(missing, map_indexed(render_plugin, len(missing), jobs)):
        rendered[index] = files
        if cache is not None:
            cache.put_rendered(plugins[index].name, keys[index], files)

    per_plugin = {path: data for files in rendered if files for path, data in files.items()}
    add(loaded.payloads, "plugins-index (hosted files)")
    add(per_plugin, "plugins-index (plugin files)")
    add({ROOT_FILE: root_index(plugins, per_plugin),
         **{name: dumps(legacy_catalog(plugins, base_url, dsl)) for name, dsl in LEGACY_CATALOGS.items()},
         marketplace_path("catalog"): marketplace_catalog(plugins, base_url),
         LIST_FILE: list_page(plugins, facts, base_url=base_url, render=render)}, "plugins-index (catalog files)")
    add(schema_files(), "catalog/plugins/schemas")
    return dict(sorted(outputs.items()))


def _with_documentation(plugin: Plugin, resolve_doc: Callable[[str, str, int], str | None]) -> Plugin:
    if not plugin.documentation:
        return plugin
    url = resolve_doc(plugin.documentation, plugin.source, plugin.documentation_line)
    return dataclasses.replace(plugin, documentation_url=url)


def schema_files() -> dict[str, bytes]:
    """The JSON Schemas shipped in catalog/plugins/schemas/, published under index/v1/schemas/."""
    folder = resources.files(__name__).joinpath("schemas")
    return {f"{SCHEMA_DIR}/{entry.name}": entry.read_bytes()
            for entry in sorted(folder.iterdir(), key=lambda e: e.name) if entry.name.endswith(".json")}
