"""Every published copy of a plugin fact agrees with the download index.

The index is a chain a client verifies: the root file gives the sha256 of each plugin's
file (indexes.py checks it), and the plugin file gives every release, wagon, URL and
digest. Everything else the build writes about a plugin copies those facts: the root's
title, categories and latest release, the legacy catalogs, the Marketplace files and
the plugin's HTML page. A copy edited on its own (a wagon pointed at another host in
every legacy and Marketplace file at once, a digest changed on a page) passes every
per-file check, so each copy is written again here from the verified plugin files, by
the build's own functions (catalog/plugins), and compared with the published one value
by value. A plugin whose file does not verify is left out: that is already an error.
"""
from __future__ import annotations

import datetime
import html
import json
import re
from typing import Any, Iterator

from ..diagnostics import Report
from ..plugins.compat import (LEGACY_CATALOGS, legacy_catalog, marketplace_catalog, marketplace_plugin_files,
                              no_match_file)
from ..plugins.index import INDEX_DIR, ROOT_FILE, plugin_file, root_index
from ..plugins.model import Deprecation, Plugin, Release, Wagon, YamlFile
from ..plugins.htmlpages import page_file, release_anchor
from .indexes import URL_KEYS, IndexChecker, locate, schema_for
from .links import position
from .site import BuiltSite

CODE = "index-mismatch"
HINT = "the build writes every copy from the plugin's index file; rebuild the site, or restore the file"
MAX_PER_FILE = 20  # differences reported per file; a file rewritten wholesale would list every value
# the Marketplace files of one plugin, by their schema (see SCHEMA_OF)
MARKETPLACE_SCHEMAS = {"marketplace-search.schema.json", "marketplace-versions.schema.json",
                       "marketplace-version.schema.json"}
# On a plugin page: each link, and each digest shown (the default theme's <code class="sha256">)
_PAGE_ITEM = re.compile(r"""<a\s[^>]*?\bhref="([^"]*)"|<code\s+class="sha256">([^<]*)</code>""")

JsonPath = tuple  # keys and list indices


class CopyChecker:
    """Writes each copy again from the verified plugin files and reports every difference."""

    def __init__(self, site: BuiltSite, report: Report, indexes: IndexChecker) -> None:
        self.site = site
        self.report = report
        self.indexes = indexes
        self.base_url = site.origin + site.base_path
        self.plugins: list[Plugin] = []
        self.files: dict[str, str] = {}  # plugin name -> its verified index file
        self.unverified: set[str] = set()  # plugins the root lists whose file does not verify

    def check(self) -> None:
        root = self.indexes.documents.get(ROOT_FILE)
        if root is None:
            return  # missing or invalid: reported; nothing to compare with
        text, document = root
        self.load_plugins(document)
        self.check_root(text, document)
        for name, dsl_version in LEGACY_CATALOGS.items():
            self.compare_catalog(name, legacy_catalog(self.plugins, self.base_url, dsl_version))
        self.compare_catalog("plugins/catalog", json.loads(marketplace_catalog(self.plugins, self.base_url)))
        self.check_marketplace_files()
        for plugin in self.plugins:
            self.check_page(plugin)

    # -- the plugins, from their verified files ------------------------------------------

    def load_plugins(self, root: dict) -> None:
        listed = set()
        for entry in root.get("plugins", []):
            name, path = entry["name"], f"{INDEX_DIR}/{entry['file']['path']}"
            listed.add(path)
            loaded = self.indexes.documents.get(path)
            if path not in self.site.files or loaded is None or \
                    self.indexes.digest(path, "sha256") != entry["file"]["sha256"]:
                self.unverified.add(name)  # missing, invalid or changed: reported by indexes.py
                continue
            try:
                plugin = self.plugin_of(path, loaded[1])
            except (KeyError, TypeError, ValueError):
                self.unverified.add(name)  # cannot happen to a file that follows its schema
                continue
            self.plugins.append(plugin)
            self.files[plugin.name] = path
        for rel in sorted(self.site.files):
            if schema_for(rel) == "plugin.schema.json" and rel not in listed:
                self.report.error(self.site.display(rel), 0, 0, CODE,
                                  f"this plugin file is not listed in {ROOT_FILE}, so no client can verify it",
                                  "the build lists every plugin file in the root index; rebuild the site")

    def plugin_of(self, rel: str, document: dict) -> Plugin:
        """The Plugin a plugin file describes, with each hosted file at its site path."""
        page_url = self.site.url_of(rel)

        def where(url: str) -> dict[str, str]:
            target = self.site.resolve(url, page_url)
            return {"url": url} if target is None or target.outside else {"site_path": target.path}

        releases = []
        for release in document["releases"]:
            yaml_files = tuple(YamlFile(filename=y["filename"], sha256=y["sha256"], size=y["size"],
                                        dsl_version=y["dsl_version"], **where(y["url"]))
                               for y in release["yaml_files"])
            wagons = []
            for w in release["wagons"]:
                located = where(w["url"])
                wagons.append(Wagon(filename=w["filename"], sha256=w["sha256"], size=w["size"],
                                    distribution=w["distribution"], release=w.get("release"), arch=w["arch"],
                                    platform=w["platform"], python_tags=tuple(w["python_tags"]),
                                    build_tag=w.get("build_tag"),
                                    # the build writes an md5 file beside every wagon it hosts
                                    md5="hosted" if "site_path" in located else None, **located))
            deprecated = release.get("deprecated")
            releases.append(Release(
                version=release["version"], date=datetime.date.fromisoformat(release["date"]),
                yaml_files=yaml_files, wagons=tuple(wagons), manager_versions=release.get("manager_versions"),
                yanked=release["yanked"]["reason"] if "yanked" in release else None,
                deprecated=Deprecation(deprecated["replacement"]["plugin"], deprecated["replacement"].get("version"),
                                       deprecated.get("reason")) if deprecated else None))
        return Plugin(name=document["name"], title=document["title"], description=document["description"],
                      releases=tuple(releases), source=rel, icon=document.get("icon"),
                      repository=document.get("repository"), releases_page=document.get("releases_page"),
                      categories=tuple(document["categories"]))

    # -- the JSON copies ---------------------------------------------------------------

    def check_root(self, text: str, document: dict) -> None:
        """The root's title, categories and latest release of each plugin are its file's."""
        files = {plugin_file(name): (self.site.root / path).read_bytes() for name, path in self.files.items()}
        expected = {e["name"]: e for e in json.loads(root_index(self.plugins, files))["plugins"]}
        by_file = {path: expected[name] for name, path in self.files.items()}
        found = Differences(self, ROOT_FILE, text)
        for i, entry in enumerate(document["plugins"]):
            own = by_file.get(f"{INDEX_DIR}/{entry['file']['path']}")
            if own is not None and entry["name"] not in self.unverified:
                own = {**own, "file": entry["file"]}  # the file's path and digest: checked by indexes.py
                found.compare(own, entry, ("plugins", i))
        found.close()

    def compare_catalog(self, rel: str, expected: list[dict]) -> None:
        """A catalog listing one entry per plugin (legacy files, /plugins/catalog), entry by entry."""
        loaded = self.indexes.documents.get(rel)
        if loaded is None:
            return  # missing or invalid: reported
        text, document = loaded
        found = Differences(self, rel, text)
        wanted = {entry["name"]: entry for entry in expected}
        seen = set()
        for i, entry in enumerate(document):
            name = entry.get("name")
            if name in self.unverified:
                continue
            if name in seen:
                found.report((i, "name"), f"is {_shown(name)} again: clients would see two entries for it")
                continue
            seen.add(name)
            if name not in wanted:
                found.report((i, "name"), f"is {_shown(name)}, a plugin the index does not have (or one "
                                          "without a release this file lists)")
                continue
            found.compare(wanted.pop(name), entry, (i,))
        for name in wanted:
            found.report((), f"does not list plugin '{name}', which the index has")
        found.close()

    def check_marketplace_files(self) -> None:
        expected: dict[str, bytes] = {}
        for plugin in self.plugins:
            expected.update(marketplace_plugin_files(plugin, self.base_url))
        if self.plugins:  # the answer to a name no plugin has ({"items": []}), beside them
            expected.update([no_match_file()])
        for rel, data in expected.items():
            if rel not in self.site.files:
                self.report.error(self.site.display(rel), 0, 0, CODE,
                                  "this Marketplace file is missing, though the index has what it describes", HINT)
            elif rel in self.indexes.documents:
                text, document = self.indexes.documents[rel]
                found = Differences(self, rel, text)
                found.compare(json.loads(data), document, ())
                found.close()
        for rel in sorted(self.site.files):
            if rel not in expected and schema_for(rel) in MARKETPLACE_SCHEMAS \
                    and _marketplace_plugin(rel) not in self.unverified:
                self.report.error(self.site.display(rel), 0, 0, CODE,
                                  "this Marketplace file describes a plugin or release the index does not have", HINT)

    # -- the plugin page ---------------------------------------------------------------

    def check_page(self, plugin: Plugin) -> None:
        """Each digest the page shows is a file's of the index, beside that file's link, and
        every file of the index is shown. A theme that shows no digests is not checked."""
        rel = page_file(plugin.name)
        if rel not in self.site.files:
            return  # the list page's link to it is reported
        text = (self.site.root / rel).read_bytes().decode("utf-8", errors="replace")
        page_url = self.site.url_of(rel)
        by_digest: dict[str, list[tuple[Release, YamlFile | Wagon]]] = {}
        for release in plugin.releases:
            for artifact in (*release.wagons, *release.yaml_files):
                by_digest.setdefault(artifact.sha256, []).append((release, artifact))
        shown: set[str] = set()
        link: tuple[str, int] | None = None
        problems = 0
        for match in _PAGE_ITEM.finditer(text):
            if match.group(1) is not None:
                link = (html.unescape(match.group(1)), match.start(1))
                continue
            digest = match.group(2).strip().lower()
            shown.add(digest)
            if digest not in by_digest:
                problems += self._page_error(rel, text, match.start(2),
                                             f"shows sha256 '{match.group(2).strip()}', which no file of "
                                             f"{plugin.name} has in the index")
                continue
            hrefs = [artifact.href(self.site.base_path) for _, artifact in by_digest[digest]]
            if link is None or not any(self.same_url(link[0], href, page_url) for href in hrefs):
                problems += self._page_error(rel, text, link[1] if link else match.start(2),
                                             f"links to '{link[0] if link else ''}' beside sha256 {digest}, but "
                                             f"the index gives that file at '{hrefs[0]}'")
        if not shown:
            return
        for digest, artifacts in by_digest.items():
            if digest not in shown:
                release, artifact = artifacts[0]
                anchor = text.find(f'id="{release_anchor(release.version)}"')
                problems += self._page_error(rel, text, anchor,
                                             f"does not show {artifact.filename} of release {release.version}, "
                                             f"which the index has (sha256 {digest})")
            if problems >= MAX_PER_FILE:
                break

    def _page_error(self, rel: str, text: str, offset: int, message: str) -> int:
        line, col = position(text, offset)
        self.report.error(self.site.display(rel), line, col, CODE, message, HINT)
        return 1

    def same_url(self, url: str, other: str, page_url: str) -> bool:
        return self.site_place(url, page_url) == self.site_place(other, page_url)

    def site_place(self, url: str, page_url: str) -> Any:
        """What a URL names: a path of this site (however spelled), else the URL itself."""
        target = self.site.resolve(url, page_url)
        if target is None or target.outside:
            return url
        return ("site", target.path, target.fragment)


class Differences:
    """The differences between the copy a file should be and the one it is, reported at
    their place in the file, at most MAX_PER_FILE of them."""

    def __init__(self, checker: "CopyChecker", rel: str, text: str) -> None:
        self.checker = checker
        self.rel = rel
        self.text = text
        self.page_url = checker.site.url_of(rel)
        self.count = 0

    def compare(self, expected: Any, actual: Any, where: JsonPath) -> None:
        for path, message in _differences(expected, actual, where, self._same):
            self.report(path, message)

    def _same(self, key: Any, expected: Any, actual: Any) -> bool:
        if key in URL_KEYS and isinstance(expected, str) and isinstance(actual, str):
            return self.checker.same_url(actual, expected, self.page_url)
        return type(expected) is type(actual) and expected == actual

    def report(self, path: JsonPath, message: str) -> None:
        self.count += 1
        if self.count > MAX_PER_FILE:
            return
        line, col = locate(self.text, list(path))
        self.checker.report.error(self.checker.site.display(self.rel), line, col, CODE,
                                  f"{_json_path(path)} {message}", HINT)

    def close(self) -> None:
        """Say how many differences were not listed."""
        if self.count > MAX_PER_FILE:
            self.checker.report.error(self.checker.site.display(self.rel), 0, 0, CODE,
                                      f"{self.count - MAX_PER_FILE} more values differ from the index", HINT)


def _differences(expected: Any, actual: Any, where: JsonPath, same) -> Iterator[tuple[JsonPath, str]]:
    """(path, message) for each place `actual` differs from `expected`."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in sorted(expected.keys() | actual.keys()):
            if key not in actual:
                yield where, f"has no '{key}'; the index gives {_shown(expected[key])}"
            elif key not in expected:
                yield where + (key,), f"is {_shown(actual[key])}, which the index does not have"
            else:
                yield from _differences_at(key, expected[key], actual[key], where + (key,), same)
    elif isinstance(expected, list) and isinstance(actual, list):
        for i, (one, other) in enumerate(zip(expected, actual)):
            yield from _differences_at(where[-1] if where else None, one, other, where + (i,), same)
        if len(expected) != len(actual):
            yield where, f"has {len(actual)} entries, the index gives {len(expected)}"
    elif not same(where[-1] if where else None, expected, actual):
        yield where, f"is {_shown(actual)}, but the index gives {_shown(expected)}"


def _differences_at(key: Any, expected: Any, actual: Any, where: JsonPath, same) -> Iterator[tuple[JsonPath, str]]:
    if isinstance(expected, (dict, list)) or isinstance(actual, (dict, list)):
        yield from _differences(expected, actual, where, same)
    elif not same(key, expected, actual):
        yield where, f"is {_shown(actual)}, but the index gives {_shown(expected)}"


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 300 else text[:297] + "..."  # whole URLs; not a whole description


def _json_path(where: JsonPath) -> str:
    return "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in where)


def _marketplace_plugin(rel: str) -> str:
    """The plugin a Marketplace file is about: plugins/by-name/X.json, plugins/X/versions, plugins/X/V."""
    parts = rel.split("/")
    return parts[2].removesuffix(".json") if parts[1] == "by-name" else parts[1]
