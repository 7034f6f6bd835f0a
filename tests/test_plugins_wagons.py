"""Wagon archives: file names, reading real wagons built with `wagon`, and every way one
can be broken (corrupt, truncated, renamed, metadata that disagrees with the name)."""
from __future__ import annotations

import io
import json
import tarfile
import zipfile

import pytest

from catalog.plugins.model import platform_label
from catalog.plugins.wagonarchives import WagonArchiveError, name_disagreements, read_wagon
from catalog.plugins.wagonnames import arch_of_platform, parse_wagon_filename
from plugins_fixtures.project import real_wagons


@pytest.mark.parametrize("filename, expected", [
    ("cloudify_aws_plugin-3.0.10-centos-Core-py36-none-linux_x86_64.wgn",
     ("cloudify_aws_plugin", "3.0.10", "centos-Core", ("py36",), "linux_x86_64", "centos", "core", "x86_64", False)),
    ("cloudify_aws_plugin-3.0.10-centos-altarch-py36-none-linux_aarch64.wgn",
     ("cloudify_aws_plugin", "3.0.10", "centos-altarch", ("py36",), "linux_aarch64", "centos", "altarch", "aarch64", False)),
    ("cloudify_azure_plugin-3.8.6-manylinux-py311-none-linux_x86_64.wgn",
     ("cloudify_azure_plugin", "3.8.6", "manylinux", ("py311",), "linux_x86_64", "manylinux", None, "x86_64", False)),
    ("cloudify_x_plugin-1.0-centos-Core-py27.py36-none-linux_x86_64.wgn",
     ("cloudify_x_plugin", "1.0", "centos-Core", ("py27", "py36"), "linux_x86_64", "centos", "core", "x86_64", False)),
    ("cloudify_echo_plugin-1.0.0-py3-none-any.wgn",
     ("cloudify_echo_plugin", "1.0.0", None, ("py3",), "any", None, None, "any", False)),
    ("cloudify_aws_plugin-1.4.10-py27-none-linux_x86_64-centos-Core.wgn",
     ("cloudify_aws_plugin", "1.4.10", None, ("py27",), "linux_x86_64", "centos", "core", "x86_64", True)),
    ("cloudify_psutil_plugin-1.0.2-py27-none-win32-none-none.wgn",
     ("cloudify_psutil_plugin", "1.0.2", None, ("py27",), "win32", None, None, "x86", True)),
])
def test_file_names_current_and_legacy(filename, expected):
    name = parse_wagon_filename(filename)
    assert (name.package, name.version, name.build_tag, name.python_tags, name.platform, name.distribution,
            name.release, name.arch, name.legacy) == expected


@pytest.mark.parametrize("filename, message", [
    ("cloudify_aws_plugin-3.0.10.tar.gz", "does not end with .wgn"),
    ("cloudify_aws_plugin-3.0.10-linux_x86_64.wgn", "is neither"),
    ("cloudify_aws_plugin-banana-py36-none-linux_x86_64.wgn", "not a PEP 440 version"),
])
def test_bad_file_names_say_what_is_wrong(filename, message):
    with pytest.raises(ValueError, match=message):
        parse_wagon_filename(filename)


def test_labels_are_what_the_clients_compare():
    # The console lower-cases the label and compares it with "{distribution} {release}".
    assert platform_label("centos", "core") == "Centos Core"
    assert platform_label("centos", "altarch") == "Centos AltArch"
    assert platform_label("redhat", "ootpa") == "Redhat Ootpa"
    assert platform_label("manylinux", None) == "manylinux"
    assert arch_of_platform("manylinux2014_aarch64") == "aarch64"
    assert arch_of_platform("plan9") is None


def test_real_tar_gz_and_zip_wagons_are_read_in_memory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # anything extracted would land here
    wagons = real_wagons()
    for (plugin, version, tag), (filename, data) in wagons.items():
        archive = read_wagon(data)
        assert archive.format == ("zip" if plugin == "cloudify-wait-plugin" else "tar.gz")
        assert archive.top_folder == plugin
        assert archive.package_json["package_version"] == version
        assert archive.package_json["package_build_tag"] == tag
        assert archive.size == len(data)
        assert name_disagreements(filename, parse_wagon_filename(filename), archive) == []
    assert list(tmp_path.iterdir()) == []


def _tar_gz(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _members(data: bytes) -> dict[str, bytes]:
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        return {m.name: tar.extractfile(m).read() for m in tar if m.isfile()}


def _echo() -> tuple[str, bytes]:
    return real_wagons()[("cloudify-echo-plugin", "1.0.0", "centos-Core")]


@pytest.mark.parametrize("cut", [0.3, 0.6, 0.95])
def test_truncated_tar_gz_is_a_clear_error(cut):
    _, data = _echo()
    with pytest.raises(WagonArchiveError, match="corrupt or truncated tar.gz archive"):
        read_wagon(data[: int(len(data) * cut)])


def test_corrupt_zip_is_a_clear_error():
    _, data = real_wagons()[("cloudify-wait-plugin", "0.1.0", "redhat-Ootpa")]
    with pytest.raises(WagonArchiveError, match="zip archive"):
        read_wagon(data[: len(data) // 2])
    flipped = bytearray(data)
    index = data.index(b".whl") + 40  # inside the compressed wheel: its CRC no longer matches
    flipped[index] ^= 0xFF
    with pytest.raises(WagonArchiveError, match="zip"):
        read_wagon(bytes(flipped))


@pytest.mark.parametrize("data, message", [
    (b"", "the file is empty"),
    (b"<html>Not Found</html>", "not a tar.gz or zip archive"),
])
def test_not_an_archive(data, message):
    with pytest.raises(WagonArchiveError, match=message):
        read_wagon(data)


def test_archive_shape_problems():
    with pytest.raises(WagonArchiveError, match="one top folder"):
        read_wagon(_tar_gz({"a/package.json": b"{}", "b/x": b""}))
    with pytest.raises(WagonArchiveError, match="no a/package.json"):
        read_wagon(_tar_gz({"a/wheels/x.whl": b""}))
    with pytest.raises(WagonArchiveError, match="not valid JSON"):
        read_wagon(_tar_gz({"a/package.json": b"{nope"}))


def test_renamed_wagon_disagreements_name_both_values():
    filename, data = _echo()
    renamed = filename.replace("1.0.0", "1.0.1").replace("centos-Core", "redhat-Maipo")
    problems = name_disagreements(renamed, parse_wagon_filename(renamed), read_wagon(data))
    text = "\n".join(problems)
    assert "file name says version '1.0.1' but package.json package_version is '1.0.0'" in text
    assert "file name says build tag 'redhat-Maipo' but package.json package_build_tag is 'centos-Core'" in text
    assert f"package.json archive_name is '{filename}'" in text


def test_edited_package_json_disagreements():
    filename, data = _echo()
    members = _members(data)
    meta = json.loads(members["cloudify-echo-plugin/package.json"])
    meta.update(supported_platform="linux_aarch64", supported_python_versions=["py36"], package_name="other-plugin")
    members["cloudify-echo-plugin/package.json"] = json.dumps(meta).encode()
    problems = name_disagreements(filename, parse_wagon_filename(filename), read_wagon(_tar_gz(members)))
    text = "\n".join(problems)
    assert "platform 'linux_x86_64' but package.json supported_platform is 'linux_aarch64'" in text
    assert "python 'py311' but package.json supported_python_versions is [\"py36\"]" in text
    assert "package 'cloudify_echo_plugin' but package.json package_name is 'other-plugin'" in text
    assert "top folder is 'cloudify-echo-plugin/' but package.json package_name is 'other-plugin'" in text


def test_legacy_wagon_checks_distribution_against_build_server():
    filename = "cloudify_echo_plugin-1.0.0-py27-none-linux_x86_64-centos-Core.wgn"
    meta = {"package_name": "cloudify-echo-plugin", "package_version": "1.0.0", "supported_platform": "linux_x86_64",
            "supported_python_versions": ["py27"], "archive_name": filename,
            "build_server_os_properties": {"distribution": "redhat", "distribution_release": "maipo"}}
    archive = read_wagon(_tar_gz({"cloudify-echo-plugin/package.json": json.dumps(meta).encode()}))
    problems = name_disagreements(filename, parse_wagon_filename(filename), archive)
    assert problems == [
        "file name says distribution 'centos' but package.json build_server_os_properties.distribution is 'redhat'",
        "file name says distribution_release 'core' but package.json build_server_os_properties.distribution_release "
        "is 'maipo'",
    ]


def test_zip_wagon_with_same_content_reads_the_same():
    filename, data = _echo()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in _members(data).items():
            archive.writestr(name, content)
    assert read_wagon(buffer.getvalue()).package_json == read_wagon(data).package_json
