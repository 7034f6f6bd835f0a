"""Property and fuzz tests of the wagon reader: whatever the bytes, whatever the tar or zip
members, `read_wagon` returns or raises WagonArchiveError (never another exception), never
writes a file, and its work grows linearly with the size of the archive."""
from __future__ import annotations

import contextlib
import gzip
import io
import json
import os
import tarfile
import tempfile
import time
import zipfile
import zlib

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from catalog.plugins import wagonarchives
from catalog.plugins.wagonarchives import WagonArchiveError, name_disagreements, read_wagon
from catalog.plugins.wagonnames import parse_wagon_filename

from plugins_fixtures.project import real_wagons

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FILENAME = "cloudify_echo_plugin-1.0.0-centos-Core-py311-none-linux_x86_64.wgn"


def read_or_refuse(data: bytes) -> None:
    """The property itself: a result whose file-name check also runs, or the project's own error."""
    try:
        archive = read_wagon(data)
    except WagonArchiveError as exc:
        assert str(exc)
        return
    assert isinstance(archive.package_json, dict)
    name_disagreements(FILENAME, parse_wagon_filename(FILENAME), archive)


# -- arbitrary bytes -------------------------------------------------------------------------

def _real() -> list[bytes]:
    return [data for _, data in real_wagons().values()]


@FUZZ
@given(prefix=st.sampled_from([b"", b"\x1f\x8b", b"\x1f\x8b\x08\x00", b"PK\x03\x04"]), rest=st.binary(max_size=2048))
def test_arbitrary_bytes_are_read_or_refused(prefix, rest):
    read_or_refuse(prefix + rest)


@FUZZ
@given(which=st.integers(0, 4), edits=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)),
                                                min_size=1, max_size=8),
       cut=st.none() | st.floats(0, 1))
def test_damaged_real_wagons_are_read_or_refused(which, edits, cut):
    """Real tar.gz and zip wagons with bytes overwritten here and there, maybe cut short."""
    data = bytearray(_real()[which])
    for where, value in edits:
        data[int(where * len(data))] = value
    read_or_refuse(bytes(data[: int(cut * len(data))] if cut is not None else data))


def gzip_of(raw: bytes) -> bytes:
    return gzip.compress(raw, mtime=0)


@FUZZ
@given(raw=st.binary(max_size=4096))
def test_valid_gzip_of_arbitrary_bytes(raw):
    """Past the gzip layer: tarfile parses whatever came out."""
    read_or_refuse(gzip_of(raw))


@FUZZ
@given(blocks=st.lists(st.binary(min_size=512, max_size=512) | st.just(b"\0" * 512), max_size=6))
def test_valid_gzip_of_tar_like_blocks(blocks):
    """Tar headers whose fields are garbage, behind a real tar header so tarfile looks further."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        info = tarfile.TarInfo("a/package.json")
        info.size = 2
        tar.addfile(info, io.BytesIO(b"{}"))
    head = buffer.getvalue()[:1024]
    read_or_refuse(gzip_of(head + b"".join(blocks)))


# -- arbitrary members -----------------------------------------------------------------------

_NAME_PART = st.sampled_from(["a", "package.json", "wheels", "x.whl", "..", ".", "", "/", "\\", "C:", "a b",
                              "é", "\0"])
NAMES = st.lists(_NAME_PART, min_size=1, max_size=4).map("/".join)
JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=8),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
                    max_leaves=10)
PACKAGE_KEYS = ["package_name", "package_version", "supported_platform", "supported_python_versions",
                "build_server_os_properties", "package_build_tag", "archive_name"]
PACKAGE_JSON = st.dictionaries(st.sampled_from(PACKAGE_KEYS) | st.text(max_size=5), JSON, max_size=8)
TAR_TYPES = [tarfile.REGTYPE, tarfile.AREGTYPE, tarfile.DIRTYPE, tarfile.SYMTYPE, tarfile.LNKTYPE,
             tarfile.CHRTYPE, tarfile.FIFOTYPE, tarfile.CONTTYPE]


@st.composite
def members(draw):
    """(name, tar type, link target, bytes) of a few members, often a plausible package.json."""
    result = []
    if draw(st.booleans()):
        result.append(("cloudify-echo-plugin/package.json", tarfile.REGTYPE, "",
                       json.dumps(draw(PACKAGE_JSON)).encode()))
    for _ in range(draw(st.integers(0, 5))):
        result.append((draw(NAMES | st.just("cloudify-echo-plugin/package.json")), draw(st.sampled_from(TAR_TYPES)),
                       draw(NAMES), draw(st.binary(max_size=64) | JSON.map(lambda v: json.dumps(v).encode()))))
    return result


@PROPERTY
@given(entries=members(), fmt=st.sampled_from([tarfile.PAX_FORMAT, tarfile.GNU_FORMAT, tarfile.USTAR_FORMAT]),
       pax=st.dictionaries(st.sampled_from(["path", "size", "comment", "hdrcharset", "linkpath"]),
                           st.text(max_size=40), max_size=2))
def test_arbitrary_tar_members(entries, fmt, pax):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", format=fmt) as tar:
        for name, kind, link, data in entries:
            info = tarfile.TarInfo(name)
            info.type, info.linkname = kind, link
            info.size = len(data) if kind in (tarfile.REGTYPE, tarfile.AREGTYPE, tarfile.CONTTYPE) else 0
            if fmt == tarfile.PAX_FORMAT:
                info.pax_headers = dict(pax)
            try:
                tar.addfile(info, io.BytesIO(data) if info.size else None)
            except (ValueError, UnicodeError):  # the writer refuses it: nothing to read
                assume(False)
    with tempfile.TemporaryDirectory() as folder, contextlib.chdir(folder):  # where extraction would write
        read_or_refuse(buffer.getvalue())
        assert not os.listdir(folder)


@pytest.mark.filterwarnings("ignore:Duplicate name")
@PROPERTY
@given(entries=members(), method=st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2]),
       unix_mode=st.sampled_from([None, 0o100644, 0o040755, 0o120777, 0o020644, 0o010644]))
def test_arbitrary_zip_members(entries, method, unix_mode):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=method) as archive:
        for name, _, _, data in entries:
            info = zipfile.ZipInfo(name)
            if unix_mode is not None:
                info.create_system, info.external_attr = 3, unix_mode << 16
            archive.writestr(info, data)
    read_or_refuse(buffer.getvalue())


@PROPERTY
@given(meta=PACKAGE_JSON)
def test_file_name_checks_accept_any_package_json(meta):
    """package.json is whatever the wagon's author wrote: every field of any JSON type."""
    archive = wagonarchives.WagonArchive("0" * 64, "0" * 32, 1, "tar.gz", "cloudify_echo_plugin", meta)
    for filename in (FILENAME, "cloudify_echo_plugin-1.0-py27-none-linux_x86_64-centos-Core.wgn"):
        problems = name_disagreements(filename, parse_wagon_filename(filename), archive)
        assert all(isinstance(problem, str) for problem in problems)


# -- linear cost -----------------------------------------------------------------------------
#
# Work is measured twice: deterministically, as the number of Python function calls the
# reader makes (a profiler hook counts them), and as CPU time of this process, which a
# loaded machine slows but does not inflate by the factor of 8 that separates linear from
# quadratic growth. Both must stay within generous bounds of 8x when the input grows 8x.

def _tar_gz(entries: list[tuple[tarfile.TarInfo, bytes]], fmt: int = tarfile.PAX_FORMAT) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", format=fmt) as tar:
        for info, data in entries:
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _member(name: str, data: bytes = b"", **pax: str) -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.pax_headers = pax
    return info, data


def _package(extra: int = 0) -> tuple[tarfile.TarInfo, bytes]:
    return _member("a/package.json", json.dumps({"package_name": "a", "pad": "x" * extra}).encode())


def many_members(n: int) -> bytes:
    return _tar_gz([_package(), *(_member(f"a/wheels/w{i}.whl", b"w" * 10) for i in range(n))])


def long_pax_names(n: int) -> bytes:
    return _tar_gz([_package(), *(_member(f"a/{'d' * 150}/{i}", b"", comment="c" * 200) for i in range(n))])


def digit_pax_headers(n: int) -> bytes:
    """CPython's quadratic case: runs of digits in pax records (refused, quickly)."""
    return _tar_gz([_package(), _member("a/x", b"", comment="1" * (40 * n))])


def big_member(n: int) -> bytes:
    return _tar_gz([_package(), _member("a/wheels/big.whl", bytes(range(256)) * (4 * n))])


def zeros_member(n: int) -> bytes:
    """A member of zeros: deflate's best ratio (about 1000), the most a tar.gz makes the reader unpack."""
    return _tar_gz([_package(), _member("a/wheels/zeros.whl", bytes(1000 * n))])


def huge_package_json(n: int) -> bytes:
    return _tar_gz([_package(2000 * n)])


def zip_members(n: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a/package.json", json.dumps({"package_name": "a"}))
        for i in range(n):
            archive.writestr(f"a/wheels/w{i}.whl", b"w" * 10)
    return buffer.getvalue()


def zip_overlap_bomb(n: int) -> bytes:
    """n more central-directory entries that all point at one large deflated member: the
    classic zip bomb, which unpacks to far more than deflate's ratio allows."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a/package.json", json.dumps({"package_name": "a"}))
        archive.writestr("a/big", bytes(500_000))
    data = buffer.getvalue()
    directory, end = data.index(b"PK\x01\x02"), data.index(b"PK\x05\x06")
    big = data[data.rindex(b"PK\x01\x02", 0, end):end]
    records = data[directory:end] + b"".join(big.replace(b"a/big", f"a/{i:03x}".encode()) for i in range(n))
    eocd = bytearray(data[end:])
    eocd[8:12] = (2 + n).to_bytes(2, "little") * 2
    eocd[12:16] = len(records).to_bytes(4, "little")
    return data[:directory] + records + bytes(eocd)


def not_a_tar(n: int) -> bytes:
    return gzip_of(b"".join(i.to_bytes(4, "little") for i in range(n)))


def _calls(data: bytes) -> int:
    import sys

    count = 0

    def profile(frame, event, arg):
        nonlocal count
        if event in ("call", "c_call"):
            count += 1

    sys.setprofile(profile)
    try:
        read_or_refuse(data)
    finally:
        sys.setprofile(None)
    return count


def _seconds(data: bytes) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        read_or_refuse(data)
        best = min(best, time.process_time() - start)
    return best


@pytest.mark.parametrize("make, n", [
    (many_members, 300), (long_pax_names, 200), (digit_pax_headers, 400), (big_member, 2000),
    (zeros_member, 2000), (huge_package_json, 100), (zip_members, 300), (zip_overlap_bomb, 40), (not_a_tar, 20_000),
])
def test_work_grows_linearly_with_the_input(make, n):
    small, large = make(n), make(8 * n)
    assert len(large) > len(small)
    ratio = len(large) / len(small)
    # Python calls: deterministic, so the bound is close (quadratic growth would give ratio**2)
    assert _calls(large) <= 1.5 * ratio * _calls(small) + 1000
    # CPU time: noisy, so the bound is loose, with a floor for inputs read in microseconds
    assert _seconds(large) <= 4 * ratio * max(_seconds(small), 0.002)


@pytest.mark.parametrize("fmt", [tarfile.PAX_FORMAT, tarfile.GNU_FORMAT])
def test_long_names_still_read(fmt):
    """The bounds on extended headers leave real ones alone: long and non-ASCII names."""
    data = _tar_gz([_package(), *(_member(f"a/{'d' * 150}/{i}.whl", b"x", comment="é" * 50) for i in range(3))], fmt)
    assert read_wagon(data).package_json["package_name"] == "a"
