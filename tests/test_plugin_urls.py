"""Hosted files are linked by their own name, percent-encoded: a wagon or yaml file named
with '#', '?' or '%2F' is published under that name and every URL of it (our index, the
legacy files, the Marketplace files, the plugin page) leads to it."""
from __future__ import annotations

import hashlib
import io
import json
import re
import tarfile
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from catalog.check import check
from catalog.plugins.model import url_path
from catalog.plugins.resolver import download, resolve
from conftest import build_ok

# build tags are free text to wagon, so these names are what `wagon create` could give
ODD_TAGS = {"manylinux#a": "any", "manylinux?b": "linux_x86_64", "manylinux%2Fc": "linux_aarch64"}
YAML_NAME = "plugin #1?.yaml"


def synthetic_wagon(tag: str, platform: str) -> tuple[str, bytes]:
    """A wagon whose package.json agrees with its file name (the build checks both)."""
    name = f"cloudify_echo_plugin-1.0.0-{tag}-py3-none-{platform}.wgn"
    meta = {"package_name": "cloudify_echo_plugin", "package_version": "1.0.0", "supported_platform": platform,
            "supported_python_versions": ["py3"], "package_build_tag": tag, "archive_name": name,
            "build_server_os_properties": {}, "wheels": []}
    raw = json.dumps(meta).encode()
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        info = tarfile.TarInfo("cloudify_echo_plugin/package.json")
        info.size, info.mtime = len(raw), 0
        tar.addfile(info, io.BytesIO(raw))
    return name, buffer.getvalue()


@pytest.fixture
def odd_site(make_site):
    files: dict[str, str | bytes] = {"content/_index.md": "---\ntitle: Home\n---\nHome.\n",
                                     f"plugins-index/w/{YAML_NAME}": "plugins: {}\n"}
    entries = ""
    for tag, platform in ODD_TAGS.items():
        name, data = synthetic_wagon(tag, platform)
        files[f"plugins-index/w/{name}"] = data
        entries += f"      - path: {json.dumps('w/' + name)}\n"
    files["plugins-index/cloudify-echo-plugin.yaml"] = (
        "name: cloudify-echo-plugin\ntitle: Echo\ndescription: Echo.\nreleases:\n"
        "  - version: 1.0.0\n    date: 2023-01-02\n    yaml_files:\n      - dsl_version: cloudify_dsl_1_4\n"
        f"        path: {json.dumps('w/' + YAML_NAME)}\n    wagons:\n" + entries)
    site = make_site(files)
    build_ok(site)
    return site.root / "public"


HOSTED = [f"wagons/cloudify-echo-plugin/1.0.0/{synthetic_wagon(t, p)[0]}" for t, p in ODD_TAGS.items()] + [
    f"wagons/cloudify-echo-plugin/1.0.0/{YAML_NAME}"]


def test_url_path_encodes_each_segment():
    assert url_path("wagons/p/1.0+local/a#b?c%2Fd e.wgn") == "wagons/p/1.0+local/a%23b%3Fc%252Fd%20e.wgn"
    assert url_path("../x:y/ok-1_2.~.wgn") == "../x%3Ay/ok-1_2.~.wgn"


def test_odd_file_names_are_published_and_linked_as_themselves(odd_site):
    for path in HOSTED:
        assert (odd_site / path).is_file(), path
    assert check(odd_site).diagnostics == []

    def lands_on(url: str, base: str) -> str:
        """The site file a URL names, as a host decodes it."""
        parts = urlsplit(urljoin(base, url))
        assert not parts.query and not parts.fragment, url
        return unquote(parts.path).lstrip("/")

    legacy = json.loads((odd_site / "v2_plugins.json").read_text())[0]
    marketplace = json.loads((odd_site / "plugins/catalog").read_text())[0]
    own = json.loads((odd_site / "index/v1/plugins/cloudify-echo-plugin.json").read_text())["releases"][0]
    page = (odd_site / "plugins/cloudify-echo-plugin/index.html").read_text()
    site = "https://docs.example.org/"
    own_base = site + "index/v1/plugins/cloudify-echo-plugin.json"
    expected = sorted(HOSTED)
    assert sorted([lands_on(w["url"], site) for w in legacy["wagons"]] + [lands_on(legacy["yaml"], site)]) == expected
    assert sorted(lands_on(w["md5url"], site) for w in legacy["wagons"]) == sorted(p + ".md5" for p in HOSTED[:3])
    assert sorted([lands_on(w["url"], site) for w in marketplace["wagon_urls"]]
                  + [lands_on(y["url"], site) for y in marketplace["yaml_urls"]]) == expected
    assert sorted(lands_on(f["url"], own_base) for f in own["wagons"] + own["yaml_files"]) == expected
    links = re.findall(r'href="(/wagons/[^"]*)"', page)
    assert sorted(lands_on(link, site) for link in links) == expected


def test_a_client_downloads_a_wagon_named_with_a_hash(odd_site, tmp_path):
    resolution = resolve("cloudify-echo-plugin", manager_version="7.0.0", distribution="rhel", release="9",
                         arch="x86_64", python_tag="py3", index=str(odd_site))
    assert resolution.wagon.filename == "cloudify_echo_plugin-1.0.0-manylinux#a-py3-none-any.wgn"
    got = download(resolution, tmp_path / "dl")
    assert sorted(p.name for p in got) == sorted([resolution.wagon.filename, YAML_NAME])
    hosted = odd_site / HOSTED[0]
    assert hashlib.sha256((tmp_path / "dl" / resolution.wagon.filename).read_bytes()).hexdigest() == \
        hashlib.sha256(hosted.read_bytes()).hexdigest()
