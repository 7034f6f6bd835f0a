"""Our own download index, version 1: a small root file plus one file per plugin.

Layout (site-relative):

- `index/v1/index.json`: `schema_version`, and per plugin (sorted by name) its title,
  categories, latest installable release, and the `path`, `sha256` and `size` of its
  own file. A client reads this first, then only the plugin file it needs, and checks
  that file's sha256 against the root, so a half-updated mirror or a stale cache is
  caught instead of trusted.
- `index/v1/plugins/{name}.json`: every release, newest first (PEP 440 order), each with
  its DSL yaml files and wagons (sha256, size, distribution, release, architecture,
  platform and python tags), supported manager versions, `yanked` and `deprecated`.
- `index/v1/schemas/*.schema.json`: the JSON Schemas of these and of the compatibility files.

Why per-plugin files: the Jenkins update center's single huge file and Helm's
`index.yaml` make every client download everything; here adding a release rewrites one
plugin file and the root only. Why no timestamps: two builds of the same input are
byte-identical (dumb-pypi), and caches can rely on the sha256 values. URLs of files
hosted by this site are relative to the JSON file that mentions them (as in Terraform's
network mirror), so a copied or mirrored index tree keeps working; remote files keep
their absolute URLs.

Versioning follows PEP 629: `schema_version` is "MAJOR.MINOR". Adding optional fields
bumps MINOR; removing or changing the meaning of a field bumps MAJOR and moves the
index to `index/v{MAJOR}/`. A client must refuse a file whose MAJOR is higher than the
one it implements, and should warn, then carry on, when only MINOR is higher.
"""
from __future__ import annotations

import json
from typing import Any, Mapping
from urllib.parse import urljoin

import orjson

from .buildmemo import FileData, digest_and_size
from .model import Plugin, Release, Wagon, YamlFile

SCHEMA_VERSION = "1.0"
INDEX_DIR = "index/v1"
ROOT_FILE = f"{INDEX_DIR}/index.json"
SCHEMA_DIR = f"{INDEX_DIR}/schemas"


def plugin_file(name: str) -> str:
    return f"{INDEX_DIR}/plugins/{name}.json"


_ORJSON_OPTIONS = orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE


def dumps(document: Any) -> bytes:
    """The one JSON spelling of every published file: sorted keys, 2-space indent, UTF-8, final newline.

    orjson writes the same bytes as `json.dumps(indent=2, sort_keys=True, ensure_ascii=False)`
    for the str/int/bool/None/list/dict documents made here (tests/test_plugins_outputs.py
    compares them), twenty times faster: the standard library's indented encoding is pure
    Python, and it was the largest cost of rendering a large catalog. Anything orjson
    refuses (an integer beyond 64 bits) is written by the standard library."""
    try:
        return orjson.dumps(document, option=_ORJSON_OPTIONS)
    except TypeError:
        return (json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def plugin_index_file(plugin: Plugin, base_url: str) -> tuple[str, bytes]:
    """(site path, bytes) of one plugin's own index file."""
    path = plugin_file(plugin.name)
    return path, dumps(plugin_document(plugin, base_url, path))


def root_index(plugins: list[Plugin], files: Mapping[str, FileData]) -> bytes:
    """The root file; `files` holds each plugin's own file, whose sha256 and size it records."""
    entries = []
    for plugin in sorted(plugins, key=lambda p: p.name):
        path = plugin_file(plugin.name)
        sha256, size = digest_and_size(files[path])
        entry: dict[str, Any] = {
            "name": plugin.name,
            "title": plugin.title,
            "categories": list(plugin.categories),
            "file": {"path": path[len(INDEX_DIR) + 1:], "sha256": sha256, "size": size},
        }
        latest = plugin.latest()
        if latest is not None:
            entry["latest"] = {"version": latest.version, "date": latest.date.isoformat()}
        entries.append(entry)
    return dumps({"schema_version": SCHEMA_VERSION, "plugins": entries})


def plugin_document(plugin: Plugin, base_url: str, path: str) -> dict[str, Any]:
    document: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "name": plugin.name,
        "title": plugin.title,
        "description": plugin.description,
        "categories": list(plugin.categories),
        "releases": [release_document(release, path) for release in plugin.releases],
    }
    optional = {"icon": plugin.icon, "repository": plugin.repository, "releases_page": plugin.releases_page,
                "documentation": urljoin(base_url, plugin.documentation_url) if plugin.documentation_url else None}
    document.update({key: value for key, value in optional.items() if value})
    latest = plugin.latest()
    if latest is not None:
        document["latest"] = latest.version
    return document


def release_document(release: Release, path: str) -> dict[str, Any]:
    document: dict[str, Any] = {
        "version": release.version,
        "date": release.date.isoformat(),
        "yaml_files": [yaml_document(y, path) for y in release.yaml_files],
        "wagons": [wagon_document(w, path) for w in release.wagons],
    }
    if release.manager_versions:
        document["manager_versions"] = release.manager_versions
    if release.yanked:
        document["yanked"] = {"reason": release.yanked}
    if release.deprecated:
        replacement = {"plugin": release.deprecated.replacement}
        if release.deprecated.replacement_version:
            replacement["version"] = release.deprecated.replacement_version
        document["deprecated"] = {"replacement": replacement}
        if release.deprecated.reason:
            document["deprecated"]["reason"] = release.deprecated.reason
    return document


def yaml_document(yaml_file: YamlFile, path: str) -> dict[str, Any]:
    return {"dsl_version": yaml_file.dsl_version, "filename": yaml_file.filename,
            "url": yaml_file.href_from(path), **_digests(yaml_file)}


def _digests(artifact: YamlFile | Wagon) -> dict[str, Any]:
    """sha256 and size, or `"unverified": true` (and the size if known) for a file written `sha256: unknown`:
    a client must not install such a file as if it had checked it."""
    if artifact.sha256 is not None:
        return {"sha256": artifact.sha256, "size": artifact.size}
    return {"unverified": True, **({"size": artifact.size} if artifact.size is not None else {})}


def wagon_document(wagon: Wagon, path: str) -> dict[str, Any]:
    document: dict[str, Any] = {
        "filename": wagon.filename, "url": wagon.href_from(path), **_digests(wagon),
        "distribution": wagon.distribution, "arch": wagon.arch, "platform": wagon.platform,
        "python_tags": list(wagon.python_tags),
    }
    if wagon.release:
        document["release"] = wagon.release
    if wagon.build_tag:
        document["build_tag"] = wagon.build_tag
    return document


class SchemaVersionError(Exception):
    """The file was written for a newer major schema version (or names none): do not read it."""


def check_schema_version(document: Any, where: str) -> str | None:
    """PEP 629's rule: raise on a higher major version, return a warning on a higher minor one."""
    version = document.get("schema_version") if isinstance(document, dict) else None
    try:
        major, minor = (int(part) for part in str(version).split("."))
    except ValueError:
        raise SchemaVersionError(f"{where}: no valid schema_version (got {version!r}); is this a plugin index?") from None
    own_major, own_minor = (int(part) for part in SCHEMA_VERSION.split("."))
    if major > own_major:
        raise SchemaVersionError(
            f"{where}: schema_version {version} is newer than the {SCHEMA_VERSION} this client reads; "
            "upgrade the client")
    if major == own_major and minor > own_minor:
        return (f"{where}: schema_version {version} is newer than {SCHEMA_VERSION}; "
                "reading it anyway, fields this client does not know are ignored")
    return None
