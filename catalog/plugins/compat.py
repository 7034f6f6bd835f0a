"""The files today's clients read: the legacy `plugins.json` / `v2_plugins.json` and the
Marketplace-shaped API files (REFERENCE.md sections 3.1 and 3.2), from a static host.

Decisions:

- One entry per plugin in the legacy catalogs: its newest installable release that ships
  the DSL file the catalog points at (`plugin.yaml`, cloudify_dsl_1_3, for
  `plugins.json`; cloudify_dsl_1_4 for `v2_plugins.json`). Yanked releases never
  appear there, nor in `/plugins/catalog` or `/plugins/{id}/versions`: these clients
  cannot tell a yanked release from a good one. `/plugins/{id}/{version}` is published
  for every release, so an exact lookup still answers.
- Fields the metadata cannot provide are left out, never invented: `md5url` only for
  wagons this site hosts (the build writes the `.md5` file), `downloads` never,
  `supported_cm_versions` only when the release declares manager versions.
- Marketplace ids are the plugin names (stable across builds and mirrors, unlike the
  Marketplace's UUIDs); a version's id is `{name}-{version}`. `created_at` is the
  release date, the only time the metadata has.
- `GET /plugins?name=X` cannot be a file: the build publishes `/plugins/by-name/{X}.json`
  and the host rewrites the query to it (see `marketplace_redirect_rules`). An unknown
  name must get what the Marketplace answers, 200 `{"items": []}` (the manager then says
  `Couldn't find plugin "X"`; an HTML 404 makes it report the catalog unreachable). A
  Netlify rewrite cannot fall back when its target is missing, so the rules name every
  published plugin exactly, and a last catch-all rule answers any other name (also one
  outside [a-z0-9-], and an empty one) with `/plugins/by-name/_none.json`, which no
  plugin name can collide with ('_' is not allowed in names).
- The Marketplace files have no extension: their Content-Type comes from the host's
  configuration, `_headers` (Netlify, Cloudflare Pages; see `headers_file`).
"""
from __future__ import annotations

from typing import Any, Callable, Iterable

from .index import dumps
from .model import PLUGIN_NAME, Plugin, Release, Wagon, base_path

LEGACY_CATALOGS = {"plugins.json": "cloudify_dsl_1_3", "v2_plugins.json": "cloudify_dsl_1_4"}
MARKETPLACE_PREFIX = "plugins"
NO_MATCH = "_none"   # plugins/by-name/_none.json: the answer to a name no plugin has
JSON_TYPE = "application/json; charset=utf-8"


def legacy_catalog(plugins: list[Plugin], base_url: str, dsl_version: str) -> list[dict[str, Any]]:
    entries = []
    for plugin in sorted(plugins, key=lambda p: p.name):
        release = plugin.latest(dsl_version)
        if release is None:
            continue
        yaml_file = release.yaml_for(dsl_version)
        assert yaml_file is not None
        entry: dict[str, Any] = {
            "name": plugin.name, "title": plugin.title, "description": plugin.description,
            "version": release.version,
            "link": yaml_file.href(base_url), "yaml": yaml_file.href(base_url),
            "wagons": [_legacy_wagon(wagon, base_url) for wagon in release.wagons],
        }
        if plugin.icon:
            entry["icon"] = plugin.icon
        if plugin.releases_page:
            entry["releases"] = plugin.releases_page
        entries.append(entry)
    return entries


def _legacy_wagon(wagon: Wagon, base_url: str) -> dict[str, str]:
    # The console that reads these files shows a wagon only when lower(name) equals the manager's
    # "{distribution} {release}", or is "any": a wagon that runs everywhere (py3-none-any) says "any",
    # or no console would ever offer it.
    entry = {"name": "any" if wagon.arch == "any" else wagon.label, "url": wagon.href(base_url)}
    if wagon.md5 and wagon.site_path:
        entry["md5url"] = wagon.href(base_url) + ".md5"
    return entry


# -- Marketplace --------------------------------------------------------------------------

def marketplace_path(*parts: str) -> str:
    return "/".join((MARKETPLACE_PREFIX, *parts))


def marketplace_catalog(plugins: list[Plugin], base_url: str) -> bytes:
    """`/plugins/catalog`: the latest installable release of every plugin."""
    catalog = []
    for plugin in sorted(plugins, key=lambda p: p.name):
        latest = plugin.latest()
        if latest is not None:
            catalog.append({
                "name": plugin.name, "display_name": plugin.title, "version": latest.version,
                "description": plugin.description,
                **({"logo_url": plugin.icon} if plugin.icon else {}),
                "wagon_urls": _wagon_urls(latest, base_url),
                "yaml_urls": _yaml_urls(latest, base_url),
            })
    return dumps(catalog)


def marketplace_plugin_files(plugin: Plugin, base_url: str) -> dict[str, bytes]:
    """One plugin's Marketplace files: its search result, its version list, each version."""
    latest = plugin.latest()
    search_item: dict[str, Any] = {"id": plugin.name, "name": plugin.name, "display_name": plugin.title,
                                   "description": plugin.description}
    if plugin.icon:
        search_item["logo_url"] = plugin.icon
    if latest is not None:
        search_item["version"] = latest.version
    files = {marketplace_path("by-name", f"{plugin.name}.json"): dumps({"items": [search_item]}),
             marketplace_path(plugin.name, "versions"): dumps(
                 {"items": [_version_object(plugin, r, base_url) for r in plugin.releases if not r.yanked]})}
    for release in plugin.releases:
        files[marketplace_path(plugin.name, release.version)] = dumps(_version_object(plugin, release, base_url))
    return files


def _wagon_urls(release: Release, base_url: str) -> list[dict[str, Any]]:
    # file_size is left out, never invented, for a wagon whose size nobody measured yet
    return [{"release": w.label, "arch": w.arch, **({"file_size": w.size} if w.size is not None else {}),
             "url": w.href(base_url)}
            for w in release.wagons]


def _yaml_urls(release: Release, base_url: str) -> list[dict[str, str]]:
    return [{"dsl_version": y.dsl_version, "url": y.href(base_url)} for y in release.yaml_files]


def _version_object(plugin: Plugin, release: Release, base_url: str) -> dict[str, Any]:
    document: dict[str, Any] = {
        "id": f"{plugin.name}-{release.version}", "plugin_id": plugin.name, "version": release.version,
        "created_at": release.date.isoformat(),
        "yaml_urls": _yaml_urls(release, base_url), "wagon_urls": _wagon_urls(release, base_url),
    }
    if release.manager_versions:
        document["supported_cm_versions"] = release.manager_versions
    return document


def no_match_file() -> tuple[str, bytes]:
    """The Marketplace's answer to a name no plugin has."""
    return marketplace_path("by-name", f"{NO_MATCH}.json"), dumps({"items": []})


def marketplace_redirect_rules(base_url: str = "/", names: Iterable[str] = ()) -> list[str]:
    """Netlify `_redirects` lines that answer `GET /plugins?name=X` from the static files.

    A 200 rule rewrites (the client keeps its URL and gets the file). Netlify applies the
    first rule that matches, and a rewrite to a missing file is a 404, so each published
    plugin gets its own rule (an exact query value) and the last rule, whose `:name`
    matches any value, answers every other name with the empty result.
    """
    prefix = base_path(base_url)
    source = f"{prefix}{MARKETPLACE_PREFIX}"
    rules = []
    # forced (200!): plugins/index.html exists at /plugins/, and Netlify would serve it
    # instead of an unforced rule
    for name in sorted(names):
        target = f"{prefix}{marketplace_path('by-name', f'{name}.json')}"
        rules += [f"{source} name={name} {target} 200!", f"{source}/ name={name} {target} 200!"]
    target = f"{prefix}{marketplace_path('by-name', f'{NO_MATCH}.json')}"
    return rules + [f"{source} name=:name {target} 200!", f"{source}/ name=:name {target} 200!"]


def rewrite_marketplace_query(path: str, query: dict[str, list[str]], base_url: str = "/",
                              exists: Callable[[str], bool] | None = None) -> str | None:
    """What the redirect rules do, for a preview server: the URL path to serve instead, or None.

    `query` is `urllib.parse.parse_qs(..., keep_blank_values=True)` of the request's query
    string; `exists` tells whether a site path (relative to the base path) is published: a
    name without a file, one outside [a-z0-9-], an empty or a repeated one gets the empty result."""
    prefix = base_path(base_url)
    names = query.get("name")
    if path.rstrip("/") != f"{prefix}{MARKETPLACE_PREFIX}" or names is None:
        return None
    rel = marketplace_path("by-name", f"{names[0]}.json") if len(names) == 1 else ""
    if len(names) != 1 or not PLUGIN_NAME.match(names[0]) or (exists is not None and not exists(rel)):
        rel = marketplace_path("by-name", f"{NO_MATCH}.json")
    return prefix + rel


def is_marketplace_api_file(rel: str) -> bool:
    """/plugins/catalog, /plugins/{id}/versions, /plugins/{id}/{version}: the extension-less
    JSON files (a version such as 1.2.0 has dots, so: whatever is neither a page nor .json)."""
    return rel.startswith(MARKETPLACE_PREFIX + "/") and not rel.endswith((".html", ".json"))


def headers_file(paths: Iterable[str], base_url: str = "/") -> str:
    """`_headers` (read by Netlify and Cloudflare Pages): the JSON Content-Type of every
    extension-less Marketplace file, which a static host would otherwise serve as
    application/octet-stream (the console's Getting Started then rejects every plugin).

    Each file is named exactly: a pattern such as /plugins/*/* would also match the
    plugins' HTML pages. Other hosts need the same rule in their own configuration
    (content/publishing/hosting.md)."""
    prefix = base_path(base_url)
    lines = ["# Generated by catalog build: the Marketplace API files have no extension; they are JSON."]
    for path in sorted(paths):
        if is_marketplace_api_file(path):
            lines += [f"{prefix}{path}", f"  Content-Type: {JSON_TYPE}"]
    return "\n".join(lines) + "\n"
