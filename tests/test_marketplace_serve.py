"""`catalog serve` spoken to as the Cloudify manager and console do: the Marketplace name
lookup for a known, an unknown and a non-slug name, and wagon URLs that lead to the preview."""
from __future__ import annotations

import hashlib
import json
import urllib.parse
import urllib.request
from importlib import resources
from pathlib import Path
from typing import Iterator

import jsonschema
import pytest

from catalog.cli import main
from catalog.serve import LivePreview
from plugins_fixtures.project import wagon_project

PRODUCTION = "https://plugins.example.org/"


@pytest.fixture(scope="module")
def preview(tmp_path_factory) -> Iterator[LivePreview]:
    root = tmp_path_factory.mktemp("manager") / "site"
    assert main(["new", str(root)]) == 0
    config = root / "site.toml"
    config.write_text(config.read_text().replace('base_url = "/"', f'base_url = "{PRODUCTION}"'))
    page = root / "content" / "working_with" / "official_plugins" / "_index.md"
    page.parent.mkdir(parents=True)
    page.write_text("---\ntitle: Official plugins\n---\nThe list.\n")
    (page.parent.parent / "_index.md").write_text("---\ntitle: Working with\n---\n")
    wagon_project(root)
    live = LivePreview(root, port=0, settle=0.05, poll_timeout=2.0, say=lambda line: None).start()
    yield live
    live.close()


def schema(name: str) -> dict:
    return json.loads(resources.files("catalog.plugins").joinpath("schemas", name).read_text())


def fetch(url: str) -> tuple[int, str, bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:  # follows redirects, as requests does
        return response.status, response.headers["Content-Type"], response.read()


def manager_lookup(base: str, name: str) -> dict:
    """What the manager's resolver does: GET {marketplace}/plugins?name=NAME, then .json()."""
    status, kind, body = fetch(f"{base}/plugins?{urllib.parse.urlencode({'name': name})}")
    assert status == 200 and kind == "application/json; charset=utf-8", (name, status, kind)
    answer = json.loads(body)  # a JSONDecodeError here is what the manager used to hit
    jsonschema.validate(answer, schema("marketplace-search.schema.json"))
    return answer


def test_name_lookup_answers_json_of_the_marketplace_shape_for_every_name(preview):
    base = f"http://127.0.0.1:{preview.server.port}"
    known = manager_lookup(base, "cloudify-echo-plugin")
    assert [item["name"] for item in known["items"]] == ["cloudify-echo-plugin"]
    assert known["items"][0]["version"] == "2.0.0"
    for unknown in ("cloudify-nope-plugin", "Cloudify-Echo-Plugin", "nope_plugin", "../index", ""):
        assert manager_lookup(base, unknown) == {"items": []}, unknown


def test_the_preview_serves_client_files_with_its_own_address(preview):
    base = f"http://127.0.0.1:{preview.server.port}"
    _, kind, body = fetch(f"{base}/plugins/catalog")
    assert kind == "application/json; charset=utf-8"
    assert PRODUCTION.encode() not in body
    catalog = json.loads(body)
    jsonschema.validate(catalog, schema("marketplace-catalog.schema.json"))
    echo = next(entry for entry in catalog if entry["name"] == "cloudify-echo-plugin")
    urls = [wagon["url"] for wagon in echo["wagon_urls"]]
    assert urls and all(url.startswith(f"{base}/wagons/") for url in urls)
    # the URL works: the preview serves the wagon the index describes
    version = json.loads(fetch(f"{base}/plugins/cloudify-echo-plugin/2.0.0")[2])
    index = json.loads(fetch(f"{base}/index/v1/plugins/cloudify-echo-plugin.json")[2])
    digests = {w["filename"]: w["sha256"] for w in index["releases"][0]["wagons"]}
    for wagon in version["wagon_urls"]:
        assert wagon["url"].startswith(base + "/")
        data = fetch(wagon["url"])[2]
        assert hashlib.sha256(data).hexdigest() == digests[Path(urllib.parse.urlsplit(wagon["url"]).path).name]
    legacy = fetch(f"{base}/v2_plugins.json")[2]
    assert PRODUCTION.encode() not in legacy and f"{base}/wagons/".encode() in legacy
    # a page still names production where it means to (its canonical URL), untouched
    assert PRODUCTION.encode() in fetch(f"{base}/sitemap.xml")[2]
