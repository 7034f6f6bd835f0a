"""page.html in Python (catalog/native_page.py) writes what Jinja writes from the packaged
templates, page by page, and stands aside for a project's own page.html or base.html.

Each site is built twice, with the Python page writer and with it switched off (Jinja
rendering the same templates), and every HTML file is compared byte for byte: the golden
site, the repository's sample site, DocDock's example site, and a site that uses every
branch of the templates (versions with the banner, both menus, escaping, table of contents
switches, description and canonical, the home page, a base path).
"""
from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest

from catalog.build import BuildOptions, build
from catalog.native_templates import TEMPLATE_SHA256
from catalog.theme import Theme
from conftest import SHARED

REPO = Path(__file__).resolve().parent.parent
CORPORA = SHARED / "corpora"

FEATURES_CONFIG = '''title = "Docs & <Co>"
base_url = "https://docs.example.org/6.4/"
version = "6.4"
language = "en-GB"
edit_url = "https://example.org/edit/{path}"

[[versions]]
label = "7.0"
url = "/7.0/"
latest = true

[[versions]]
label = "6.4 \\"old\\""
url = "/6.4/"

[[menus.main]]
name = "Guide <b>new</b>"
url = "/6.4/guide/"
title = "The \\"guide\\""
pre = "<i class='fa'></i>"
post = "<span>!</span>"

[[menus.main]]
name = "Blog"
url = "https://blog.example.org/?a=1&b=2"

[[menus.shortcuts]]
pre = "<h3>More</h3>"
name = "<i class='fa fa-github'></i> GitHub"
url = "https://github.com/example/docs"
title = "Source & issues"
weight = 10
'''

FEATURES = {
    "content/_index.md": '---\ntitle: "Docs & <Co>"\ndescription: "Home \\"page\\" & more"\n---\n## Start\nText.\n',
    "content/guide/_index.md": "---\ntitle: Guide\nweight: 1\n---\n# One\n## Two\n### Three\n",
    "content/guide/install.md": ('---\ntitle: "Install <fast> & \\"well\\""\nweight: 1\ndescription: "It\'s <easy>"\n'
                                 'canonical: "https://other.example.org/install/?x=1&y=2"\n---\n'
                                 "## Before & after\n### Deeper <code>\n#### Deepest\n## Again\n"),
    "content/guide/no-toc.md": "---\ntitle: No toc\nweight: 2\ntoc: false\n---\n## Hidden\n",
    "content/guide/disabled.md": "---\ntitle: Disabled\nweight: 3\ndisableToc: true\n---\n## Hidden\n",
    "content/guide/plain.md": "---\ntitle: Plain\nweight: 4\n---\nNo headings.\n",
    "content/hidden/_index.md": "---\ntitle: Hidden section\nhidden: true\n---\nText.\n",
    "content/hidden/leaf.md": "---\ntitle: Leaf\n---\n## Leaf heading\n",
}


def html_files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*.html"))}


def both_ways(project: Path, tmp_path: Path, monkeypatch) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """The site's HTML files written with the Python page writer, and with Jinja."""
    assert Theme(project, _config(project)).page_writer is not None  # the test's premise
    native = build(project, tmp_path / "native", BuildOptions(jobs=1))
    with monkeypatch.context() as patched:
        patched.setattr(Theme, "page_writer", property(lambda self: None))
        jinja = build(project, tmp_path / "jinja", BuildOptions(jobs=1))
    assert [d.format() for d in native.report.sorted()] == [d.format() for d in jinja.report.sorted()]
    return html_files(tmp_path / "native"), html_files(tmp_path / "jinja")


def _config(project: Path):
    from catalog.build import load_project_config
    from catalog.diagnostics import Report
    return load_project_config(project, Report())


def assert_same_pages(native: dict[str, bytes], jinja: dict[str, bytes], at_least: int) -> None:
    assert native.keys() == jinja.keys()
    assert len(native) >= at_least
    differ = [rel for rel in native if native[rel] != jinja[rel]]
    assert differ == []


def test_every_template_branch_matches_jinja(make_site, tmp_path, monkeypatch):
    site = make_site(FEATURES, FEATURES_CONFIG)
    native, jinja = both_ways(site.root, tmp_path, monkeypatch)
    assert_same_pages(native, jinja, 8)
    # the branches the comparison is meant to cover are there
    install = native["guide/install/index.html"].decode()
    assert 'class="version-banner"' in install and 'class="version-switcher"' in install
    assert 'class="menu-shortcuts"' in install and 'title="The &#34;guide&#34;"' in install
    assert "Install &lt;fast&gt; &amp; &#34;well&#34;" in install
    assert 'href="https://other.example.org/install/?x=1&amp;y=2"' in install
    assert 'class="toc-level-2"' in install and "edit-link" in install
    assert "has-toc" not in native["guide/no-toc/index.html"].decode()
    assert "has-toc" not in native["guide/disabled/index.html"].decode()
    assert 'class="toc-level-1"' in native["guide/index.html"].decode()  # level-1 headings: 1 and 2
    assert 'og:type" content="website"' in native["index.html"].decode()


def test_the_golden_site_matches_jinja(tmp_path, monkeypatch):
    project = tmp_path / "golden"
    shutil.copytree(REPO / "tests" / "golden" / "site", project)
    assert_same_pages(*both_ways(project, tmp_path, monkeypatch), 5)


def test_the_sample_site_matches_jinja(tmp_path, monkeypatch):
    project = tmp_path / "sample"
    project.mkdir()
    files = [rel for rel in subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True,
                                           check=True).stdout.splitlines() if not rel.startswith("tests/")]
    for rel in files:
        (project / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / rel, project / rel)
    assert_same_pages(*both_ways(project, tmp_path, monkeypatch), 40)


def test_docdocks_example_site_matches_jinja(tmp_path, monkeypatch):
    project = tmp_path / "docdock"
    shutil.copytree(CORPORA / "docdock" / "exampleSite", project, symlinks=True)
    assert_same_pages(*both_ways(project, tmp_path, monkeypatch), 30)


@pytest.mark.parametrize("template", ["page.html", "base.html", "partials/search.html"])
def test_a_projects_own_template_is_rendered_as_written(make_site, template):
    site = make_site(FEATURES, FEATURES_CONFIG)
    packaged = (REPO / "themes" / "default" / "layouts" / template).read_text()
    copy = site.root / "layouts" / template
    copy.parent.mkdir(parents=True, exist_ok=True)
    copy.write_text(packaged)
    assert Theme(site.root, _config(site.root)).page_writer is not None  # an unchanged copy: the same bytes
    copy.write_text(packaged.replace("</footer>", "<p>project edit</p></footer>", 1) if "</footer>" in packaged
                    else packaged.replace("</form>", "<p>project edit</p></form>"))
    assert Theme(site.root, _config(site.root)).page_writer is None
    result = site.build()
    assert not result.report.failed(False)
    assert "project edit" in site.read("guide/install/index.html")


@pytest.mark.parametrize("template", sorted(TEMPLATE_SHA256))
def test_the_stand_ins_are_written_from_the_repositorys_theme(template):
    """A template of themes/default edited without its stand-in: update the stand-in
    (native_page.py or native_shortcodes.py) to write what the template now writes, then
    the digest in native_templates.py; until then every site renders that template by Jinja."""
    data = (REPO / "themes" / "default" / "layouts" / template).read_bytes()
    assert hashlib.sha256(data).hexdigest() == TEMPLATE_SHA256[template]
