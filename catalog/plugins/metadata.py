"""plugins-index/*.yaml: load and validate one file's plugin metadata into the model, with
every problem reported at its line and column, and local wagons read and cross-checked (the
folder as a whole: catalog.plugins.indexfolder).

The schema (one file per plugin, named after the plugin):

```yaml
name: cloudify-aws-plugin            # required; equals the file name; lower-case, digits, '-'
title: AWS                           # required
description: |                      # required; Markdown
  A Cloudify Plugin that provisions resources in AWS
icon: https://.../aws-1.png          # optional http(s) URL
repository: https://github.com/...   # optional http(s) URL
releases_page: https://github.com/.../releases   # optional http(s) URL
documentation: working_with/official_plugins/aws.md   # optional; resolved like a relref
categories: [Infrastructure]         # optional list of strings
releases:                            # required, at least one; any order
  - version: 3.0.10                  # required; PEP 440, normalised form
    date: 2022-03-17                 # required; the release date
    manager_versions: ">=5.1"        # optional PEP 440 specifier; absent = no known limit
    yaml_files:                      # required, at least one
      - dsl_version: cloudify_dsl_1_3
        url: https://.../plugin.yaml # or path: relative to this file, published by the build
        sha256: <64 hex>             # required with url; computed (and checked if given) with path
        size: 12345                  # same
    wagons:                          # required, at least one
      - url: https://.../cloudify_aws_plugin-3.0.10-centos-Core-py36-none-linux_x86_64.wgn
        sha256: <64 hex>
        size: 12345
        distribution: centos         # optional: derived from the file name, checked if given
        release: core
        arch: x86_64
        python: [py36]
    yanked: "reason"                 # optional: never selected again; the reason is shown
    deprecated:                      # optional: still selectable, with a warning
      replacement: cloudify-openstack-plugin >=3.0   # a plugin of this index, maybe a specifier
      reason: "..."                  # optional
```

Why these choices: `name` is the package name clients import (`plugin:NAME`), so it is
also the file name and the Marketplace id; platform fields are optional because the
wagon file name already carries them (writing them twice invites disagreement, so
when they are written they must agree); sha256 and size are required for remote
files because nothing else lets a client verify a download; `documentation` is
optional because most plugins have no page of their own yet; versions must be in
normalised form because they become URLs (`/plugins/{id}/{version}`).
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Callable, TypeVar

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from ..diagnostics import Report
from . import yamlsource
from .artifacts import ArtifactReader, hosted_path, is_http_url
from .buildmemo import LoadedFile
from .model import PLUGIN_NAME, Deprecation, Plugin, Release, Wagon, YamlFile
from .yamlsource import Fields, Mapping, Pos, Scalar

PLUGIN_KEYS = ("name", "title", "description", "icon", "repository", "releases_page", "documentation",
               "categories", "releases")
RELEASE_KEYS = ("version", "date", "manager_versions", "yaml_files", "wagons", "yanked", "deprecated")
DEPRECATED_KEYS = ("replacement", "reason")
# Names that would collide with the published Marketplace files under /plugins/.
RESERVED_NAMES = ("by-name", "catalog")
T = TypeVar("T")


def parse_file(path: Path, source: str, data: bytes, sha256: str) -> LoadedFile:
    """One file's loading result: its plugin (or None), diagnostics and the artifacts it read."""
    file_report = Report()
    reader = _PluginFile(path, source, file_report, {})
    plugin = reader.load(data)
    return LoadedFile(sha256, plugin, file_report.items, reader.doc_link, reader.artifacts.inputs,
                      {site_path: reader.artifacts.sources.get(site_path, payload)
                       for site_path, payload in reader.artifacts.payloads.items()},
                      plugin.name if plugin is not None else None)


class _PluginFile:
    """One plugins-index file being read."""

    def __init__(self, path: Path, source: str, report: Report, payloads: dict[str, bytes]) -> None:
        self.path = path
        self.source = source
        self.report = report
        self.artifacts = ArtifactReader(source, report, path.parent, payloads)
        self.ok = True
        self.doc_link: tuple[str, int] | None = None

    def error(self, pos: Pos, code: str, message: str, hint: str = "") -> None:
        self.ok = False
        self.report.error(self.source, pos.line, pos.col, code, message, hint)

    def load(self, data: bytes) -> Plugin | None:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            self.report.error(self.source, 0, 0, "plugin-read", f"cannot read the file: {exc}")
            return None
        before = len(self.report.errors())
        root = yamlsource.load(text, self.source, self.report)
        if root is None:
            if len(self.report.errors()) == before:
                self.report.error(self.source, 1, 1, "plugin-empty", "the file describes no plugin",
                                  "write the plugin's name, title, description and releases")
            return None
        if not isinstance(root, Mapping):
            self.error(root.pos, "plugin-type", f"a plugin file is a mapping of keys, got {yamlsource.kind(root)}")
            return None
        plugin = self._plugin(root)
        if len(self.report.errors()) != before:   # e.g. a duplicate key found while parsing
            return None
        return plugin

    def _plugin(self, root: Mapping) -> Plugin | None:
        f = Fields(root, self.source, self.report, "plugin")
        f.check_unknown(PLUGIN_KEYS)
        name = f.string("name")
        if name is not None:
            self._check_name(name, f.key_pos("name"))
            self.artifacts.plugin_name = name
        title = f.string("title")
        description = f.string("description")
        icon = self._url(f, "icon")
        repository = self._url(f, "repository")
        releases_page = self._url(f, "releases_page")
        documentation = f.string("documentation", required=False)
        if documentation is not None:
            self.doc_link = (documentation, f.key_pos("documentation").line)
        categories = self._categories(f)
        release_nodes = f.sequence("releases")
        releases: list[Release] = []
        if release_nodes is not None:
            if not release_nodes:
                f.error(f.key_pos("releases"), "plugin-no-release", "plugin: 'releases' is empty",
                        "describe at least one release")
            for node in yamlsource.each_mapping(release_nodes, self.source, self.report, "release"):
                release = self._release(node, name or self.path.stem)
                if release is not None:
                    releases.append(release)
                else:
                    self.ok = False
            self._check_versions_unique(releases)
        if not (f.ok and self.ok) or name is None or title is None or description is None:
            return None
        releases.sort(key=lambda r: r.parsed_version, reverse=True)
        return Plugin(name=name, title=title, description=description, releases=tuple(releases),
                      source=self.source, icon=icon, repository=repository, releases_page=releases_page,
                      categories=tuple(categories), documentation=documentation,
                      documentation_line=self.doc_link[1] if self.doc_link else 0)

    def _check_name(self, name: str, pos: Pos) -> None:
        if not PLUGIN_NAME.match(name):
            self.error(pos, "plugin-name", f"plugin name '{name}' must be lower-case letters and digits joined by '-'",
                       f"for example '{re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-')}'")
        elif name in RESERVED_NAMES:
            self.error(pos, "plugin-name", f"plugin name '{name}' is reserved: /plugins/{name} is a Marketplace file",
                       "choose another name")
        if name != self.path.stem:
            self.error(pos, "plugin-name", f"plugin name '{name}' differs from the file name '{self.path.name}'",
                       f"rename the file to {name}{self.path.suffix} or fix the name")

    def _url(self, f: Fields, key: str, required: bool = False) -> str | None:
        value = f.string(key, required)
        if value is not None and not is_http_url(value):
            f.error(f.key_pos(key), "plugin-url", f"{f.what}: '{key}' must be an http(s) URL, got '{value}'")
            return None
        return value

    def _categories(self, f: Fields) -> list[str]:
        items = f.strings("categories", required=False) or []
        seen: set[str] = set()
        result = []
        for text, pos in items:
            if text.lower() in seen:
                f.error(pos, "plugin-category", f"category '{text}' is listed twice")
                continue
            seen.add(text.lower())
            result.append(text)
        return result

    def _check_versions_unique(self, releases: list[Release]) -> None:
        seen: dict[Version, Release] = {}
        for release in releases:
            if release.parsed_version in seen:
                first = seen[release.parsed_version].line
                self.error(Pos(release.line, 1), "plugin-duplicate-release",
                           f"release {release.version} is described twice (first at line {first})",
                           "merge the two entries")
            seen[release.parsed_version] = release

    # -- releases ---------------------------------------------------------------------------

    def _release(self, node: Mapping, plugin_name: str) -> Release | None:
        f = Fields(node, self.source, self.report, "release")
        f.check_unknown(RELEASE_KEYS)
        version = f.string("version")
        if version is not None:
            version = self._version(version, f)
        if version is not None:
            f.what = f"release {version}"
        date = f.date("date")
        manager_versions = f.string("manager_versions", required=False)
        if manager_versions is not None:
            try:
                SpecifierSet(manager_versions)
            except InvalidSpecifier:
                f.error(f.key_pos("manager_versions"), "plugin-specifier",
                        f"{f.what}: manager_versions '{manager_versions}' is not a PEP 440 specifier",
                        "for example '>=6.0,<7.0'")
        yanked = self._yanked(f)
        deprecated = self._deprecated(f)
        folder = hosted_path(plugin_name, version or "unknown", "")
        yaml_files = self._each(f, "yaml_files", "yaml file", lambda m: self.artifacts.yaml_file(m, folder, f.what))
        wagons = self._each(f, "wagons", "wagon", lambda m: self.artifacts.wagon(m, plugin_name, version, folder, f.what))
        self._check_artifacts_unique(f, yaml_files, wagons)
        if not f.ok or version is None or date is None:
            return None
        return Release(version=version, date=date, yaml_files=tuple(yaml_files), wagons=tuple(wagons),
                       manager_versions=manager_versions, yanked=yanked, deprecated=deprecated,
                       line=node.pos.line)

    def _version(self, text: str, f: Fields) -> str | None:
        try:
            parsed = Version(text)
        except InvalidVersion:
            f.error(f.key_pos("version"), "plugin-version", f"release: '{text}' is not a PEP 440 version",
                    "for example 3.0.10, 2.0.0rc1 or 1.4.10.post1")
            return None
        if str(parsed) != text:
            f.error(f.key_pos("version"), "plugin-version", f"release: version '{text}' is not in normalised form",
                    f"write it as '{parsed}' (versions become URLs, so one spelling only)")
            return None
        return text

    def _yanked(self, f: Fields) -> str | None:
        node = f.node("yanked", False, "the reason, a string")
        if node is None:
            return None
        if isinstance(node, Scalar) and isinstance(node.value, str) and node.value.strip():
            return node.value.strip()
        f.error(node.pos, "plugin-yanked", f"{f.what}: 'yanked' must give the reason as a string, got {yamlsource.kind(node)}",
                "for example  yanked: \"breaks install on Redhat Ootpa; use 3.0.10\"")
        return None

    def _deprecated(self, f: Fields) -> Deprecation | None:
        node = f.mapping_of("deprecated", required=False)
        if node is None:
            return None
        d = Fields(node, self.source, self.report, f"{f.what}: deprecated")
        d.check_unknown(DEPRECATED_KEYS)
        replacement = d.string("replacement")
        reason = d.string("reason", required=False)
        if replacement is None:
            f.ok = False
            return None
        try:
            requirement = Requirement(replacement)
        except InvalidRequirement as exc:
            d.error(d.key_pos("replacement"), "plugin-replacement",
                    f"{d.what}: replacement '{replacement}' is not 'plugin-name [specifier]': {exc}",
                    "for example  replacement: cloudify-openstack-plugin >=3.0")
            f.ok = False
            return None
        if not d.ok:
            f.ok = False
            return None
        return Deprecation(requirement.name, str(requirement.specifier) or None, reason)

    def _each(self, f: Fields, key: str, what: str, read: Callable[[Mapping], T | None]) -> list[T]:
        """Read every entry of a required, non-empty list of mappings; any bad entry fails the release."""
        items = f.sequence(key)
        if items is None:
            return []
        if not items:
            f.error(f.key_pos(key), "plugin-empty-list", f"{f.what}: '{key}' is empty",
                    f"a release needs at least one {what}: without it clients cannot install the release")
        results = []
        for item in items:
            value = read(item) if isinstance(item, Mapping) else None
            if not isinstance(item, Mapping):
                f.error(item.pos, "plugin-type", f"{f.what}: each {what} must be a mapping, got {yamlsource.kind(item)}")
            if value is None:
                f.ok = False
            else:
                results.append(value)
        return results

    def _check_artifacts_unique(self, f: Fields, yaml_files: list[YamlFile], wagons: list[Wagon]) -> None:
        names: set[str] = set()
        for artifact in [*yaml_files, *wagons]:
            if artifact.filename in names:
                f.error(f.mapping.pos, "plugin-duplicate-file", f"{f.what}: two files are named '{artifact.filename}'",
                        "each file of a release needs its own name")
            names.add(artifact.filename)
        dsl: set[str] = set()
        for yaml_file in yaml_files:
            if yaml_file.dsl_version in dsl:
                f.error(f.mapping.pos, "plugin-duplicate-file", f"{f.what}: two yaml files for {yaml_file.dsl_version}")
            dsl.add(yaml_file.dsl_version)
        platforms: set[tuple] = set()
        for wagon in wagons:
            key = (wagon.distribution, wagon.release, wagon.arch, wagon.python_tags)
            if key in platforms:
                f.error(f.mapping.pos, "plugin-duplicate-wagon",
                        f"{f.what}: two wagons for {wagon.label} {wagon.arch} {'.'.join(wagon.python_tags)}",
                        "clients could not tell them apart; remove one")
            platforms.add(key)
