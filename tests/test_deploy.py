"""netlify.toml against the built sample site: the rules it declares point at real files."""
from __future__ import annotations

import json
import re
import tomllib

import pytest

from catalog.build import build
from catalog.plugins import rewrite_marketplace_query
from conftest import REPO


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("deploy") / "public"
    result = build(REPO, out=out)
    assert result.written
    return out


def test_netlify_builds_from_the_repo_and_publishes_public():
    config = tomllib.loads((REPO / "netlify.toml").read_text())
    assert config["build"]["publish"] == "public"
    assert "pip install ." in config["build"]["command"] and "catalog build" in config["build"]["command"]
    assert config["build"]["environment"]["PYTHON_VERSION"] >= "3.11"


def test_marketplace_query_rules_map_every_name_to_a_published_file(built):
    """_redirects (published by the build; Netlify reads it before netlify.toml) answers
    /plugins?name=X: each plugin's exact name first, then any other name with the empty answer."""
    assert not [r for r in tomllib.loads((REPO / "netlify.toml").read_text()).get("redirects", []) if r.get("query")]
    rules = [line.split() for line in (built / "_redirects").read_text().splitlines()
             if " name=" in line and not line.startswith("#")]
    exact = [rule for rule in rules if rule[1] != "name=:name"]
    names = sorted(path.stem for path in (built / "plugins/by-name").glob("*.json") if path.stem != "_none")
    assert sorted({rule[1].removeprefix("name=") for rule in exact}) == names
    for source, query, target, status in rules:
        assert source in ("/plugins", "/plugins/") and status == "200!"
        assert (built / target.lstrip("/")).is_file(), target
        # the preview server answers the same query with the same file
        name = query.removeprefix("name=")
        if name != ":name":
            assert rewrite_marketplace_query(source, {"name": [name]}) == target
    catch_all = rules[-2:]
    assert [rule[1] for rule in catch_all] == ["name=:name"] * 2  # last: Netlify applies the first match
    assert json.loads((built / catch_all[0][2].lstrip("/")).read_text()) == {"items": []}


def test_headers_file_gives_every_extensionless_marketplace_file_json(built):
    """_headers (Netlify, Cloudflare Pages): without it a static host serves /plugins/catalog
    as application/octet-stream, and the console's Getting Started rejects every plugin."""
    text = (built / "_headers").read_text()
    blocks = dict(re.findall(r"^(/\S+)\n  Content-Type: (.+)$", text, re.M))
    extensionless = sorted("/" + path.relative_to(built).as_posix() for path in (built / "plugins").rglob("*")
                           if path.is_file() and path.suffix not in (".html", ".json"))
    assert "/plugins/catalog" in extensionless and any(p.endswith("/versions") for p in extensionless)
    assert "/plugins/cloudify-aws-plugin/3.0.10" in extensionless  # a version: dots, but no extension
    assert sorted(blocks) == extensionless
    assert set(blocks.values()) == {"application/json; charset=utf-8"}


def test_every_redirects_rule_leads_to_a_published_file(built):
    lines = [line.split() for line in (built / "_redirects").read_text().splitlines()
             if line and not line.startswith("#")]
    aliases = [rule for rule in lines if rule[-1] == "301!"]
    assert len(aliases) >= 8
    for source, target, _ in aliases:
        assert (built / target.lstrip("/") / "index.html").is_file(), target
        assert (built / source.lstrip("/") / "index.html").is_file(), source  # the HTML page stays too
        assert source != target
    queries = [rule for rule in lines if rule[1] == "name=:name"]
    assert queries and all(rule[-1] == "200!" for rule in queries)  # forced: /plugins/ is also a page
    for source, _, target, _ in queries:
        assert (built / target.replace(":name", "cloudify-echo-plugin").lstrip("/")).is_file()


def test_a_wagon_that_runs_everywhere_is_any_in_the_legacy_catalogs(built):
    """The console that reads v2_plugins.json shows a wagon only when lower(name) is the manager's
    "{distribution} {release}" or "any": the echo plugin's py3-none-any wagon must say "any"."""
    for catalog in ("plugins.json", "v2_plugins.json"):
        echo = {e["name"]: e for e in json.loads((built / catalog).read_text())}["cloudify-echo-plugin"]
        names = {w["url"].rsplit("/", 1)[1]: w["name"] for w in echo["wagons"]}
        version = echo["version"]  # plugins.json: 1.0.0, the newest with a cloudify_dsl_1_3 file
        assert names[f"cloudify_echo_plugin-{version}-manylinux-py3-none-any.wgn"] == "any"
        assert all(name in ("any", "Centos Core", "Centos AltArch") for name in names.values())
    echo = {e["name"]: e for e in json.loads((built / "v2_plugins.json").read_text())}["cloudify-echo-plugin"]
    assert sorted(w["name"] for w in echo["wagons"]) == ["Centos AltArch", "Centos Core", "any"]
