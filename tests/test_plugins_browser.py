"""The catalog page in a real browser: catalog.js filters the cards by category and
platform, remembers the choice in the URL, and says when nothing matches."""
from __future__ import annotations

import shutil

import pytest

from browser import browser_page, serve
from plugins_fixtures.project import REPO, build_ok, publish

DOCS = {ref: "/docs/" for ref in (
    "working_with/official_plugins/aws.md", "working_with/official_plugins/azure.md",
    "working_with/official_plugins/kubernetes.md", "working_with/official_plugins/_index.md",
    "developer/writing_plugins/creating-your-own-plugin.md")}


@pytest.fixture(scope="module")
def catalog_site(tmp_path_factory):
    project = tmp_path_factory.mktemp("project")
    shutil.copytree(REPO / "plugins-index", project / "plugins-index")
    built = build_ok(project, base_url="/", docs=DOCS)
    root = publish(built.files, tmp_path_factory.mktemp("site"))
    (root / "js").mkdir()
    shutil.copy(REPO / "themes/default/static/js/catalog.js", root / "js/catalog.js")
    return root


def visible_cards(page) -> list[str]:
    return page.eval_on_selector_all(".plugin-card:not([hidden])", "cards => cards.map(c => c.id.slice(7))")


def test_filters_by_category_and_platform(catalog_site):
    with serve(catalog_site) as base, browser_page() as page:
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(f"{base}/plugins/")
        every = visible_cards(page)
        assert len(every) == 21
        assert page.locator("[data-catalog-count]").inner_text() == "21 plugins"

        page.select_option("select[name=category]", "containers")
        assert visible_cards(page) == ["cloudify-docker-plugin", "cloudify-helm-plugin", "cloudify-kubernetes-plugin"]

        page.select_option("select[name=category]", "")
        page.select_option("select[name=platform]", "manylinux-x86_64")
        assert visible_cards(page) == ["cloudify-azure-plugin", "cloudify-echo-plugin", "cloudify-wait-plugin"]
        assert page.locator("[data-catalog-count]").inner_text() == "3 of 21 plugins"
        assert "platform=manylinux-x86_64" in page.url

        page.select_option("select[name=category]", "containers")
        assert visible_cards(page) == []
        assert page.locator("[data-catalog-empty]").is_visible()

        page.goto(f"{base}/plugins/?category=utilities&platform=centos-altarch-aarch64")
        # the wait plugin has no aarch64 wagon at all
        assert visible_cards(page) == ["cloudify-echo-plugin", "cloudify-host-pool-plugin", "cloudify-utilities-plugin"]
        assert errors == []


def test_without_javascript_every_plugin_is_listed(catalog_site):
    (catalog_site / "js/catalog.js").rename(catalog_site / "js/catalog.js.off")
    try:
        with serve(catalog_site) as base, browser_page() as page:
            page.goto(f"{base}/plugins/")
            assert len(visible_cards(page)) == 21
            assert not page.locator("[data-catalog-filters]").is_visible()
    finally:
        (catalog_site / "js/catalog.js.off").rename(catalog_site / "js/catalog.js")
