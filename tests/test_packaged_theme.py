"""The default theme shipped in the package: used when a site has no themes/default/, with
the site's own theme, layouts/ and static/ still winning; and a docs-only site (no plugins
folder) that links to no catalog."""
from __future__ import annotations

import shutil
from pathlib import Path

import catalog.theme
from catalog.build import build
from catalog.render_cache import RenderCache
from catalog.check import check_site
from catalog.new import starter_files
from conftest import REPO, SiteBuilder, build_ok, write_files

PAGES = {"content/_index.md": "---\ntitle: Home\n---\nWelcome.\n",
         "content/guide/setup.md": "---\ntitle: Setup\n---\n{{% note %}}\nRead me.\n{{% /note %}}\n"}


def project_without_theme(root: Path, files: dict[str, str] | None = None) -> Path:
    write_files(root, {"site.toml": 'title = "Docs"\n', **PAGES, **(files or {})})
    return root


def published_css(public: Path) -> str:
    return next(public.glob("css/theme.*.css")).read_text()


def test_the_source_tree_theme_is_the_packaged_one():
    """In a checkout (and an editable install) the top-level themes/default is the packaged
    theme: the one source. tests/test_install.py checks the wheel's copy."""
    assert catalog.theme.packaged_theme() == REPO / "themes" / "default"


def test_packaged_theme_used_when_the_site_has_no_themes_folder(tmp_path):
    root = project_without_theme(tmp_path / "site")
    result = build(root, strict=True)
    assert [d.format() for d in result.report.items] == []
    assert published_css(root / "public") == (REPO / "themes/default/static/css/theme.css").read_text()
    assert 'class="callout callout-note"' in (root / "public/guide/setup/index.html").read_text()


def test_site_layouts_and_static_override_the_packaged_theme_file_by_file(tmp_path):
    root = project_without_theme(tmp_path / "site", {
        "layouts/404.html": '{% extends "base.html" %}{% block content %}<p>Lost at sea.</p>{% endblock %}\n',
        "layouts/shortcodes/note.html": '<aside class="mine">{{ inner.html }}</aside>\n',
        "static/css/theme.css": "body { color: teal; }\n",
    })
    build_ok(SiteBuilder(root))
    public = root / "public"
    assert "<p>Lost at sea.</p>" in (public / "404.html").read_text()
    assert '<aside class="mine">' in (public / "guide/setup/index.html").read_text()
    assert published_css(public) == "body { color: teal; }\n"
    assert list(public.glob("js/theme.*.js"))  # the files the site does not override still come from the theme


def test_a_site_theme_folder_wins_over_the_packaged_theme(tmp_path):
    root = project_without_theme(tmp_path / "site")
    shutil.copytree(REPO / "themes/default", root / "themes/default")
    (root / "themes/default/static/css/theme.css").write_text("main { margin: 0; }\n")
    assert not build(root).report.items
    assert published_css(root / "public") == "main { margin: 0; }\n"


def test_another_theme_name_is_not_replaced_by_the_packaged_one(tmp_path):
    root = project_without_theme(tmp_path / "site", {"site.toml": 'title = "Docs"\ntheme = "learn"\n'})
    result = build(root)
    assert [d.format() for d in result.report.items] == [
        "site.toml:1:1: error: theme 'learn' not found in themes/ [theme-missing]\n    hint: available themes: none"]
    assert not (root / "public").exists()


def test_cache_sees_an_edit_of_the_packaged_theme(tmp_path, monkeypatch):
    """The render cache keys pages on the theme's templates: a packaged theme edited in place
    (an editable install) must not leave pages rendered with the old template."""
    theme = tmp_path / "packaged"
    shutil.copytree(REPO / "themes/default", theme)
    monkeypatch.setattr(catalog.theme, "packaged_theme", lambda: theme)
    root = project_without_theme(tmp_path / "site")
    cache = RenderCache()
    assert build(root, cache=cache).written
    page = theme / "layouts/page.html"
    page.write_text(page.read_text().replace("{% block content %}", "{% block content %}<p>edited theme</p>", 1))
    shortcode = theme / "layouts/shortcodes/note.html"
    shortcode.write_text("<div class=\"edited-note\">{{ inner.html }}</div>\n")
    assert build(root, cache=cache).written
    html = (root / "public/guide/setup/index.html").read_text()
    assert "<p>edited theme</p>" in html and 'class="edited-note"' in html


def test_docs_only_site_links_to_no_catalog(tmp_path):
    """No plugins-index/: no Plugins entry in the header, no catalog link on the 404 page,
    and `catalog check` finds every link of the site resolving."""
    root = project_without_theme(tmp_path / "site")
    assert not build(root, strict=True).report.items
    public = root / "public"
    for rel in ["index.html", "guide/setup/index.html", "404.html"]:
        html = (public / rel).read_text()
        assert "plugins/" not in html and ">Plugins</a>" not in html, rel
        assert "search the docs;" in html
    assert not (public / "plugins").exists()
    assert check_site(public) == []


def test_a_plugins_folder_brings_the_header_link_back(tmp_path):
    plugin = "plugins-index/example-plugin.yaml"
    root = project_without_theme(tmp_path / "site", {plugin: starter_files()[plugin].decode().replace(
        "documentation: guide/install.md", "documentation: guide/setup.md")})
    assert build(root, cache=(cache := RenderCache())).written
    home = (root / "public/index.html").read_text()
    assert '<li><a href="/plugins/">Plugins</a></li>' in home
    assert check_site(root / "public") == []
    # removing the folder again: the cached pages must not keep the link
    shutil.rmtree(root / "plugins-index")
    assert build(root, cache=cache).written
    assert "/plugins/" not in (root / "public/index.html").read_text()
