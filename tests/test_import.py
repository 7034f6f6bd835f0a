"""`catalog import hugo|jekyll`: the written site.toml builds the very same site, and an
existing site.toml is kept unless --force."""
from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path

import pytest

from catalog.build import build
from catalog.cli import main
from catalog.diagnostics import Report
from catalog.sources import load_project_config
from test_hugo_config import CONFIG_DIR, CONTENT, TOML, YAML, hugo_project
from test_jekyll_config import CONFIG as JEKYLL_CONFIG, PAGES as JEKYLL_PAGES

HUGO_EXTRA = """\
relativeURLs = true
contentDir = "docs"
"""


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _same_site_after_import(project: Path, kind: str, capsys) -> str:
    before = build(project, out=project.parent / "before")
    assert before.written, [d.format() for d in before.report.items]
    config_before = load_project_config(project, Report())
    assert main(["import", kind, str(project)]) == 0
    assert "wrote" in capsys.readouterr().err
    text = (project / "site.toml").read_text()
    tomllib.loads(text)  # valid TOML
    after = build(project, out=project.parent / "after")
    assert after.written and not after.report.items, [d.format() for d in after.report.items]
    assert dataclasses.replace(load_project_config(project, Report()), source=None) == \
        dataclasses.replace(config_before, source=None)
    assert _files(project.parent / "after") == _files(project.parent / "before")  # byte for byte
    return text


@pytest.mark.parametrize("files", [
    {"config.toml": HUGO_EXTRA + TOML, **{k.replace("content/", "docs/"): v for k, v in CONTENT.items()}},
    {"hugo.yaml": YAML, **CONTENT},
    {**CONFIG_DIR, **CONTENT},
], ids=["toml", "yaml", "config-dir"])
def test_hugo_import_writes_a_site_toml_that_builds_the_same_site(tmp_path, files, capsys):
    project = hugo_project(tmp_path / "site", {**files, "layouts/shortcodes/gadget.html": "{{ .Get 0 }}\n"})
    text = _same_site_after_import(project, "hugo", capsys)
    assert text.startswith("# catalog's site configuration, written by `catalog import hugo`")
    assert "# Hugo settings catalog does not use (left out): theme, pygmentsStyle" in text
    assert 'layouts_dir = "catalog-layouts"' in text and "[[menus.shortcuts]]" in text
    assert 'edit_url = "https://github.com/o/r/edit/main/content/{file}"' in text
    # stable: importing again writes the same text
    assert main(["import", "hugo", str(project), "--force"]) == 0
    assert (project / "site.toml").read_text() == text


def test_jekyll_import_writes_a_site_toml_that_builds_the_same_site(tmp_path, capsys):
    project = hugo_project(tmp_path / "site", {"_config.yml": JEKYLL_CONFIG, **JEKYLL_PAGES})
    text = _same_site_after_import(project, "jekyll", capsys)
    assert 'content_dir = "."' in text and "front_matter_required = true" in text
    assert "# Jekyll settings catalog does not use (left out): markdown, highlighter, plugins" in text


def test_import_keeps_an_existing_site_toml_unless_forced(tmp_path, capsys):
    project = hugo_project(tmp_path / "site", {"config.toml": 'title = "Hugo"\n', **CONTENT,
                                               "site.toml": 'title = "Mine"\n'})
    assert main(["import", "hugo", str(project)]) == 1
    err = capsys.readouterr().err
    assert "site.toml exists already" in err and "--force" in err
    assert (project / "site.toml").read_text() == 'title = "Mine"\n'
    assert main(["import", "hugo", str(project), "--force"]) == 0
    assert 'title = "Hugo"' in (project / "site.toml").read_text()


def test_import_of_a_missing_or_broken_config_writes_nothing(tmp_path, capsys):
    project = hugo_project(tmp_path / "site", CONTENT)
    assert main(["import", "jekyll", str(project)]) == 1
    assert "no Jekyll configuration" in capsys.readouterr().err
    (project / "config.toml").write_text('title = 3\n')
    assert main(["import", "hugo", str(project)]) == 1
    err = capsys.readouterr().err
    assert "config.toml:1:1: error: 'title' must be a string" in err and not (project / "site.toml").exists()
