"""netlify.toml against the built sample site: the rules it declares point at real files."""
from __future__ import annotations

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


def test_marketplace_query_rule_maps_to_a_published_file(built):
    rules = tomllib.loads((REPO / "netlify.toml").read_text())["redirects"]
    query_rules = [r for r in rules if r.get("query") == {"name": ":name"}]
    assert {r["from"] for r in query_rules} == {"/plugins", "/plugins/"}
    for rule in query_rules:
        target = rule["to"].replace(":name", "cloudify-aws-plugin").lstrip("/")
        assert (built / target).is_file(), target
        assert rule["status"] == 200  # a rewrite: the client sees the JSON at /plugins?name=
        # the preview server answers the same query with the same file
        assert rewrite_marketplace_query(rule["from"], {"name": ["cloudify-aws-plugin"]}) == "/" + target


def test_json_headers_cover_the_extensionless_marketplace_files(built):
    headers = tomllib.loads((REPO / "netlify.toml").read_text())["headers"]
    patterns = {h["for"]: h["values"] for h in headers}
    assert (built / "plugins/catalog").is_file()
    assert patterns["/plugins/catalog"]["Content-Type"].startswith("application/json")
    assert any((built / "plugins").glob("*/versions"))
    assert patterns["/plugins/*/versions"]["Content-Type"].startswith("application/json")


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
