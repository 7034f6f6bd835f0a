"""Whole-site invariants: the golden site, all problems in one run, untouched output on
failure, byte-identical rebuilds."""
from __future__ import annotations

import hashlib
import os
import re
import shutil
from pathlib import Path

import pytest

from catalog.build import build
from conftest import REPO, build_ok

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("CATALOG_UPDATE_GOLDEN") == "1"


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def golden_project(tmp_path: Path) -> Path:
    project = tmp_path / "golden"
    shutil.copytree(GOLDEN / "site", project)
    (project / "themes").mkdir()
    (project / "themes" / "default").symlink_to(REPO / "themes" / "default", target_is_directory=True)
    return project


def test_golden_site(tmp_path):
    """The golden site's output, file by file. After an intended change, update it with
    CATALOG_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_site.py -k golden"""
    project = golden_project(tmp_path)
    result = build(project, strict=True)
    assert not result.report.items, [d.format() for d in result.report.items]
    actual = tree(project / "public")
    expected_dir = GOLDEN / "expected"
    if UPDATE:
        shutil.rmtree(expected_dir, ignore_errors=True)
        for rel, data in actual.items():
            (expected_dir / rel).parent.mkdir(parents=True, exist_ok=True)
            (expected_dir / rel).write_bytes(data)
    expected = tree(expected_dir)
    assert sorted(actual) == sorted(expected), "files added or missing; see the update command in the docstring"
    for rel in expected:
        assert actual[rel].decode("utf-8", "replace") == expected[rel].decode("utf-8", "replace"), rel


def test_golden_site_has_every_page_alias_and_asset(tmp_path):
    project = golden_project(tmp_path)
    build_ok_project = build(project)
    assert build_ok_project.written
    out = project / "public"
    for rel in ["index.html", "guide/index.html", "guide/install/index.html", "legacy/index.html",
                "legacy/tabs/index.html", "old-guide/index.html", "guide/legacy-install.html",
                "404.html", "_redirects", "sitemap.xml", "robots.txt"]:
        assert (out / rel).is_file(), rel
    page = (out / "guide/install/index.html").read_text()
    for asset in ["css/theme", "js/theme", "css/pygments"]:  # fingerprinted, and linked from the pages
        [published] = list(out.glob(asset + ".*"))
        assert re.fullmatch(r"[a-z]+\.[0-9a-f]{10}\.(css|js)", published.name)
        assert f'"/docs/{published.relative_to(out).as_posix()}"' in page
    redirects = (out / "_redirects").read_text().splitlines()
    assert "/docs/old-guide/ /docs/guide/ 301!" in redirects
    assert "<loc>https://golden.example.org/docs/guide/install/</loc>" in (out / "sitemap.xml").read_text()
    assert "Sitemap: https://golden.example.org/docs/sitemap.xml" in (out / "robots.txt").read_text()
    assert not (out / "guide/draft/index.html").exists()
    install = (out / "guide/install/index.html").read_text()
    assert 'id="upload-a-plugin"' in install and 'id="upload-a-plugin-1"' in install
    assert "/docs/guide/install/" in (out / "old-guide/index.html").read_text() or \
        "/docs/guide/" in (out / "old-guide/index.html").read_text()


def test_two_builds_are_byte_identical(tmp_path):
    project = golden_project(tmp_path)
    build(project, out=tmp_path / "one")
    build(project, out=tmp_path / "two")
    assert tree(tmp_path / "one") == tree(tmp_path / "two")


def test_sample_site_builds_without_any_diagnostic(tmp_path):
    """The repository's own sample site: no error, no warning, every page and alias."""
    result = build(REPO, out=tmp_path / "public", strict=True)
    assert not result.report.items, "\n".join(d.format() for d in result.report.sorted())
    assert result.pages > 20 and result.redirects >= 2


BROKEN = {
    "content/_index.md": "---\ntitle: Home\n---\n",
    "content/a.md": '---\ntitle: A\n---\nsee {{< relref "missing.md" >}}\n\n{{< warning >}}\nnever closed\n',
    "content/b.md": "---\ntitle: [broken\n---\n",
    "content/c.md": '---\ntitle: C\naliases: [/a/]\n---\n{{< parm manager >}} and {{< param nothing >}}\n',
    "content/d.md": '---\ntitle: D\n---\n[x]({{< relref "a.md#nowhere" >}})\n',
}


def test_broken_site_reports_everything_and_keeps_old_output(make_site):
    site = make_site({"content/_index.md": "---\ntitle: Home\n---\nGood\n"})
    build_ok(site)
    before = tree(site.root / "public")
    site.write(BROKEN)
    result = site.build()
    got = sorted((d.path, d.line, d.severity, d.code) for d in result.report.items)
    assert got == [
        ("content/a.md", 4, "error", "ref-not-found"),
        ("content/a.md", 6, "error", "shortcode-unclosed"),
        ("content/b.md", 2, "error", "front-matter-syntax"),
        ("content/c.md", 3, "error", "output-collision"),
        ("content/c.md", 5, "error", "param-missing"),
        ("content/c.md", 5, "error", "shortcode-unknown"),
        ("content/d.md", 4, "warning", "ref-fragment"),
    ]
    assert not result.written
    assert tree(site.root / "public") == before
    leftovers = [p.name for p in site.root.iterdir() if p.name.startswith(".public")]
    assert leftovers == []


def test_cli_prints_located_diagnostics_and_fails(make_site, capsys):
    from catalog.cli import main
    site = make_site(BROKEN)
    assert main(["build", "--project", str(site.root)]) == 1
    err = capsys.readouterr().err
    assert 'content/a.md:4:5: error: page reference "missing.md" not found [ref-not-found]' in err
    assert "    hint: " in err
    assert "build failed: 6 error(s)" in err


def test_publishing_rewrites_only_changed_files_and_matches_a_full_build(make_site, tmp_path):
    site = make_site({"content/_index.md": "---\ntitle: Home\n---\n",
                      "content/a.md": "---\ntitle: A\n---\none\n", "content/b.md": "---\ntitle: B\n---\ntwo\n",
                      "content/gone.md": "---\ntitle: Gone\n---\nx\n"})
    manifest = tmp_path / "manifest.json"
    first = build(site.root, manifest=manifest)
    assert first.files_written == first.files
    b_page = site.root / "public/b/index.html"
    before = b_page.stat().st_mtime_ns

    site.write({"content/a.md": "---\ntitle: A\n---\nedited\n"})
    second = build(site.root, manifest=manifest)
    # a's page and the search index: its manifest, the result shard with a's excerpt and
    # the term shard of its words ("edited" for "one"); nothing else changed
    assert second.files_written == 4
    assert b_page.stat().st_mtime_ns == before

    (site.root / "content/gone.md").unlink()  # every page's sidebar changes, and a folder goes
    build(site.root, manifest=manifest)
    assert not (site.root / "public/gone").exists()
    full = build(site.root, out=tmp_path / "full")
    assert tree(site.root / "public") == tree(tmp_path / "full")


def test_a_folder_changed_by_hand_is_replaced_whole(make_site, tmp_path):
    site = make_site({"content/_index.md": "---\ntitle: Home\n---\n"})
    manifest = tmp_path / "manifest.json"
    build(site.root, manifest=manifest)
    (site.root / "public/stray.html").write_text("left by hand")
    (site.root / "public/index.html").write_text("edited by hand")
    result = build(site.root, manifest=manifest)
    assert result.files_written == result.files
    assert not (site.root / "public/stray.html").exists()
    assert "edited by hand" not in (site.root / "public/index.html").read_text()


def test_an_alias_with_a_space_is_one_redirect_rule(make_site):
    # Netlify splits a _redirects line at spaces: the space is written as the browser sends it
    site = make_site({"content/_index.md": "---\ntitle: Home\n---\n",
                      "content/guide.md": "---\ntitle: Guide\naliases: [\"/old page/\"]\n---\nText\n"})
    result = build_ok(site)
    rules = (result.output / "_redirects").read_text().splitlines()
    assert "/old%20page/ /guide/ 301!" in rules
    assert all(len(rule.split()) == 3 for rule in rules if rule.endswith("301!"))
    assert (result.output / "old page" / "index.html").is_file()  # what a host serves for /old%20page/
