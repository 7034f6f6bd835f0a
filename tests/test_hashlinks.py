"""Hash-route links (`[text](#/developer_guide/index.html)`, the Alien4Cloud portal's),
followed to the page of that Jekyll URL when site.toml says `hash_links = true`."""
from __future__ import annotations

import re

import pytest

from catalog.build import build
from catalog.config import SiteConfig
from catalog.hashlinks import HashRoutes
from catalog.markdown import Markdown
from conftest import DEFAULT_CONFIG, REPO, build_ok
from test_fuzz_docs import _site, _slowest_ratio

CONFIG = DEFAULT_CONFIG + "hash_links = true\n"

PAGES = {
    "content/_index.md": "---\ntitle: Home\n---\n",
    "content/developer_guide/_index.md": "---\ntitle: Developer guide\nnode_name: developer_guide\nparent: []\n---\n"
                                         "## Plugin descriptor\n",
    "content/user_guide/index.md": "---\ntitle: User guide\n---\n",
    "content/user_guide/plugins.md": "---\ntitle: Plugins\n---\n",
    "content/moved.md": "---\ntitle: Moved\npermalink: /old/place.html\n---\n",
}


def hrefs(html: str, text: str) -> list[str]:
    return re.findall(rf'<a href="([^"]*)">{re.escape(text)}</a>', html)


@pytest.mark.parametrize("route, url", [
    ("#/developer_guide/index.html", "/developer_guide/"),  # a section's _index.md
    ("#/developer_guide/", "/developer_guide/"),
    ("#/user_guide/index.html", "/user_guide/"),  # a section's index.md
    ("#/user_guide/plugins.html", "/user_guide/plugins/"),
    ("#/developer_guide/index.html#plugin-descriptor", "/developer_guide/#plugin-descriptor"),
    ("#/old/place.html", "/moved/"),  # its permalink
    ("#/index.html", "/"),
])
def test_hash_route_links_point_at_the_page_of_that_jekyll_url(make_site, route, url):
    site = make_site({**PAGES, "content/p.md": f"---\ntitle: P\n---\nSee [the guide]({route}).\n"}, CONFIG)
    build_ok(site)
    assert hrefs(site.read("p/index.html"), "the guide") == [url]


def test_hash_route_in_raw_html_and_under_a_base_path(make_site):
    site = make_site({**PAGES, "content/p.md": '---\ntitle: P\n---\n<a href="#/user_guide/plugins.html">the guide</a>\n'
                                              "<a href='#/developer_guide/index.html'>quoted</a>\n\n"
                                              "and [one](#/7.0/user_guide/plugins.html) with the site's prefix\n"},
                     'title = "T"\nbase_url = "https://docs.example.org/7.0/"\nhash_links = true\n')
    build_ok(site)
    html = site.read("p/index.html")
    assert hrefs(html, "the guide") == ["/7.0/user_guide/plugins/"]
    assert hrefs(html, "one") == ["/7.0/user_guide/plugins/"]
    assert hrefs(html, "quoted") == ["/7.0/developer_guide/"]


def test_hash_route_naming_no_page_is_a_located_warning_with_a_suggestion(make_site):
    site = make_site({**PAGES, "content/p.md": "---\ntitle: P\n---\nFine: [a](#/developer_guide/index.html).\n\n"
                                              "Broken: [b](#/developer_guid/index.html) and [c](#/user_guide/plugin.html).\n"},
                     CONFIG)
    result = site.build()
    assert not result.report.failed()
    found = result.report.sorted()
    assert [(d.path, d.line, d.col, d.severity, d.code) for d in found] == [
        ("content/p.md", 6, 13, "warning", "hash-link-not-found"),
        ("content/p.md", 6, 50, "warning", "hash-link-not-found")]
    assert "'#/developer_guid/index.html'" in found[0].message
    assert found[0].hint == "did you mean '#/developer_guide/index.html'?"
    assert found[1].hint == "did you mean '#/user_guide/plugins.html'?"
    html = site.read("p/index.html")
    assert hrefs(html, "a") == ["/developer_guide/"] and hrefs(html, "b") == ["#/developer_guid/index.html"]
    assert site.build(strict=True).report.failed(strict=True)


def test_hash_route_fragment_is_checked_like_a_ref_fragment(make_site):
    site = make_site({**PAGES, "content/p.md": "---\ntitle: P\n---\n[x](#/developer_guide/index.html#plugin-descripter)\n"},
                     CONFIG)
    result = site.build()
    [d] = result.report.items
    assert (d.line, d.code, d.severity) == (4, "ref-fragment", "warning")
    assert d.hint == "did you mean 'plugin-descriptor'?"


def test_hash_routes_are_left_alone_unless_the_setting_is_on(make_site):
    site = make_site({**PAGES, "content/p.md": "---\ntitle: P\n---\n[x](#/developer_guide/index.html)\n"})
    build_ok(site)
    assert hrefs(site.read("p/index.html"), "x") == ["#/developer_guide/index.html"]


def test_hash_links_setting_must_be_a_boolean(make_site):
    site = make_site(PAGES, DEFAULT_CONFIG + 'hash_links = "yes"\n')
    result = site.build()
    [d] = result.report.items
    assert (d.path, d.line, d.code) == ("site.toml", 3, "config-type")
    assert "hash_links = true" in d.hint


def test_seed_page_links_to_the_developer_guide(tmp_path):
    # the sample site's Jekyll page, as the Alien4Cloud site has it (line 48)
    source = (REPO / "content/user_guide/plugin_management.md").read_text(encoding="utf-8").splitlines()
    assert source[47] == ("If you want to create new plugins for Alien 4 Cloud please refer to the "
                          "[developer guide](#/developer_guide/index.html).")
    result = build(REPO, out=tmp_path / "public", strict=True)
    assert not result.report.items, [d.format() for d in result.report.items]
    html = (tmp_path / "public/user_guide/plugin_management/index.html").read_text(encoding="utf-8")
    assert hrefs(html, "developer guide") == ["/developer_guide/"]
    guide = (tmp_path / "public/developer_guide/index.html").read_text(encoding="utf-8")
    assert "<title>Developer guide" in guide


def test_the_same_broken_route_twice_is_located_twice(make_site):
    site = make_site({**PAGES, "content/p.md": "---\ntitle: P\n---\n[a](#/gone.html)\n\n[b](#/gone.html)\n"}, CONFIG)
    result = site.build()
    assert [(d.line, d.col, d.code) for d in result.report.sorted()] == [
        (4, 5, "hash-link-not-found"), (6, 5, "hash-link-not-found")]


def test_following_hash_links_is_linear_in_the_page():
    routes = HashRoutes(_site(["a/x.md", "a/_index.md"]), SiteConfig())

    def page(n: int) -> tuple[str, str]:
        source = "".join(f"[l{i}](#/a/x.html#s{i}) [m](#/gone{i}.html)\n" for i in range(n))
        return Markdown().render(source), source

    ratio = _slowest_ratio(lambda pair: routes.rewrite(*pair), page, 300)
    assert ratio < 24, f"8x the links took {ratio:.0f}x the time"
