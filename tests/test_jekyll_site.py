"""A documentation set written for Jekyll 2 + kramdown in the Alien4Cloud style
(tests/fixtures/jekyll_site): parent/node_name tree, Liquid block tags, kramdown attribute
lists and block HTML, '#/...' portal links, and the mistakes such sites carry. It builds
as Jekyll builds it: every page, with a located warning for each mistake."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from catalog.build import BuildResult, build
from conftest import REPO

FIXTURE = Path(__file__).parent / "fixtures" / "jekyll_site"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, BuildResult]:
    project = tmp_path_factory.mktemp("jekyll") / "site"
    shutil.copytree(FIXTURE, project)
    (project / "themes").mkdir()
    (project / "themes" / "default").symlink_to(REPO / "themes" / "default", target_is_directory=True)
    return project / "public", build(project)


def body(out: Path, rel: str) -> str:
    html = (out / rel).read_text(encoding="utf-8")
    start = html.index('class="page-body"')
    return html[start: html.index("</article>", start)]


def nav(out: Path, rel: str) -> list[tuple[int, str]]:
    """(depth, title) of each sidebar entry of a page (the sidebar opens the page's ancestors)."""
    html = (out / rel).read_text(encoding="utf-8")
    html = html[html.index("<nav"): html.index("</nav>")]
    entries, depth = [], 0
    for match in re.finditer(r'<ul class="nav-tree[^"]*"|</ul>|<a href="[^"]*"[^>]*>([^<]+)</a>', html):
        if match.group().startswith("<ul"):
            depth += 1
        elif match.group() == "</ul>":
            depth -= 1
        else:
            entries.append((depth, match.group(1).strip()))
    return entries


def test_builds_with_one_located_warning_per_mistake(built):
    out, result = built
    assert not result.report.failed() and result.written
    assert [(d.path, d.line, d.col, d.severity, d.code) for d in result.report.sorted()] == [
        ("content/admin_guide/advanced_configuration.md", 20, 1, "warning", "liquid-tag-name"),
        ("content/concepts/concepts.md", 14, 15, "warning", "hash-link-not-found"),
        ("content/devops_guide/tosca_grammar/node_template.md", 6, 1, "warning", "parent-not-found"),
        ("content/user_guide/application_deployment.md", 26, 48, "warning", "hash-link-not-found"),
        ("content/user_guide/topology_editor_workflows.md", 6, 1, "warning", "parent-not-found"),
    ]
    hints = [d.hint for d in result.report.sorted()]
    assert hints[1] == "did you mean '#/documentation/3.0.0/concepts/concepts.html'?"


def test_sidebar_is_the_parent_node_name_tree_without_empty_folders(built):
    out, _ = built
    assert nav(out, "index.html") == [
        (1, "Documentation"), (1, "Getting started"), (1, "Concepts"),
        (1, "Node template"),  # its parents are missing: at the top
        (1, "User guide"), (1, "Admin guide"),
    ]
    assert nav(out, "user_guide/application_deployment/index.html") == [
        (1, "Documentation"), (1, "Getting started"), (1, "Concepts"), (1, "Node template"),
        (1, "User guide"), (2, "Applications"), (3, "Deploy an environment"),
        (2, "Workflows"),  # its parent topology_editor is missing: under user_guide, the next one up
        (1, "Admin guide"),
    ]
    assert not (out / "admin_guide/index.html").exists()  # the folder is no page of the Jekyll site


def test_portal_links_point_at_pages(built):
    out, _ = built
    home = body(out, "index.html")
    assert '<a href="/documentation/3.0.0/getting_started/getting_started/">getting started guide</a>' in home
    # to a heading by the id kramdown gave it (the fragment is checked: no warning)
    assert '<a href="/documentation/3.0.0/getting_started/getting_started/#get-the-orchestratordist-archive">' in home
    started = body(out, "getting_started/getting_started/index.html")
    assert '<h1 id="get-the-orchestratordist-archive">1. Get the orchestrator_dist archive</h1>' in started
    deploy = body(out, "user_guide/application_deployment/index.html")
    assert '<a href="/documentation/3.0.0/concepts/services/">more about services</a>' in deploy
    assert '<a href="#/documentation/3.0.0/user_guide/application_runtime.html">' in deploy  # no such page
    apps = body(out, "user_guide/application_management/index.html")
    assert 'href="/documentation/3.0.0/user_guide/application_deployment/#inputs"' in apps


def test_callouts_tabs_code_and_attribute_lists(built):
    out, _ = built
    workflows = body(out, "user_guide/topology_editor_workflows/index.html")
    info = workflows[workflows.index("callout-info"):workflows.index("callout-warning")]
    assert "<h5" in info and "<p>An abstract node gets a <strong>delegate</strong> step" in info
    warning = workflows[workflows.index("callout-warning"):]
    assert '<a href="/documentation/3.0.0/concepts/services/">services</a>' in warning
    assert '<a href="../../images/wf-edition.png" target="_blank"><img' in warning
    config = body(out, "admin_guide/advanced_configuration/index.html")
    tuning = config[config.index("callout-info"):]
    assert 'href="/documentation/3.0.0/admin_guide/advanced_configuration/#jvm-options"' in tuning
    assert "²" not in config and "{%" not in config
    assert 'class="language-bash"' in config and '<table class="table table-bordered">' in config
    started = body(out, "getting_started/getting_started/index.html")
    assert [t.strip() for t in re.findall(r'role="tab"[^>]*>([^<]+)<', started)] == ["Linux", "Docker"]
    assert started.count('class="language-bash"') == 2
    deploy = body(out, "user_guide/application_deployment/index.html")
    assert re.search(r'<img src="[^"]*secret_button.png" alt="secret" height="26px" class="inline" />', deploy)
