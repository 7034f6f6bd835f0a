"""Wagon archives: their file names (current and legacy), their `package.json`, their
sha256 and size, read in memory without extracting a single member to disk.

File names (wagon's `_set_archive_name`, REFERENCE.md section 2):

- current: `{name}-{version}[-{build_tag}]-{python tags joined by .}-none-{platform}.wgn`
  (`cloudify_aws_plugin-3.0.10-centos-Core-py36-none-linux_x86_64.wgn`);
- legacy, before wagon 0.5.1: `{name}-{version}-{python}-none-{platform}-{distro}-{release}.wgn`
  (`cloudify_aws_plugin-1.4.10-py27-none-linux_x86_64-centos-Core.wgn`).

The distribution a wagon is for comes from its build tag (`centos-Core` -> centos/core,
`manylinux` -> manylinux) or, for legacy names, from the two trailing fields. The
`build_server_os_properties` of `package.json` say where the wagon was *built*, which
for cross-built wagons is another system (ours are built on Debian), so they are
compared with the name only for legacy wagons, whose name was derived from them.
"""
from __future__ import annotations

import gzip
import hashlib
import io
import json
import re
import tarfile
import zipfile
import zlib
from dataclasses import dataclass
from typing import Any

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

_PYTHON_TAGS = re.compile(r"^py\d+(\.py\d+)*$")
_ARCHES = ("x86_64", "aarch64", "i686", "ppc64le", "s390x", "armv7l")
_ARCH_ALIASES = {"amd64": "x86_64", "arm64": "aarch64", "win32": "x86"}


@dataclass(frozen=True)
class WagonName:
    """What a wagon's file name says about it."""

    package: str                 # as written: underscores for dashes
    version: str
    build_tag: str | None
    python_tags: tuple[str, ...]
    platform: str
    distribution: str | None     # lower-case
    release: str | None          # lower-case
    legacy: bool

    @property
    def arch(self) -> str | None:
        return arch_of_platform(self.platform)


def parse_wagon_filename(filename: str) -> WagonName:
    """Parse a current or legacy wagon file name; ValueError says what is wrong with it."""
    if not filename.endswith(".wgn"):
        raise ValueError(f"'{filename}' does not end with .wgn")
    parts = filename[: -len(".wgn")].split("-")
    legacy = len(parts) == 7 and parts[3] == "none" and bool(_PYTHON_TAGS.match(parts[2]))
    if legacy:
        package, version, python, _, platform, distro, release = parts
        distribution = None if distro.lower() == "none" else distro.lower()
        release_name = None if release.lower() == "none" else release.lower()
        build_tag = None
    else:
        if len(parts) < 5 or parts[-2] != "none" or not _PYTHON_TAGS.match(parts[-3]):
            raise ValueError(
                f"'{filename}' is neither {{name}}-{{version}}[-{{build_tag}}]-{{python}}-none-{{platform}}.wgn "
                f"nor the legacy {{name}}-{{version}}-{{python}}-none-{{platform}}-{{distro}}-{{release}}.wgn")
        package, version, python, platform = parts[0], parts[1], parts[-3], parts[-1]
        build_tag = "-".join(parts[2:-3]) or None
        distribution, release_name = distribution_of_build_tag(build_tag)
    try:
        Version(version)
    except InvalidVersion:
        raise ValueError(f"'{filename}': '{version}' is not a PEP 440 version") from None
    return WagonName(package, version, build_tag, tuple(python.split(".")), platform,
                     distribution, release_name, legacy)


def distribution_of_build_tag(build_tag: str | None) -> tuple[str | None, str | None]:
    """'centos-Core' -> ('centos', 'core'); 'manylinux' -> ('manylinux', None); a build number -> (None, None)."""
    if not build_tag:
        return None, None
    if build_tag.lower().startswith("manylinux"):
        return "manylinux", None
    match = re.fullmatch(r"([A-Za-z]+)-([A-Za-z][A-Za-z0-9]*)", build_tag)
    if match:
        return match.group(1).lower(), match.group(2).lower()
    return None, None


def arch_of_platform(platform: str) -> str | None:
    """'linux_x86_64' -> 'x86_64', 'manylinux2014_aarch64' -> 'aarch64', 'any' -> 'any', unknown -> None."""
    if platform == "any":
        return "any"
    if platform in _ARCH_ALIASES:
        return _ARCH_ALIASES[platform]
    for arch in _ARCHES:
        if platform.endswith("_" + arch):
            return arch
    for alias, arch in _ARCH_ALIASES.items():
        if platform.endswith("_" + alias):
            return arch
    return None


class WagonArchiveError(Exception):
    """The bytes are not a readable wagon; the message says why."""


@dataclass(frozen=True)
class WagonArchive:
    """A wagon's bytes, read: digests, size, format and its `package.json`."""

    sha256: str
    md5: str
    size: int
    format: str                  # 'tar.gz' or 'zip'
    top_folder: str
    package_json: dict[str, Any]


def read_wagon(data: bytes) -> WagonArchive:
    """Read every member in memory (which checks the compression and CRCs) and return the metadata."""
    if not data:
        raise WagonArchiveError("the file is empty")
    if data[:2] == b"\x1f\x8b":
        fmt, members = "tar.gz", _read_tar_gz(data)
    elif data[:4] == b"PK\x03\x04":
        fmt, members = "zip", _read_zip(data)
    else:
        raise WagonArchiveError(f"not a tar.gz or zip archive (it starts with {data[:8]!r})")

    tops = sorted({name.split("/", 1)[0] for name in members})
    if len(tops) != 1:
        raise WagonArchiveError(
            f"a wagon holds one top folder {{package_name}}/, this archive has {len(tops)}: {', '.join(tops) or 'none'}")
    top = tops[0]
    raw = members.get(f"{top}/package.json")
    if raw is None:
        raise WagonArchiveError(f"no {top}/package.json in the archive")
    try:
        package_json = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise WagonArchiveError(f"{top}/package.json is not valid JSON: {exc}") from None
    if not isinstance(package_json, dict):
        raise WagonArchiveError(f"{top}/package.json is not a JSON object")
    return WagonArchive(hashlib.sha256(data).hexdigest(), hashlib.md5(data).hexdigest(), len(data),
                        fmt, top, package_json)


def _member_name(name: str) -> str:
    return name[2:] if name.startswith("./") else name


def _read_tar_gz(data: bytes) -> dict[str, bytes]:
    members: dict[str, bytes] = {}
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
            for member in tar:
                name = _member_name(member.name).rstrip("/")
                if not name:
                    continue
                if member.isfile():
                    handle = tar.extractfile(member)
                    members[name] = handle.read() if handle else b""
                    if len(members[name]) != member.size:
                        raise WagonArchiveError(f"member {name} is cut short")
                else:
                    members.setdefault(name, b"")
    except WagonArchiveError:
        raise
    except (tarfile.TarError, EOFError, OSError, zlib.error, gzip.BadGzipFile) as exc:
        raise WagonArchiveError(f"corrupt or truncated tar.gz archive: {exc or type(exc).__name__}") from None
    return members


def _read_zip(data: bytes) -> dict[str, bytes]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            bad = archive.testzip()
            if bad is not None:
                raise WagonArchiveError(f"corrupt zip archive: member {bad} fails its CRC check")
            return {_member_name(info.filename).rstrip("/"): (b"" if info.is_dir() else archive.read(info))
                    for info in archive.infolist() if _member_name(info.filename).rstrip("/")}
    except WagonArchiveError:
        raise
    except (zipfile.BadZipFile, EOFError, OSError, zlib.error, ValueError) as exc:
        raise WagonArchiveError(f"corrupt or truncated zip archive: {exc or type(exc).__name__}") from None


def name_disagreements(filename: str, name: WagonName, archive: WagonArchive) -> list[str]:
    """Every way the file name and `package.json` disagree, each naming both values."""
    meta = archive.package_json
    problems: list[str] = []

    def field(key: str) -> Any:
        if key not in meta:
            problems.append(f"package.json has no '{key}'")
        return meta.get(key)

    package_name = field("package_name")
    version = field("package_version")
    platform = field("supported_platform")
    pythons = field("supported_python_versions")
    if isinstance(package_name, str):
        if canonicalize_name(package_name) != canonicalize_name(name.package):
            problems.append(f"file name says package '{name.package}' but package.json package_name is '{package_name}'")
        if archive.top_folder != package_name:
            problems.append(f"the archive's top folder is '{archive.top_folder}/' but package.json package_name is "
                            f"'{package_name}'")
    if version is not None and not _same_version(str(version), name.version):
        problems.append(f"file name says version '{name.version}' but package.json package_version is '{version}'")
    if platform is not None and platform != name.platform:
        problems.append(f"file name says platform '{name.platform}' but package.json supported_platform is '{platform}'")
    if pythons is not None and tuple(pythons or ()) != name.python_tags:
        problems.append(f"file name says python '{'.'.join(name.python_tags)}' but package.json "
                        f"supported_python_versions is {json.dumps(pythons)}")
    if name.legacy:
        os_props = meta.get("build_server_os_properties") or {}
        for key, value in (("distribution", name.distribution), ("distribution_release", name.release)):
            actual = os_props.get(key)
            actual = actual.lower() if isinstance(actual, str) and actual else None
            if actual != value:
                problems.append(f"file name says {key} '{value or 'none'}' but package.json "
                                f"build_server_os_properties.{key} is '{actual or 'none'}'")
    else:
        tag = meta.get("package_build_tag") or None
        if tag != name.build_tag:
            problems.append(f"file name says build tag '{name.build_tag or ''}' but package.json package_build_tag "
                            f"is '{tag or ''}'")
    archive_name = meta.get("archive_name")
    if archive_name and archive_name != filename:
        problems.append(f"the file is named '{filename}' but package.json archive_name is '{archive_name}'")
    return problems


def _same_version(a: str, b: str) -> bool:
    try:
        return Version(a) == Version(b)
    except InvalidVersion:
        return a == b
