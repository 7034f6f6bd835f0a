"""`catalog release add|yank|deprecate|refresh`: publish a release without hand-written hashes.

`add` reads each wagon (a local file, or downloaded), checks its `package.json` against
its file name and the plugin and version it is added to, computes sha256 and size, and
adds the release to plugins-index/PLUGIN.yaml in place (yamledit.py: comments, key order
and layout kept). A local wagon or yaml file outside plugins-index/ is copied to
`plugins-index/wagons/PLUGIN/VERSION/`, where the build publishes it, and named with
`path:` like the catalog's own example plugin (the build computes its digests); a URL
is written with its sha256 and size.

`yank` and `deprecate` edit one release the same way; `refresh` fills in the sha256 and
size of every file written `sha256: unknown` (what an offline `catalog import legacy`
leaves) by downloading it.

Anything refused (a release that exists, a wagon of another plugin or version, a
download whose size disagrees, a file the build would reject) is an error and nothing is
written: the checks run on the edited text before the file is replaced.
"""
from __future__ import annotations

import argparse
import datetime
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from ..diagnostics import did_you_mean
from . import yamledit
from .artifacts import DSL_VERSIONS, UNKNOWN, hosted_path, url_filename
from .fetch import FetchError, Fetcher
from .importer import unknown_note
from .wagonarchives import WagonArchiveError, name_disagreements, read_wagon
from .wagonnames import parse_wagon_filename
from .yamledit import EditError

INDEX_DIR = "plugins-index"


def add_release_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="add a release to plugins-index/PLUGIN.yaml, reading its wagons")
    add.add_argument("plugin")
    add.add_argument("version", help="PEP 440 version, normalised (e.g. 1.2.0)")
    add.add_argument("--wagon", action="extend", nargs="+", required=True, metavar="PATH_OR_URL",
                     help="the wagons of the release, one per platform (local files or URLs)")
    add.add_argument("--yaml", action="extend", nargs="+", default=[], metavar="DSL_VERSION=PATH_OR_URL",
                     help="its DSL yaml files, e.g. cloudify_dsl_1_4=dist/v2_plugin.yaml")
    add.add_argument("--manager-versions", default=None, metavar="SPEC",
                     help="PEP 440 specifier of the supported manager versions, e.g. '>=6.0'")
    add.add_argument("--date", default=None, help="release date, YYYY-MM-DD (default: today, UTC)")
    yank = actions.add_parser("yank", help="mark a release as never to be selected again")
    yank.add_argument("plugin")
    yank.add_argument("version")
    yank.add_argument("--reason", required=True, help="why; shown to users")
    deprecate = actions.add_parser("deprecate", help="mark a release as to be replaced by another")
    deprecate.add_argument("plugin")
    deprecate.add_argument("version")
    deprecate.add_argument("--use", required=True, metavar="VERSION", help="the release to use instead")
    deprecate.add_argument("--reason", default=None, help="why (optional)")
    refresh = actions.add_parser("refresh", help="download the files written 'sha256: unknown' and fill in "
                                                 "their sha256 and size")
    refresh.add_argument("plugin")
    for sub in (add, yank, deprecate, refresh):
        sub.add_argument("--project", type=Path, default=Path("."), help="project folder (default: .)")


def run_release(args: argparse.Namespace) -> int:
    path = args.project / INDEX_DIR / f"{args.plugin}.yaml"
    try:
        if not path.is_file():
            known = sorted(p.stem for p in (args.project / INDEX_DIR).glob("*.yaml"))
            raise EditError(f"{_shown(path)}: no such plugin file"
                            + (f"; did you mean {did_you_mean(args.plugin, known)[len('did you mean '):]}"
                               if did_you_mean(args.plugin, known) else ""))
        with Fetcher() as fetcher:
            message = ACTIONS[args.action](args, path, fetcher)
    except EditError as exc:
        print(f"error: {exc} [release-refused]\n    {_shown(path)} left as it was", file=sys.stderr)
        return 1
    print(message, file=sys.stderr)
    return 0


# -- add -----------------------------------------------------------------------------------

@dataclass
class _File:
    entry: CommentedMap           # what the release lists
    copy_from: Path | None        # a local file to copy into plugins-index/
    copy_to: Path | None
    shown: str                    # for the report: name, sha256, size


def _add(args: argparse.Namespace, path: Path, fetcher: Fetcher) -> str:
    document, text, yaml = yamledit.load(path)
    version = _normalised(args.version)
    releases = document.get("releases")
    if not isinstance(releases, CommentedSeq):
        raise EditError(f"{_shown(path)}: no 'releases' list to add to")
    for release in releases:
        if isinstance(release, dict) and str(release.get("version")) == version:
            raise EditError(f"{args.plugin} {version} exists already in {_shown(path)}; "
                            "a published release is never changed (yank it and publish a new version)")
    if not args.yaml:
        raise EditError("give at least one --yaml DSL_VERSION=PATH_OR_URL: a release without its DSL file "
                        "cannot be imported by blueprints")
    date = _date(args.date)
    folder = path.parent
    files = [_wagon(location, args.plugin, version, folder, fetcher) for location in args.wagon]
    files += [_yaml_file(spec, args.plugin, version, folder, fetcher) for spec in args.yaml]
    release = CommentedMap()
    release["version"] = version
    release["date"] = date
    if args.manager_versions:
        release["manager_versions"] = DoubleQuotedScalarString(args.manager_versions)  # as the catalog writes it
    release["yaml_files"] = CommentedSeq([f.entry for f in files if "dsl_version" in f.entry])
    release["wagons"] = CommentedSeq([f.entry for f in files if "dsl_version" not in f.entry])
    releases.insert(_position(releases, version), release)
    new_text = yamledit.dumps(document, yaml)
    copied: list[Path] = []   # files and folders made here, undone if the edit is refused
    try:
        for item in files:
            if item.copy_from is not None and item.copy_to is not None:
                if item.copy_to.exists() and item.copy_to.read_bytes() != item.copy_from.read_bytes():
                    raise EditError(f"{_shown(item.copy_to)} exists already with other bytes")
                if not item.copy_to.exists():
                    missing = [p for p in [item.copy_to.parent, *item.copy_to.parent.parents] if not p.exists()]
                    item.copy_to.parent.mkdir(parents=True, exist_ok=True)
                    copied += sorted(missing)   # outermost first: removed last
                    shutil.copyfile(item.copy_from, item.copy_to)
                    copied.append(item.copy_to)
        warnings = yamledit.write_checked(path, new_text, _shown(path))
    except BaseException:
        for made in reversed(copied):
            if made.is_dir():
                made.rmdir()
            else:
                made.unlink(missing_ok=True)
        raise
    lines = [f"added {args.plugin} {version} to {_shown(path)}:"] + [f"  {f.shown}" for f in files]
    lines += [d.format() for d in warnings]
    return "\n".join(lines)


def _wagon(location: str, plugin: str, version: str, folder: Path, fetcher: Fetcher) -> _File:
    filename = _filename(location)
    try:
        name = parse_wagon_filename(filename)
    except ValueError as exc:
        raise EditError(f"{location}: {exc}") from None
    if canonicalize_name(name.package) != canonicalize_name(plugin):
        raise EditError(f"{location}: a wagon of '{name.package}', not of {plugin}")
    if Version(name.version) != Version(version):
        raise EditError(f"{location}: a wagon of version {name.version}, not of {version}")
    fetched = _fetch(location, fetcher)
    assert fetched.path is not None
    try:
        archive = read_wagon(fetched.path.read_bytes())
    except WagonArchiveError as exc:
        raise EditError(f"{location}: {exc}") from None
    except OSError as exc:
        raise EditError(f"{location}: cannot read it: {exc.strerror or exc}") from None
    problems = name_disagreements(filename, name, archive)
    if problems:
        raise EditError(f"{location}: the wagon's package.json disagrees with its file name: " + "; ".join(problems))
    shown = f"wagon {filename}  sha256 {archive.sha256}  {archive.size} bytes"
    return _entry(location, filename, plugin, version, folder, fetched.path, archive.sha256, archive.size, {}, shown)


def _yaml_file(spec: str, plugin: str, version: str, folder: Path, fetcher: Fetcher) -> _File:
    dsl_version, sep, location = spec.partition("=")
    if not sep or not location:
        raise EditError(f"--yaml {spec}: write DSL_VERSION=PATH_OR_URL, e.g. cloudify_dsl_1_4=dist/v2_plugin.yaml")
    if dsl_version not in DSL_VERSIONS:
        raise EditError(f"--yaml {spec}: unknown DSL version '{dsl_version}'"
                        + (f"; {did_you_mean(dsl_version, DSL_VERSIONS)}" if did_you_mean(dsl_version, DSL_VERSIONS)
                           else f"; one of {', '.join(DSL_VERSIONS)}"))
    filename = _filename(location)
    fetched = _fetch(location, fetcher)
    assert fetched.path is not None
    shown = f"yaml file {filename} ({dsl_version})  sha256 {fetched.sha256}  {fetched.size} bytes"
    return _entry(location, filename, plugin, version, folder, fetched.path, fetched.sha256, fetched.size,
                  {"dsl_version": dsl_version}, shown)


def _entry(location: str, filename: str, plugin: str, version: str, folder: Path, local: Path, sha256: str,
           size: int, first: dict[str, str], shown: str) -> _File:
    entry = CommentedMap(first)
    if url_filename(location) is not None:  # a URL: its digests are written, nothing else checks the download
        entry["url"] = location
        entry["sha256"] = sha256
        entry["size"] = size
        return _File(entry, None, None, shown)
    source = Path(location).resolve()
    if source.is_relative_to(folder.resolve()):  # already inside plugins-index/: named where it is
        entry["path"] = source.relative_to(folder.resolve()).as_posix()
        return _File(entry, None, None, shown)
    site = hosted_path(plugin, version, filename)
    entry["path"] = site
    return _File(entry, local, folder / site, shown + f"  (copied to {INDEX_DIR}/{site})")


def _fetch(location: str, fetcher: Fetcher) -> Any:
    try:
        return fetcher.fetch(location, keep=True)
    except FetchError as exc:
        raise EditError(str(exc)) from None


def _filename(location: str) -> str:
    name = url_filename(location)
    if name is None:
        name = Path(location).name
    if not name:
        raise EditError(f"{location}: names no file")
    return name


def _position(releases: CommentedSeq, version: str) -> int:
    """Where the release goes: before the first older one (the files list newest first)."""
    new = Version(version)
    for index, release in enumerate(releases):
        try:
            if isinstance(release, dict) and Version(str(release.get("version"))) < new:
                return index
        except InvalidVersion:
            continue
    return len(releases)


def _normalised(text: str) -> str:
    try:
        parsed = Version(text)
    except InvalidVersion:
        raise EditError(f"'{text}' is not a PEP 440 version; for example 3.0.10 or 2.0.0rc1") from None
    if str(parsed) != text:
        raise EditError(f"version '{text}' is not in normalised form; write '{parsed}' (versions become URLs)")
    return text


def _date(text: str | None) -> datetime.date:
    if text is None:
        return datetime.datetime.now(datetime.timezone.utc).date()
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise EditError(f"--date {text}: write the date as YYYY-MM-DD") from None


# -- yank, deprecate ---------------------------------------------------------------------

def _find(document: Any, version: str, path: Path) -> CommentedMap:
    releases = document.get("releases")
    versions = []
    for release in releases if isinstance(releases, list) else []:
        if isinstance(release, dict):
            versions.append(str(release.get("version")))
            if versions[-1] == version:
                return release
    hint = did_you_mean(version, versions)
    raise EditError(f"{_shown(path)} has no release {version}" + (f"; {hint}" if hint else
                                                                   f" (it has {', '.join(versions) or 'none'})"))


def _after(release: CommentedMap, key: str, value: Any) -> None:
    """Set `key` just after the release's version, date and manager_versions (where a reader looks)."""
    keys = list(release.keys())
    position = max((keys.index(k) + 1 for k in ("version", "date", "manager_versions") if k in keys), default=0)
    release.insert(position, key, value)


def _yank(args: argparse.Namespace, path: Path, fetcher: Fetcher) -> str:
    document, _, yaml = yamledit.load(path)
    release = _find(document, args.version, path)
    if "yanked" in release:
        raise EditError(f"{args.plugin} {args.version} is yanked already: \"{release['yanked']}\"")
    reason = args.reason.strip()
    if not reason:
        raise EditError("--reason must say why; users see it")
    _after(release, "yanked", DoubleQuotedScalarString(reason))
    warnings = yamledit.write_checked(path, yamledit.dumps(document, yaml), _shown(path))
    return "\n".join([f"yanked {args.plugin} {args.version} in {_shown(path)}: {reason}",
                      *(d.format() for d in warnings)])


def _deprecate(args: argparse.Namespace, path: Path, fetcher: Fetcher) -> str:
    document, _, yaml = yamledit.load(path)
    release = _find(document, args.version, path)
    if "deprecated" in release:
        raise EditError(f"{args.plugin} {args.version} is deprecated already")
    use = _normalised(args.use)
    target = _find(document, use, path)
    if use == args.version:
        raise EditError(f"--use {use}: a release cannot replace itself")
    if "yanked" in target:
        raise EditError(f"--use {use}: that release is yanked; name one users can install")
    deprecated = CommentedMap()
    deprecated["replacement"] = f"{args.plugin} >={use}"
    if args.reason:
        deprecated["reason"] = DoubleQuotedScalarString(args.reason)
    _after(release, "deprecated", deprecated)
    warnings = yamledit.write_checked(path, yamledit.dumps(document, yaml), _shown(path))
    return "\n".join([f"deprecated {args.plugin} {args.version} in {_shown(path)} in favour of {use}",
                      *(d.format() for d in warnings)])


# -- refresh -------------------------------------------------------------------------------

def refresh_document(document: Any, fetcher: Fetcher) -> tuple[int, list[str]]:
    """Fill in sha256 and size of every entry written `sha256: unknown`: (how many, why others failed)."""
    filled, failures = 0, []
    for release in document.get("releases") or []:
        if not isinstance(release, dict):
            continue
        for key in ("yaml_files", "wagons"):
            for entry in release.get(key) or []:
                if not isinstance(entry, CommentedMap) or entry.get("sha256") != UNKNOWN:
                    continue
                url = entry.get("url")
                if not isinstance(url, str):
                    failures.append(f"release {release.get('version')}: an entry with sha256: unknown has no url")
                    continue
                try:
                    fetched = fetcher.fetch(url)
                except FetchError as exc:
                    failures.append(str(exc))
                    continue
                fill(entry, fetched.sha256, fetched.size)
                filled += 1
    return filled, failures


def fill(entry: CommentedMap, sha256: str, size: int) -> None:
    """Write the digests over `sha256: unknown`, dropping the comment that said how to fill them."""
    entry.ca.items.pop("sha256", None)
    entry["sha256"] = sha256
    if "size" in entry:
        entry["size"] = size
    else:
        entry.insert(list(entry.keys()).index("sha256") + 1, "size", size)


def _refresh(args: argparse.Namespace, path: Path, fetcher: Fetcher) -> str:
    document, _, yaml = yamledit.load(path)
    filled, failures = refresh_document(document, fetcher)
    if filled:
        text = yamledit.dumps(document, yaml)
        if not failures:  # the import's note on unverified files is done with
            text = text.replace("".join(line + "\n" for line in unknown_note(args.plugin)), "")
        yamledit.write_checked(path, text, _shown(path))
    if failures and not filled:
        raise EditError(f"none of the {len(failures)} file(s) could be downloaded:\n    " + "\n    ".join(failures))
    if failures:  # what could be filled in is written; the rest waits for the next refresh
        return (f"{_shown(path)}: filled in sha256 and size of {filled} file(s); {len(failures)} could not be "
                "downloaded (run the refresh again later):\n    " + "\n    ".join(failures))
    return f"{_shown(path)}: filled in sha256 and size of {filled} file(s)" if filled else \
        f"{_shown(path)}: no file says sha256: unknown; nothing to do"


ACTIONS = {"add": _add, "yank": _yank, "deprecate": _deprecate, "refresh": _refresh}


def _shown(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)
