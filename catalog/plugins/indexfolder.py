"""plugins-index/, the folder: every file loaded (with a memo, an unchanged file is not read
again; the others are parsed and validated on every core, each by catalog.plugins.metadata)
and the valid plugins checked against each other (one file per name, replacements that exist).
"""
from __future__ import annotations

import stat
from dataclasses import dataclass, field
from pathlib import Path

from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from ..diagnostics import Report, did_you_mean
from ..parallel import map_indexed
from .buildmemo import CatalogCache, LoadedFile, file_digest
from .metadata import parse_file
from .model import Plugin


@dataclass
class LoadedIndex:
    """The valid plugins, sorted by name."""

    plugins: list[Plugin] = field(default_factory=list)
    keys: dict[str, str] = field(default_factory=dict)  # plugin name -> what its file was made of (LoadedFile.key)


def load_index(index_dir: Path, *, project_dir: Path, report: Report) -> LoadedIndex:
    """Read every plugins-index/*.yaml; a file with any error contributes no plugin."""
    files = load_files(index_dir, project_dir=project_dir)
    for _, entry in files:
        report.extend(entry.diagnostics)
    return index_of(files, report)


def load_files(index_dir: Path, *, project_dir: Path, memo: CatalogCache | None = None,
               jobs: int | None = None) -> list[tuple[str, LoadedFile]]:
    """(source, loading result) of every plugins-index/*.yaml, sorted. With `memo`, a file
    whose bytes (and local artifacts) are unchanged is not read again; the files that are
    read are parsed and validated on every core (`jobs` workers)."""
    found = sorted(p for p in index_dir.glob("*") if p.suffix in (".yaml", ".yml") and not p.is_dir())
    paths = [path for path in found if path.is_file()]
    sources = [_relative(path, project_dir) for path in paths]
    results: list[LoadedFile | None] = []
    pending: list[tuple[int, bytes, str]] = []  # (position, bytes, sha256) of files to parse
    for position, (path, source) in enumerate(zip(paths, sources)):
        try:
            data = path.read_bytes()
        except OSError as exc:
            problem = Report()
            problem.error(source, 0, 0, "plugin-read", f"cannot read the file: {exc}")
            results.append(LoadedFile("", None, problem.items, None, {}, {}))
            continue
        sha256 = file_digest(data)
        results.append(memo.loaded(source, sha256) if memo is not None else None)
        if results[-1] is None:
            pending.append((position, data, sha256))

    def parse(index: int) -> LoadedFile:
        position, data, sha256 = pending[index]
        return parse_file(paths[position], sources[position], data, sha256)

    # a worker's result comes back pickled, with its plugin as a blob: unpickled only if used;
    # parsing leaves no reference cycles, so the workers need no cyclic collector
    parsed = map_indexed(parse, len(pending), jobs, min_parallel=16, collect=False)
    for (position, _, _), entry in zip(pending, parsed):
        results[position] = entry
        if memo is not None:
            memo.put_loaded(sources[position], entry)
    files = [(source, entry) for source, entry in zip(sources, results) if entry is not None]
    for path in found:  # a FIFO, a dangling link: never read, a warning each; '.#x.yaml' is emacs' lock
        if not path.is_file() and not path.name.startswith("."):
            source = f"{_relative(path.parent, project_dir)}/{path.name}"  # resolving a looping link raises
            files.append((source, not_regular(path, source)))
    if memo is not None:
        memo.retain({source for source, _ in files}, {e.name for _, e in files if e.name})
    return files


def index_of(files: list[tuple[str, LoadedFile]], report: Report) -> LoadedIndex:
    """The valid plugins, sorted by name and checked against each other."""
    loaded = LoadedIndex()
    for _, entry in files:
        if entry.plugin is not None:
            loaded.plugins.append(entry.plugin)
            loaded.keys[entry.plugin.name] = entry.key
    loaded.plugins.sort(key=lambda p: p.name)
    _check_names_unique(loaded.plugins, report)
    _check_replacements(loaded.plugins, report)
    return loaded


def _relative(path: Path, project_dir: Path) -> str:
    try:
        return path.resolve().relative_to(project_dir.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _check_names_unique(plugins: list[Plugin], report: Report) -> None:
    seen: dict[str, Plugin] = {}
    for plugin in plugins:
        key = canonicalize_name(plugin.name)
        if key in seen:
            report.error(plugin.source, 1, 1, "plugin-duplicate",
                         f"plugin '{plugin.name}' is also described by {seen[key].source}",
                         "keep one file per plugin")
        seen[key] = plugin


def _check_replacements(plugins: list[Plugin], report: Report) -> None:
    by_name = {p.name: p for p in plugins}
    for plugin in plugins:
        for release in plugin.releases:
            if release.deprecated is None:
                continue
            target = by_name.get(release.deprecated.replacement)
            where = release.line
            if target is None:
                report.error(plugin.source, where, 1, "plugin-replacement",
                             f"release {release.version} is deprecated in favour of unknown plugin "
                             f"'{release.deprecated.replacement}'",
                             did_you_mean(release.deprecated.replacement, by_name)
                             or "name a plugin described in plugins-index/")
            elif release.deprecated.replacement_version:
                spec = SpecifierSet(release.deprecated.replacement_version)
                if not any(spec.contains(r.parsed_version, prereleases=True) for r in target.releases):
                    report.error(plugin.source, where, 1, "plugin-replacement",
                                 f"release {release.version} is deprecated in favour of "
                                 f"'{release.deprecated.requirement()}', but no release of {target.name} matches",
                                 f"{target.name} has {', '.join(r.version for r in target.releases)}")


# plugins-index/*.yaml names that are no regular file (a FIFO, a socket, a device, a dangling
# or looping link) are never read (a FIFO would wait for a writer for ever); each is a warning,
# worded as content's `file-unreadable`: the build goes on without them
def not_regular(path: Path, source: str) -> LoadedFile:
    """The loading result of `path` (shown as `source`): no plugin, one warning saying why."""
    try:
        mode = path.stat().st_mode
        kind = ("a FIFO" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
                else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "a special file")
        why = f"it is {kind}, not a regular file"
    except OSError as exc:  # a dangling or looping link
        why = f"a symbolic link that cannot be followed ({(exc.strerror or str(exc)).lower()})"
    problem = Report()
    problem.warning(source, 0, 0, "plugin-file-unreadable", f"skipped: cannot read the file: {why}",
                    "a plugin file is a regular YAML file: fix this one or remove it")
    return LoadedFile("", None, problem.items, None, {}, {})
