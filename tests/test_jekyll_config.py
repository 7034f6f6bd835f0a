"""A Jekyll project builds with its `_config.yml`: title, url + baseurl, site params, the
one warning of Jekyll-only settings, and Jekyll's rule of where pages are."""
from __future__ import annotations

from pathlib import Path

from catalog.build import build
from catalog.diagnostics import Report
from catalog.sources import load_project_config
from test_hugo_config import hugo_project as project_with_theme

CONFIG = """\
title: Alien4Cloud
url: "https://alien4cloud.github.io"
baseurl: "/docs"
lang: fr
markdown: kramdown
highlighter: rouge
plugins: [jekyll-feed]
exclude: [notes.md, drafts]
author: The team
release:
  label: "3.5.0"
"""

PAGES = {
    "index.md": "---\nlayout: default\ntitle: Home\nnode_name: index\n---\nBy {{< param author >}}.\n",
    "documentation/getting_started/start.md": "---\nlayout: default\ntitle: Start\nparent: [index]\nnode_name: start\n"
                                              "weight: 1\n---\nVersion {{% param release.label %}}.\n",
    "documentation/about.markdown.md": "---\ntitle: About\n---\nAbout.\n",
    "README.md": "# Readme\n\nNo front matter: Jekyll copies it as it is.\n",
    "notes.md": "---\ntitle: Notes\n---\nexcluded by _config.yml\n",
    "drafts/wip.md": "---\ntitle: WIP\n---\nexcluded by _config.yml\n",
    "_site/index.md": "---\ntitle: Old output\n---\n",
    "_posts/2020-01-01-post.md": "---\ntitle: Post\n---\n",
    "_includes/part.md": "---\ntitle: Part\n---\n",
    "vendor/bundle/gem/doc.md": "---\ntitle: Gem doc\n---\n",
    "node_modules/pkg/readme.md": "---\ntitle: Package\n---\n",
}


def test_jekyll_config_is_read(tmp_path):
    project = project_with_theme(tmp_path / "site", {"_config.yml": CONFIG, **PAGES})
    report = Report()
    config = load_project_config(project, report)
    assert config is not None
    assert (config.title, config.base_url, config.base_path, config.language) == (
        "Alien4Cloud", "https://alien4cloud.github.io/docs/", "/docs/", "fr")
    # every other top-level key is a site param, as Jekyll's site.* variables
    assert config.params == {"author": "The team", "release": {"label": "3.5.0"}}
    assert config.content_dir == "." and config.front_matter_required
    [warning] = report.items
    assert (warning.path, warning.line, warning.code) == ("_config.yml", 5, "config-unused")
    assert warning.message.endswith("not used by catalog: markdown, highlighter, plugins")


def test_jekyll_pages_are_the_front_matter_files_outside_underscore_folders(tmp_path):
    project = project_with_theme(tmp_path / "site", {"_config.yml": CONFIG, **PAGES})
    result = build(project)
    assert [d.code for d in result.report.items] == ["config-unused"], [d.format() for d in result.report.items]
    built = sorted(str(p.relative_to(project / "public")) for p in (project / "public").rglob("index.html")
                   if "plugins" not in p.parts)
    # getting_started/ holds only a page that its `parent` hangs elsewhere: no empty section page
    # is made for it (Jekyll makes none for any folder)
    assert built == ["documentation/about.markdown/index.html", "documentation/getting_started/start/index.html",
                     "documentation/index.html", "index.html"]
    home = (project / "public/index.html").read_text()
    assert "By The team." in home and "<title>Home · Alien4Cloud</title>" in home
    start = (project / "public/documentation/getting_started/start/index.html").read_text()
    assert "Version 3.5.0." in start
    assert 'href="/docs/documentation/getting_started/start/"' in start  # baseurl is the site's path


def test_jekyll_name_is_the_title_and_a_bare_config_builds(tmp_path):
    project = project_with_theme(tmp_path / "site", {"_config.yml": "name: My docs\n",
                                                     "index.md": "---\ntitle: Home\n---\nHi\n"})
    result = build(project)
    assert not result.report.items and result.written
    assert "<title>Home · My docs</title>" in (project / "public/index.html").read_text()


def test_jekyll_config_errors_are_located(tmp_path):
    project = project_with_theme(tmp_path / "site", {"_config.yml": "title: [unclosed\n", "index.md": "---\n---\n"})
    [error] = build(project).report.items
    assert (error.path, error.code) == ("_config.yml", "config-syntax")
    project = project_with_theme(tmp_path / "other", {"_config.yml": "title: Docs\nlang: 3\n", "index.md": "---\n---\n"})
    [error] = build(project).report.items
    assert (error.path, error.line, error.code) == ("_config.yml", 2, "config-type")


def test_content_exclude_and_front_matter_required_in_site_toml(make_site):
    site = make_site({"content/a.md": "---\ntitle: A\n---\nA\n", "content/plain.md": "no front matter\n",
                      "content/skip/b.md": "---\ntitle: B\n---\nB\n", "content/_x/c.md": "---\ntitle: C\n---\n"},
                     'title = "T"\ncontent_exclude = ["skip", "_*"]\nfront_matter_required = true\n')
    result = site.build()
    assert not result.report.items, site.messages(result)
    assert site.exists("a/index.html")
    assert not site.exists("plain/index.html") and not site.exists("skip/b/index.html")
    assert not site.exists("_x/c/index.html")


def test_content_exclude_must_be_strings(tmp_path):
    (tmp_path / "site.toml").write_text('title = "T"\ncontent_exclude = ["a", 3]\n')
    report = Report()
    assert load_project_config(Path(tmp_path), report) is None
    [error] = report.items
    assert (error.line, error.code) == (2, "config-type") and "array of strings" in error.message
