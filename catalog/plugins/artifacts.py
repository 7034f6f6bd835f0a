"""The files of a release, DSL yaml files and wagons: where they are (a remote URL or a
file in the repository), their sha256 and size, and for wagons the platform read from
the file name and, for local wagons, checked against the archive's package.json.

Remote files must state sha256 and size: nothing else lets a client verify a download.
Local files are read (wagons opened in memory, never extracted), their digests
computed, and their bytes kept for publishing at `wagons/{plugin}/{version}/{file}`.
"""
from __future__ import annotations

import functools
import hashlib
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from packaging.utils import canonicalize_name

from ..diagnostics import Report, did_you_mean
from .buildmemo import stat_of
from .model import Wagon, YamlFile
from .wagonarchives import WagonArchiveError, name_disagreements, read_wagon
from .wagonnames import KNOWN_ARCHES, WagonName, cached_version, parse_wagon_filename
from .yamlsource import Fields, Mapping, Pos, Scalar

YAML_FILE_KEYS = ("dsl_version", "url", "path", "sha256", "size")
WAGON_KEYS = ("url", "path", "sha256", "size", "distribution", "release", "arch", "python")
DSL_VERSIONS = ("cloudify_dsl_1_0", "cloudify_dsl_1_1", "cloudify_dsl_1_2", "cloudify_dsl_1_3",
                "cloudify_dsl_1_4", "cloudify_dsl_1_5")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
UNKNOWN = "unknown"   # `sha256: unknown`: a remote file nobody could download yet
# Names of distributions and releases as clients compare them (lower-cased): 'centos', 'ootpa', '9'.
_DISTRIBUTION = re.compile(r"^[a-z][a-z0-9]*$")
_RELEASE = re.compile(r"^[a-z0-9][a-z0-9.]*$")
MAX_FILE_SIZE = 1 << 30   # a local file larger than this is not read
# What a declared platform value may be: it becomes an index field and a filter key.
_DECLARED_FORMS = {
    "distribution": (_DISTRIBUTION.match, "a lower-case name such as centos, redhat or rhel"),
    "release": (_RELEASE.match, "a lower-case name or number such as core, ootpa or 9"),
    "arch": (KNOWN_ARCHES.__contains__, f"one of {', '.join(KNOWN_ARCHES)}"),
}
# A release's wagons repeat its plugin's name and version: each is normalised once.
_canonical_name = functools.lru_cache(maxsize=4096)(canonicalize_name)


def hosted_path(plugin: str, version: str, filename: str) -> str:
    """Where the build publishes a local file: beside the release's other files, as the repository did."""
    return f"wagons/{plugin}/{version}/{filename}"


# An http(s) URL of plain characters (no %-escapes, query, fragment or spaces): its file
# name is read without urlsplit, which costs more than the rest of a wagon's checks; a
# catalog has ~90,000 such URLs. Anything else goes through urlsplit.
_PLAIN_URL = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]+)?(/[!$&-;=@-Z_a-z~]*)?")


def url_filename(url: str) -> str | None:
    """The file name an http(s) URL ends with ('' if none), or None if it is no http(s) URL."""
    plain = _PLAIN_URL.fullmatch(url)
    if plain is not None:
        return (plain.group(1) or "").rsplit("/", 1)[-1]
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return unquote(parts.path.rsplit("/", 1)[-1])


def is_http_url(text: str) -> bool:
    return url_filename(text) is not None


class ArtifactReader:
    """Reads the yaml_files and wagons entries of one plugins-index file."""

    def __init__(self, source: str, report: Report, folder: Path, payloads: dict[str, bytes]) -> None:
        self.source = source          # the plugins-index file, for messages
        self.report = report
        self.folder = folder          # path: entries are relative to it
        self.payloads = payloads      # site path -> bytes of every local file read
        self.sources: dict[str, str] = {}   # site path -> the local file its bytes come from
        self.inputs: dict[str, tuple[int, int] | None] = {}   # every local file read -> (size, mtime_ns)
        self.plugin_name = ""         # for hints

    def _location(self, f: Fields, folder: str) -> tuple[str, str | None, str | None, bytes | None, Pos] | None:
        """(filename, url, site path, local bytes, position) of a url:/path: entry; `folder` is where
        a local file is published."""
        url = f.string("url", required=False)
        path = f.string("path", required=False)
        if (url is None) == (path is None):
            f.error(f.mapping.pos, "plugin-artifact", f"{f.what}: give exactly one of 'url' or 'path'",
                    "url: for a file published elsewhere, path: for a file in this repository")
            return None
        if url is not None:
            filename = url_filename(url)
            if filename is None:
                f.error(f.key_pos("url"), "plugin-url", f"{f.what}: 'url' must be an http(s) URL, got '{url}'",
                        "use path: for a file in this repository")
                return None
            if not filename:
                f.error(f.key_pos("url"), "plugin-url", f"{f.what}: url '{url}' names no file")
                return None
            return filename, url, None, None, f.key_pos("url")
        assert path is not None
        pos = f.key_pos("path")
        if Path(path).is_absolute():
            f.error(pos, "plugin-path", f"{f.what}: path '{path}' must be relative to {self.folder.name}/",
                    "an absolute path only works on your machine")
            return None
        local = self.folder / path
        self.inputs[str(local)] = stat_of(local)  # before reading: a later change then shows
        try:
            inside = local.resolve().is_relative_to(self.folder.resolve())
        except (OSError, RuntimeError) as exc:   # a symbolic link loop (RuntimeError before Python 3.13)
            f.error(pos, "plugin-path", f"{f.what}: path '{path}' cannot be followed: {exc}",
                    "a symbolic link leads back to itself: name the wagon or yaml file itself")
            return None
        if not inside:
            f.error(pos, "plugin-path", f"{f.what}: path '{path}' leads outside {self.folder.name}/",
                    f"the build publishes what a path names: keep the file inside {self.folder.name}/ "
                    "(not behind a symbolic link out of it)")
            return None
        if local.exists() and not local.is_file():
            f.error(pos, "plugin-path", f"{f.what}: path '{path}' is not a regular file",
                    "name the wagon or yaml file itself")
            return None
        try:
            if local.stat().st_size > MAX_FILE_SIZE:
                f.error(pos, "plugin-path", f"{f.what}: '{path}' has more than {MAX_FILE_SIZE} bytes",
                        "publish a file this large elsewhere and give its url:, sha256: and size:")
                return None
            data = local.read_bytes()
        except OSError as exc:
            siblings = [p.name for p in local.parent.glob("*")] if local.parent.is_dir() else []
            f.error(pos, "plugin-path", f"{f.what}: cannot read '{path}': {exc.strerror or exc}",
                    did_you_mean(local.name, siblings) or "the path is relative to the YAML file's folder")
            return None
        self.sources[folder + local.name] = str(local)
        return local.name, None, folder + local.name, data, pos

    def _digests(self, f: Fields, computed: tuple[str, int] | None, required: bool,
                 what: str = "file") -> tuple[str | None, int | None] | None:
        """sha256 and size: as written (required for remote files), or computed and checked against what is written.

        A remote file may say `sha256: unknown` (what `catalog import legacy` writes when it could
        not download the file): it is published without digests, marked unverified, with a warning."""
        if computed is None and required and _written(f, "sha256") == UNKNOWN:
            size = f.integer("size", required=False)
            pos = f.key_pos("sha256")
            self.report.warning(self.source, pos.line, pos.col, "plugin-unverified",
                      f"{f.what}: no sha256: clients cannot verify this {what}",
                      f"run `catalog release refresh {self.plugin_name or 'PLUGIN'}` where the file can be downloaded")
            return None, size
        sha256 = f.string("sha256", required=required)
        size = f.integer("size", required=required)
        if sha256 is not None and not _SHA256.match(sha256):
            f.error(f.key_pos("sha256"), "plugin-sha256", f"{f.what}: sha256 must be 64 lower-case hex digits, got '{sha256}'",
                    "copy it from the output of `sha256sum FILE`")
            return None
        if computed is None:
            return (sha256, size) if sha256 is not None and size is not None else None
        if sha256 is not None and sha256 != computed[0]:
            f.error(f.key_pos("sha256"), "plugin-sha256",
                    f"{f.what}: YAML says sha256 {sha256} but the file's sha256 is {computed[0]}",
                    "remove sha256 for a local file (it is computed) or fix it")
        if size is not None and size != computed[1]:
            f.error(f.key_pos("size"), "plugin-size",
                    f"{f.what}: YAML says size {size} but the file has {computed[1]} bytes",
                    "remove size for a local file (it is computed) or fix it")
        return computed

    def yaml_file(self, node: Mapping, folder: str, release_what: str) -> YamlFile | None:
        f = Fields(node, self.source, self.report, f"{release_what}: yaml file")
        f.check_unknown(YAML_FILE_KEYS)
        dsl_version = f.string("dsl_version")
        if dsl_version is not None and dsl_version not in DSL_VERSIONS:
            f.error(f.key_pos("dsl_version"), "plugin-dsl-version", f"{f.what}: unknown dsl_version '{dsl_version}'",
                    did_you_mean(dsl_version, DSL_VERSIONS) or f"one of {', '.join(DSL_VERSIONS)}")
        artifact = self._location(f, folder)
        if artifact is None:
            self._digests(f, None, required=False)
            return None
        filename, url, site_path, data, _ = artifact
        computed = _hash(data) if data is not None else None
        digests = self._digests(f, computed, required=data is None, what="yaml file")
        if not f.ok or digests is None or dsl_version is None:
            return None
        if data is not None and site_path:
            self.payloads[site_path] = data
        return YamlFile(filename=filename, sha256=digests[0], size=digests[1], url=url, site_path=site_path,
                        dsl_version=dsl_version)

    def wagon(self, node: Mapping, plugin_name: str, version: str | None, folder: str,
              release_what: str) -> Wagon | None:
        f = Fields(node, self.source, self.report, lambda: f"{release_what}: wagon {_written_filename(node)}".rstrip())
        f.check_unknown(WAGON_KEYS)
        artifact = self._location(f, folder)
        if artifact is None:
            self._platform(f, None, f.mapping.pos)
            self._digests(f, None, required=False)
            return None
        filename, url, site_path, data, pos = artifact
        try:
            name = parse_wagon_filename(filename)
        except ValueError as exc:
            f.error(pos, "wagon-name", f"{f.what}: {exc}", "keep the file name wagon gave the archive")
            self._digests(f, None, required=data is None)
            self._platform(f, None, pos)
            return None
        if name.package != plugin_name and _canonical_name(name.package) != _canonical_name(plugin_name):
            f.error(pos, "wagon-mismatch",
                    f"{f.what}: plugin name is '{plugin_name}' but the wagon file name says '{name.package}'")
        if version is not None and name.version != version and cached_version(name.version) != cached_version(version):
            f.error(pos, "wagon-mismatch",
                    f"{f.what}: release version is '{version}' but the wagon file name says '{name.version}'")
        md5 = None
        computed = None
        if data is not None:
            try:
                archive = read_wagon(data)
            except WagonArchiveError as exc:
                f.error(pos, "wagon-archive", f"{f.what}: {exc}", "rebuild the wagon, or download it again")
                return None
            for problem in name_disagreements(filename, name, archive):
                f.error(pos, "wagon-mismatch", f"{f.what}: {problem}")
            computed = (archive.sha256, archive.size)
            md5 = archive.md5
        digests = self._digests(f, computed, required=data is None, what="wagon")
        distribution, release, arch = self._platform(f, name, pos)
        if not f.ok or digests is None or distribution is None or arch is None:
            return None
        if data is not None and site_path:
            self.payloads[site_path] = data
            self.payloads[site_path + ".md5"] = f"{md5}  {filename}\n".encode()
        return Wagon(filename=filename, sha256=digests[0], size=digests[1], url=url, site_path=site_path,
                     md5=md5, distribution=distribution, release=release if distribution != "manylinux" else None,
                     arch=arch, platform=name.platform, python_tags=name.python_tags, build_tag=name.build_tag)

    def _platform(self, f: Fields, name: WagonName | None, pos: Pos) -> tuple[str | None, str | None, str | None]:
        """(distribution, release, arch) from the file name; what the YAML declares must agree with it
        and only fills in what the name does not say."""
        declared = {key: f.string(key, required=False) for key in ("distribution", "release", "arch")}
        python = f.strings("python", required=False)
        if name is None:
            return None, None, None
        derived = {"distribution": name.distribution, "release": name.release, "arch": name.arch}
        for key, value in derived.items():
            given = declared[key]
            if given is not None and value is not None and given.lower() != value.lower():
                f.error(f.key_pos(key), "wagon-mismatch",
                        f"{f.what}: YAML says {key} '{given}' but the wagon file name says '{value}'")
        if python is not None and tuple(text for text, _ in python) != name.python_tags:
            f.error(f.key_pos("python"), "wagon-mismatch",
                    f"{f.what}: YAML says python {[text for text, _ in python]} but the wagon file name says "
                    f"{list(name.python_tags)}")
        self._check_declared(f, declared)
        distribution, release, arch = ((value or (declared[key] or "").lower() or None) for key, value in derived.items())
        if distribution is None:
            f.error(pos, "wagon-platform", f"{f.what}: the file name names no distribution",
                    "build the wagon with --build-tag (centos-Core, redhat-Ootpa, manylinux, ...) "
                    "or declare distribution:/release:")
        if arch is None:
            f.error(pos, "wagon-platform", f"{f.what}: cannot tell the architecture of platform '{name.platform}'",
                    "declare arch: (x86_64, aarch64, ...)")
        return distribution, release, arch

    def _check_declared(self, f: Fields, declared: dict[str, str | None]) -> None:
        """Declared platform values become index fields and filter keys: known forms only."""
        for key, given in declared.items():
            if given is None:
                continue
            valid, expected = _DECLARED_FORMS[key]
            if not valid(given.lower()):
                hint = did_you_mean(given.lower(), KNOWN_ARCHES) if key == "arch" else ""
                f.error(f.key_pos(key), "wagon-platform", f"{f.what}: unknown {key} '{given}'",
                        hint or f"write {expected}")


def _written_filename(node: Mapping) -> str:
    """The file name an entry's url: or path: ends with, to name the entry in messages."""
    for key in ("path", "url"):
        entry = node.items.get(key)
        if entry and isinstance(entry[1], Scalar) and isinstance(entry[1].value, str):
            return unquote(urlsplit(entry[1].value).path.rsplit("/", 1)[-1])
    return ""


def _written(f: Fields, key: str) -> object:
    """The scalar value written for `key`, unchecked (None if absent or not a scalar)."""
    entry = f.mapping.items.get(key)
    return entry[1].value if entry and isinstance(entry[1], Scalar) else None


def _hash(data: bytes) -> tuple[str, int]:
    return hashlib.sha256(data).hexdigest(), len(data)
