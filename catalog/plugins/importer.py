"""`catalog import legacy FILE...`: plugins-index/ from the legacy `plugins.json` and/or
`v2_plugins.json` (REFERENCE.md 3.1), for a team that brings its existing catalog in.

What the legacy files give, and what becomes of it:

- one entry per plugin and catalog, naming its latest version only: one release per
  (plugin, version), whose yaml files are the entries' `link`/`yaml` URLs (`plugin.yaml`
  is cloudify_dsl_1_3, `v2_plugin.yaml` cloudify_dsl_1_4; another name takes the DSL
  version of the catalog it came from: v1 for plugins.json, v1_4 for v2_plugins.json);
- wagons as URLs: distribution, release, architecture and python tags are read from the
  file names and written out, so a reader sees them (the build checks they agree);
- md5 URLs only: dropped (md5 verifies nothing against a hostile mirror). Each file is
  downloaded, streamed through sha256, when it can be; when it cannot (`--offline`, no
  network, a server error) its entry says `sha256: unknown`, which the build accepts
  with a warning and publishes marked unverified, and `catalog release refresh PLUGIN`
  fills it in later;
- no release dates: the earliest Last-Modified of the release's downloaded files, else
  `--date`, else the date of the newest catalog file given (so two imports of the same
  files write the same bytes);
- the same plugin listed twice in one catalog (the real files list
  cloudify-openstack-plugin as 'OpenStackV3' and as 'OpenStack'): merged, with a warning
  naming both titles; the first title is kept;
- an entry without wagons (the real cloudify-serverless-plugin): not importable, since
  a release needs a wagon; a warning says so and no file is written for it.

Every file is checked as `catalog build` checks it before anything is written, and the
files are written in a stable form, so importing the same catalogs twice writes the
same bytes. An existing plugins-index file with other content is not replaced without
--force.
"""
from __future__ import annotations

import argparse
import datetime
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from packaging.version import InvalidVersion, Version

from ..diagnostics import Report
from . import yamledit
from .artifacts import UNKNOWN, url_filename
from .fetch import FetchError, Fetcher
from .model import PLUGIN_NAME
from .wagonnames import parse_wagon_filename

INDEX_DIR = "plugins-index"
DSL_OF_FILE = {"plugin.yaml": "cloudify_dsl_1_3", "v2_plugin.yaml": "cloudify_dsl_1_4"}
_PLAIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9:/._~%+=,@-]*$")   # written without quotes


def add_legacy_arguments(parser: argparse.ArgumentParser) -> None:
    legacy = parser.add_argument_group("legacy")
    legacy.add_argument("--project", type=Path, default=Path("."),
                        help="legacy: the project whose plugins-index/ to write (default: .)")
    legacy.add_argument("--offline", action="store_true",
                        help="legacy: download nothing; every file is written sha256: unknown")
    legacy.add_argument("--date", default=None,
                        help="legacy: release date (YYYY-MM-DD) where no server says when a file was published")


@dataclass
class _Release:
    version: str
    yaml_files: dict[str, str] = field(default_factory=dict)    # dsl_version -> URL
    wagons: dict[str, str] = field(default_factory=dict)        # URL -> where it was read (for messages)


@dataclass
class _Plugin:
    name: str
    title: str
    description: str
    icon: str | None
    releases_page: str | None
    sources: list[str] = field(default_factory=list)
    releases: dict[str, _Release] = field(default_factory=dict)


@dataclass
class _Digest:
    sha256: str | None
    size: int | None
    modified: datetime.date | None
    failure: str | None = None


def run_legacy_import(args: argparse.Namespace) -> int:
    report = Report()
    if not args.paths:
        print("error: name the legacy catalogs to import, e.g. `catalog import legacy plugins.json "
              "v2_plugins.json` [import-arguments]", file=sys.stderr)
        return 2
    try:
        fallback_date = datetime.date.fromisoformat(args.date) if args.date else None
    except ValueError:
        print(f"error: --date {args.date}: write the date as YYYY-MM-DD [import-arguments]", file=sys.stderr)
        return 2
    plugins = read_catalogs(args.paths, report)
    if fallback_date is None:
        fallback_date = _newest_date(args.paths)
    index_dir = args.project / INDEX_DIR
    texts: dict[Path, str] = {}
    unverified = 0
    failures: list[str] = []   # why each file could not be downloaded
    if not report.failed():
        with Fetcher(offline=args.offline) as fetcher:
            for plugin in plugins.values():
                if not any(r.wagons for r in plugin.releases.values()):
                    report.warning(plugin.sources[0].rsplit(":", 1)[0], int(plugin.sources[0].rsplit(":", 1)[1]), 1,
                                   "legacy-no-wagons", f"{plugin.name} lists no wagons: not imported",
                                   "a release needs at least one wagon; add it with `catalog release add` once "
                                   f"its wagons are published and {INDEX_DIR}/{plugin.name}.yaml written")
                    continue
                text, missing = plugin_text(plugin, fetcher, fallback_date, args.offline)
                unverified += len(missing)
                failures += missing
                path = index_dir / f"{plugin.name}.yaml"
                for diagnostic in yamledit.check(path, text, f"{INDEX_DIR}/{plugin.name}.yaml"):
                    if diagnostic.severity == "error":
                        report.add(diagnostic)
                texts[path] = text
    for path, text in texts.items():
        if path.exists() and path.read_bytes() != text.encode("utf-8") and not args.force:
            report.error(f"{INDEX_DIR}/{path.name}", 0, 0, "import-exists",
                         f"{INDEX_DIR}/{path.name} exists already with other content",
                         "pass --force to replace it (a release added since is then lost: compare first)")
    for diagnostic in report.sorted():
        print(diagnostic.format(), file=sys.stderr)
    if report.failed():
        print(f"import failed: {len(report.errors())} error(s); nothing written", file=sys.stderr)
        return 1
    written = 0
    for path, text in texts.items():
        if not path.exists() or path.read_bytes() != text.encode("utf-8"):
            yamledit.write_atomic(path, text)
            written += 1
    imported = [plugins[path.stem] for path in texts]
    wagons = sum(len(r.wagons) for p in imported for r in p.releases.values())
    yaml_files = sum(len(r.yaml_files) for p in imported for r in p.releases.values() if r.wagons)
    print(f"imported {len(texts)} plugins ({wagons} wagons, {yaml_files} yaml files) into {index_dir}/: "
          f"{written} file(s) written, {len(texts) - written} unchanged", file=sys.stderr)
    if unverified:
        print(f"{unverified} file(s) could not be downloaded{' (--offline)' if args.offline else ''}: they say "
              "`sha256: unknown`, the build warns about each, and `catalog release refresh PLUGIN` fills them in",
              file=sys.stderr)
        if not args.offline:  # say why, without a line per wagon when a whole host is down
            for reason in failures[:5]:
                print(f"    {reason}", file=sys.stderr)
            if len(failures) > 5:
                print(f"    ... and {len(failures) - 5} more", file=sys.stderr)
    return 0


# -- reading ---------------------------------------------------------------------------------

def read_catalogs(paths: list[Path], report: Report) -> dict[str, _Plugin]:
    """Every plugin of the catalogs, merged by name, in name order."""
    plugins: dict[str, _Plugin] = {}
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            report.error(str(path), 0, 0, "legacy-read", f"cannot read the file: {getattr(exc, 'strerror', None) or exc}")
            continue
        entries = _entries(text, str(path), report)
        default_dsl = "cloudify_dsl_1_4" if path.name.startswith("v2") else "cloudify_dsl_1_3"
        seen: dict[str, tuple[str, int]] = {}
        for line, entry in entries:
            where = f"{path}:{line}"
            plugin = _entry(entry, str(path), line, default_dsl, report)
            if plugin is None:
                continue
            if plugin.name in seen:
                first_title, first_line = seen[plugin.name]
                report.warning(str(path), line, 1, "legacy-duplicate",
                               f"{plugin.name} is listed twice, as '{first_title}' (line {first_line}) and as "
                               f"'{plugin.title}'; merged into one plugin titled '{first_title}'",
                               f"one plugin, one entry: check the merged {INDEX_DIR}/{plugin.name}.yaml")
            else:
                seen[plugin.name] = (plugin.title, line)
            _merge(plugins, plugin, where)
    return dict(sorted(plugins.items()))


def _entries(text: str, path: str, report: Report) -> list[tuple[int, Any]]:
    """(line, value) of each item of the top-level JSON list."""
    decoder = json.JSONDecoder()
    try:
        whole = json.loads(text)
    except json.JSONDecodeError as exc:
        report.error(path, exc.lineno, exc.colno, "legacy-json", f"not valid JSON: {exc.msg}")
        return []
    if not isinstance(whole, list):
        report.error(path, 1, 1, "legacy-type", "a legacy catalog is a JSON list of plugin entries",
                     "import plugins.json or v2_plugins.json as published")
        return []
    entries = []
    index = text.index("[") + 1
    for _ in whole:
        while text[index] in " \t\r\n,":
            index += 1
        value, end = decoder.raw_decode(text, index)
        entries.append((text.count("\n", 0, index) + 1, value))
        index = end
    return entries


def _entry(entry: Any, path: str, line: int, default_dsl: str, report: Report) -> _Plugin | None:
    if not isinstance(entry, dict):
        report.error(path, line, 1, "legacy-type", "each entry must be a JSON object")
        return None
    problems = []
    strings = {key: entry.get(key) for key in ("name", "title", "description", "version", "icon", "releases",
                                               "link", "yaml")}
    for key in ("name", "title", "version"):
        if not isinstance(strings[key], str) or not strings[key].strip():
            problems.append(f"'{key}' must be a non-empty string")
    name = strings["name"]
    if isinstance(name, str) and not PLUGIN_NAME.match(name):
        problems.append(f"plugin name '{name}' must be lower-case letters and digits joined by '-'")
    version = strings["version"]
    if isinstance(version, str):
        try:
            normal = str(Version(version))
        except InvalidVersion:
            problems.append(f"version '{version}' is not a PEP 440 version")
        else:
            if normal != version:
                report.warning(path, line, 1, "legacy-version", f"{name}: version '{version}' written as '{normal}'",
                               "plugins-index/ keeps one spelling of each version (versions become URLs)")
            version = normal
    wagons = entry.get("wagons")
    if not isinstance(wagons, list):
        problems.append("'wagons' must be a list")
    if problems:
        report.error(path, line, 1, "legacy-entry", f"entry {name if isinstance(name, str) else ''}: "
                     + "; ".join(problems))
        return None
    assert isinstance(name, str) and isinstance(version, str) and isinstance(wagons, list)
    plugin = _Plugin(name, strings["title"].strip(),
                     strings["description"].strip() if isinstance(strings["description"], str)
                     and strings["description"].strip() else strings["title"].strip(),
                     _http(strings["icon"]), _http(strings["releases"]), [f"{path}:{line}"])
    release = plugin.releases.setdefault(version, _Release(version))
    yaml_url = strings["yaml"] if isinstance(strings["yaml"], str) else strings["link"]
    if isinstance(yaml_url, str) and url_filename(yaml_url):
        filename = url_filename(yaml_url) or ""
        release.yaml_files[DSL_OF_FILE.get(filename, default_dsl)] = yaml_url
    else:
        report.warning(path, line, 1, "legacy-entry", f"{name} {version}: no yaml/link URL of its DSL file",
                       "the release then needs one from another catalog file")
    for wagon in wagons:
        url = wagon.get("url") if isinstance(wagon, dict) else None
        filename = url_filename(url) if isinstance(url, str) else None
        if not filename:
            report.warning(path, line, 1, "legacy-wagon", f"{name} {version}: a wagon without an http(s) URL, "
                           "left out")
            continue
        try:
            parsed = parse_wagon_filename(filename)
        except ValueError as exc:
            report.warning(path, line, 1, "legacy-wagon", f"{name} {version}: {exc}; left out",
                           "only wagons named as `wagon` names them can be described")
            continue
        if parsed.arch is None or (parsed.distribution is None and parsed.arch != "any"):
            report.warning(path, line, 1, "legacy-wagon", f"{name} {version}: {filename} names no platform; "
                           "left out", "add it with `catalog release add`, which reads the wagon")
            continue
        release.wagons.setdefault(url, f"{path}:{line}")
    return plugin


def _merge(plugins: dict[str, _Plugin], plugin: _Plugin, where: str) -> None:
    known = plugins.get(plugin.name)
    if known is None:
        plugins[plugin.name] = plugin
        return
    known.sources.append(where)
    known.icon = known.icon or plugin.icon
    known.releases_page = known.releases_page or plugin.releases_page
    for version, release in plugin.releases.items():
        target = known.releases.setdefault(version, _Release(version))
        for dsl, url in release.yaml_files.items():
            target.yaml_files.setdefault(dsl, url)
        for url, origin in release.wagons.items():
            target.wagons.setdefault(url, origin)


def _http(value: Any) -> str | None:
    return value if isinstance(value, str) and url_filename(value) is not None else None


def _newest_date(paths: list[Path]) -> datetime.date:
    stamps = [p.stat().st_mtime for p in paths if p.exists()]
    moment = max(stamps) if stamps else 0.0
    return datetime.datetime.fromtimestamp(moment, datetime.timezone.utc).date()


# -- writing ---------------------------------------------------------------------------------

def plugin_text(plugin: _Plugin, fetcher: Fetcher, fallback_date: datetime.date,
                offline: bool) -> tuple[str, list[str]]:
    """The plugins-index file of `plugin`, and why each of its files that says sha256: unknown
    could not be downloaded."""
    failures: list[str] = []
    body: list[str] = []
    for version in sorted(plugin.releases, key=Version, reverse=True):
        release = plugin.releases[version]
        if not release.wagons:
            continue
        digests = {url: _digest(url, fetcher) for url in [*sorted(release.yaml_files.values()), *release.wagons]}
        failures += [d.failure or url for url, d in digests.items() if d.sha256 is None]
        dates = [d.modified for d in digests.values() if d.modified is not None]
        date_comment = "" if dates else "   # unknown to the legacy catalog: --date, or the catalog file's date"
        body += [f"  - version: {_scalar(version)}", f"    date: {(min(dates) if dates else fallback_date).isoformat()}"
                 + date_comment]
        body.append("    yaml_files:")
        for dsl in sorted(release.yaml_files):
            url = release.yaml_files[dsl]
            body += [f"      - dsl_version: {dsl}", f"        url: {_scalar(url)}", *_digest_lines(digests[url])]
        body.append("    wagons:")
        for url in release.wagons:
            parsed = parse_wagon_filename(url_filename(url) or "")
            body += [f"      - url: {_scalar(url)}", *_digest_lines(digests[url])]
            if parsed.distribution:
                body.append(f"        distribution: {parsed.distribution}")
            if parsed.release and parsed.distribution != "manylinux":
                body.append(f"        release: {_scalar(parsed.release)}")
            body += [f"        arch: {parsed.arch}", f"        python: [{', '.join(parsed.python_tags)}]"]
    head = [f"# Imported by `catalog import legacy` from {', '.join(sorted({Path(s.rsplit(':', 1)[0]).name for s in plugin.sources}))}.",
            "# The legacy catalogs name the latest release only: add others with `catalog release add`."]
    if failures:
        head += unknown_note(plugin.name)
    lines = head + [f"name: {plugin.name}", f"title: {json.dumps(plugin.title, ensure_ascii=False)}",
                    f"description: {json.dumps(plugin.description, ensure_ascii=False)}"]
    if plugin.icon:
        lines.append(f"icon: {_scalar(plugin.icon)}")
    if plugin.releases_page:
        lines.append(f"releases_page: {_scalar(plugin.releases_page)}")
    lines += ["releases:", *body]
    return "\n".join(lines) + "\n", failures


def unknown_note(name: str) -> list[str]:
    """The header lines of an imported file with unverified files (`release refresh` drops them)."""
    return ["# Files written `sha256: unknown` could not be downloaded during the import:",
            f"# `catalog release refresh {name}` downloads them and fills in sha256 and size."]


def _digest(url: str, fetcher: Fetcher) -> _Digest:
    try:
        fetched = fetcher.fetch(url)
    except FetchError as exc:
        return _Digest(None, None, None, str(exc))
    return _Digest(fetched.sha256, fetched.size, fetched.last_modified)


def _digest_lines(digest: _Digest) -> list[str]:
    if digest.sha256 is None:
        return [f"        sha256: {UNKNOWN}   # not downloaded: `catalog release refresh` fills in sha256 and size"]
    return [f"        sha256: {digest.sha256}", f"        size: {digest.size}"]


def _scalar(text: str) -> str:
    """A YAML scalar that reads back as this string: plain when it can be (`version: 3.0.10`, as
    the catalog's files write it), double-quoted when YAML would read something else (`3.0`)."""
    if _PLAIN.match(text) and ": " not in text and not text.endswith(":"):
        try:
            if yaml.safe_load(text) == text:
                return text
        except yaml.YAMLError:
            pass
    return json.dumps(text, ensure_ascii=False)
