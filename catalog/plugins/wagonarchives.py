"""Wagon archives: their `package.json`, their sha256 and size, read in memory without
extracting a single member to disk, and every way `package.json` disagrees with the file
name (catalog.plugins.wagonnames reads the name).

The `build_server_os_properties` of `package.json` say where the wagon was *built*, which
for cross-built wagons is another system (ours are built on Debian), so they are
compared with the name only for legacy wagons, whose name was derived from them.
"""
from __future__ import annotations

import gzip
import hashlib
import io
import json
import lzma
import re
import tarfile
import zipfile
import zlib
from dataclasses import dataclass
from typing import Any

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from .. import jsonread
from .wagonnames import WagonName


class WagonArchiveError(Exception):
    """The bytes are not a readable wagon; the message says why."""


# What a wagon may unpack to. Wagons hold wheels, which are compressed already, and a
# package.json of a few kilobytes; anything far beyond is a broken or hostile archive.
MAX_PACKAGE_JSON = 1 << 20
MAX_UNPACKED = 1 << 30
# deflate never expands more than 1032 times, so a larger ratio means overlapping zip
# entries or a bzip2/lzma bomb: the work stays proportional to the archive's size
MAX_RATIO = 1100
# Header data CPython's tarfile parses with regular expressions that are quadratic in
# runs of digits (CVE-2024-6232): pax and GNU long-name headers are bounded, and digit
# runs in pax records too.
MAX_HEADER_DATA = 1 << 16
# A wagon holds a package.json, a README and its wheels: tens of members. tarfile keeps a
# TarInfo of every member it has read (a 6 MB tar.gz of a million empty members: 589 MB), and
# zipfile reads the whole central directory when it opens, so both are counted first.
MAX_MEMBERS = 10_000
MAX_CENTRAL_DIRECTORY = 4 << 20   # at least 46 bytes an entry: at most 91,000 entries to read
_LONG_DIGITS = re.compile(rb"[0-9]{33}")


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
    """Read the archive in memory (every byte is decompressed, which checks the compression and
    CRCs, but only package.json is kept) and return the metadata. Nothing is extracted and no
    link is followed: a member that is not a plain file or folder inside the top folder, or an
    archive that unpacks to far more than its size, is refused with WagonArchiveError."""
    if not data:
        raise WagonArchiveError("the file is empty")
    budget = min(MAX_UNPACKED, MAX_RATIO * len(data))
    if data[:2] == b"\x1f\x8b":
        fmt, names, package_json_of = "tar.gz", *_read_tar_gz(data, budget)
    elif data[:4] == b"PK\x03\x04":
        fmt, names, package_json_of = "zip", *_read_zip(data, budget)
    else:
        raise WagonArchiveError(f"not a tar.gz or zip archive (it starts with {data[:8]!r})")

    tops = sorted({name.split("/", 1)[0] for name in names})
    if len(tops) != 1:
        raise WagonArchiveError(
            f"a wagon holds one top folder {{package_name}}/, this archive has {len(tops)}: {', '.join(tops) or 'none'}")
    top = tops[0]
    raw = package_json_of.get(f"{top}/package.json")
    if raw is None:
        raise WagonArchiveError(f"no {top}/package.json in the archive")
    try:
        package_json = jsonread.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise WagonArchiveError(f"{top}/package.json is not valid JSON: {exc}") from None
    if not isinstance(package_json, dict):
        raise WagonArchiveError(f"{top}/package.json is not a JSON object")
    return WagonArchive(hashlib.sha256(data).hexdigest(), hashlib.md5(data).hexdigest(), len(data),
                        fmt, top, package_json)


def _member_name(name: str) -> str:
    """The name as a client would extract it; refuses names that would land outside the top folder."""
    name = name[2:] if name.startswith("./") else name
    parts = re.split(r"[/\\]", name)
    if name.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", name) or ".." in parts or "\0" in name:
        raise WagonArchiveError(f"member {name!r} would be written outside the wagon's folder")
    return name.rstrip("/")


def _refuse_link(name: str, what: str) -> WagonArchiveError:
    return WagonArchiveError(f"member {name!r} is {what}; a wagon holds only plain files and folders")


def _unpacked_too_much(budget: int) -> WagonArchiveError:
    return WagonArchiveError(f"the archive unpacks to more than {budget} bytes, too much for its size "
                             "(a damaged or hostile archive)")


def _package_json(name: str, size: int) -> bool:
    """Whether a member is a package.json candidate to keep; refuses one too large to be real."""
    if not name.endswith("/package.json") or name.count("/") != 1:
        return False
    if size > MAX_PACKAGE_JSON:
        raise WagonArchiveError(f"{name} has {size} bytes, more than the {MAX_PACKAGE_JSON} a package.json "
                                "may have")
    return True


class _BoundedTarInfo(tarfile.TarInfo):
    """tarfile's member headers, with the data of pax and GNU long-name headers bounded and
    checked before tarfile parses it (see MAX_HEADER_DATA)."""

    def _proc_member(self, tar: tarfile.TarFile) -> tarfile.TarInfo:
        if self.type not in (tarfile.XHDTYPE, tarfile.XGLTYPE, tarfile.SOLARIS_XHDTYPE,
                             tarfile.GNUTYPE_LONGNAME, tarfile.GNUTYPE_LONGLINK):
            return super()._proc_member(tar)
        if self.size > MAX_HEADER_DATA:
            raise WagonArchiveError(f"an extended tar header of {self.size} bytes (more than {MAX_HEADER_DATA})")
        fileobj = tar.fileobj
        header = fileobj.read(self._block(self.size))
        if _LONG_DIGITS.search(header):
            raise WagonArchiveError("an extended tar header holds a run of more than 32 digits")
        tar.fileobj = _Replay(header, fileobj)
        try:
            return super()._proc_member(tar)
        finally:
            tar.fileobj = fileobj


class _Replay:
    """A file that gives `first` again, then reads on from `rest`."""

    def __init__(self, first: bytes, rest: Any) -> None:
        self.first, self.rest = first, rest

    def read(self, size: int = -1) -> bytes:
        if not self.first:
            return self.rest.read(size)
        size = len(self.first) if size < 0 else size
        head, self.first = self.first[:size], self.first[size:]
        return head + (self.rest.read(size - len(head)) if len(head) < size else b"")

    def tell(self) -> int:
        return self.rest.tell() - len(self.first)

    def seek(self, offset: int, whence: int = 0) -> int:
        self.first = b""
        return self.rest.seek(offset, whence)


def _read_tar_gz(data: bytes, budget: int) -> tuple[set[str], dict[str, bytes]]:
    names: set[str] = set()
    kept: dict[str, bytes] = {}
    end = 0
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz", tarinfo=_BoundedTarInfo) as tar:
            for count, member in enumerate(tar, 1):
                if count > MAX_MEMBERS:
                    raise _too_many_members()
                name = _member_name(member.name)
                if member.issym() or member.islnk():
                    raise _refuse_link(name, f"a {'symbolic' if member.issym() else 'hard'} link to "
                                             f"{member.linkname!r}")
                if not (member.isdir() or member.type in (tarfile.REGTYPE, tarfile.AREGTYPE)):
                    raise _refuse_link(name, "a device, pipe or sparse file")
                end = member.offset_data + member.size
                if end > budget:
                    raise _unpacked_too_much(budget)
                if name:
                    names.add(name)
                if member.isfile() and _package_json(name, member.size):
                    handle = tar.extractfile(member)
                    kept[name] = handle.read() if handle else b""
                    if len(kept[name]) != member.size:
                        raise WagonArchiveError(f"member {name} is cut short")
            # the rest of the stream too: the gzip CRC and length are checked at its end
            tar.fileobj.seek(tar.offset)
            unpacked = tar.fileobj.tell()
            while chunk := tar.fileobj.read(1 << 20):
                unpacked += len(chunk)
                if unpacked > budget:
                    raise _unpacked_too_much(budget)
    except WagonArchiveError:
        raise
    except (tarfile.TarError, EOFError, OSError, zlib.error, gzip.BadGzipFile) as exc:
        raise WagonArchiveError(f"corrupt or truncated tar.gz archive: {exc or type(exc).__name__}") from None
    if unpacked < end:
        raise WagonArchiveError("corrupt or truncated tar.gz archive: the last member is cut short")
    return names, kept


_S_IFMT, _S_IFDIR, _S_IFREG = 0o170000, 0o040000, 0o100000


def _read_zip(data: bytes, budget: int) -> tuple[set[str], dict[str, bytes]]:
    names: set[str] = set()
    kept: dict[str, bytes] = {}
    try:
        _count_zip_members(data)
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_MEMBERS:   # an end record that understates the count
                raise _too_many_members()
            for info in infos:
                name = _member_name(info.filename)
                mode = info.external_attr >> 16 & _S_IFMT
                if info.create_system == 3 and mode not in (0, _S_IFDIR, _S_IFREG):  # made on Unix
                    raise _refuse_link(name, "a symbolic link" if mode == 0o120000 else "a device or pipe")
                if name:
                    names.add(name)
            if sum(info.file_size for info in infos) > budget:
                raise _unpacked_too_much(budget)
            bad = archive.testzip()
            if bad is not None:
                raise WagonArchiveError(f"corrupt zip archive: member {bad} fails its CRC check")
            for info in infos:
                name = _member_name(info.filename)
                if not info.filename.endswith("/") and _package_json(name, info.file_size):
                    kept[name] = archive.read(info)
    except WagonArchiveError:
        raise
    except (zipfile.BadZipFile, EOFError, OSError, zlib.error, ValueError, NotImplementedError, RuntimeError,
            lzma.LZMAError) as exc:
        raise WagonArchiveError(f"corrupt or truncated zip archive: {exc or type(exc).__name__}") from None
    return names, kept


def _count_zip_members(data: bytes) -> None:
    """Refuse a zip whose end record announces more members, or a larger central directory,
    than a wagon has, before zipfile reads that directory."""
    end = zipfile._EndRecData(io.BytesIO(data))   # the record zipfile itself reads (zip64 too)
    if end is None:
        return                                      # zipfile says it is not a zip
    if end[zipfile._ECD_ENTRIES_TOTAL] > MAX_MEMBERS:
        raise _too_many_members()
    if end[zipfile._ECD_SIZE] > MAX_CENTRAL_DIRECTORY:
        raise WagonArchiveError(f"a zip central directory of {end[zipfile._ECD_SIZE]} bytes, more than "
                                f"the {MAX_CENTRAL_DIRECTORY} of a wagon's tens of members")


def _too_many_members() -> WagonArchiveError:
    return WagonArchiveError(f"more than {MAX_MEMBERS} members; a wagon holds a package.json and its wheels")


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
    if pythons is not None and (not isinstance(pythons, list) or tuple(pythons) != name.python_tags):
        problems.append(f"file name says python '{'.'.join(name.python_tags)}' but package.json "
                        f"supported_python_versions is {json.dumps(pythons)}")
    if name.legacy:
        os_props = meta.get("build_server_os_properties")
        os_props = os_props if isinstance(os_props, dict) else {}
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
