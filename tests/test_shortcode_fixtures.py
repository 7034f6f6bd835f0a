"""Shortcodes and Liquid tags as a site builds them: fixture files of `title / . / input /
. / expected / .` blocks (markdown-it-py's format, read with its own
`markdown_it.utils.read_fixture_file`), each input built as one page of a small site with
the default theme, whose page template is the one line `{{ page.content }}`, and its
HTML compared exactly with the expected part.

A fixture's diagnostics follow its HTML in the expected part, each one after `-- `,
located in the fixture's input (`input:LINE:COL`). After an intended output change,
rewrite the expected parts (and check the diff) with:
    UPDATE_FIXTURES=1 .venv/bin/python -m pytest tests/test_shortcode_fixtures.py
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from catalog.build import build

from conftest import REPO, write_files
from fixture_files import Fixture, read_fixtures

FIXTURES = Path(__file__).parent / "fixtures" / "shortcodes"
CONFIG = ('title = "Fixtures"\nbase_url = "https://docs.example.org/"\n'
          '[params]\nproduct = "Cloudify"\nmanager = "the site manager"\n')
# the pages the fixtures refer to (relref, children); the fixtures themselves go under fixtures/
SITE = {
    "layouts/page.html": "{{ page.content }}\n",
    "content/_index.md": "---\ntitle: Home\n---\n",
    "content/guide/_index.md": "---\ntitle: Guide\nweight: 1\n---\n",
    "content/guide/first.md": "---\ntitle: First steps\nweight: 1\ndescription: Install and run.\n---\nHello.\n",
    "content/guide/second.md": "---\ntitle: Second steps\nweight: 2\n---\n## Setup\n\nMore.\n",
    "content/fixtures/_index.md": "---\ntitle: Fixtures\nweight: 9\n---\n",
}
FRONT_MATTER = "---\ntitle: Fixture\nmanager: the page's manager\n---\n"
FRONT_MATTER_LINES = FRONT_MATTER.count("\n")
DIAGNOSTICS = "-- "   # marks a diagnostic line after a fixture's HTML


def page_of(fixture: Fixture) -> str:
    """The fixture's page, named for its file and line."""
    return f"{fixture.path.stem}-{fixture.line}"


ALL = [fixture for path in sorted(FIXTURES.glob("*.md")) for fixture in read_fixtures(path)]


def build_fixtures(root: Path, fixtures: list[Fixture]) -> dict[str, str]:
    """Each fixture's page HTML, then the diagnostics reported in it (located in the
    fixture's input: `input:LINE:COL`), by fixture page name. A diagnostic elsewhere fails."""
    (root / "themes").mkdir(parents=True)
    (root / "themes" / "default").symlink_to(REPO / "themes" / "default", target_is_directory=True)
    (root / "site.toml").write_text(CONFIG, encoding="utf-8")
    write_files(root, SITE)
    for fixture in fixtures:
        (root / "content" / "fixtures" / f"{page_of(fixture)}.md").write_text(FRONT_MATTER + fixture.source,
                                                                         encoding="utf-8")
    result = build(root)
    reported: dict[str, list[str]] = {}
    elsewhere = []
    for diagnostic in result.report.sorted():
        page = diagnostic.path.removeprefix("content/fixtures/").removesuffix(".md")
        if diagnostic.path != f"content/fixtures/{page}.md" or diagnostic.line <= FRONT_MATTER_LINES:
            elsewhere.append(diagnostic.format())
            continue
        shown = diagnostic.__class__("input", diagnostic.line - FRONT_MATTER_LINES, diagnostic.col,
                                     diagnostic.severity, diagnostic.code, diagnostic.message, diagnostic.hint)
        reported.setdefault(page, []).append(shown.format() + "\n")
    assert not elsewhere, "\n".join(elsewhere)
    # an error publishes nothing: fixtures show output, so they may warn but not fail
    assert result.written, "\n".join(d.format() for d in result.report.errors())
    return {page_of(fixture): (root / "public" / "fixtures" / page_of(fixture) / "index.html").read_text(encoding="utf-8")
            + "".join(DIAGNOSTICS + line for line in reported.get(page_of(fixture), []))
            for fixture in fixtures}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    outputs = build_fixtures(tmp_path_factory.mktemp("fixtures") / "site", ALL)
    if os.environ.get("UPDATE_FIXTURES"):
        for path in sorted(FIXTURES.glob("*.md")):
            parts = [f"{f.title}\n.\n{f.source}.\n{outputs[page_of(f)]}.\n" for f in read_fixtures(path)]
            path.write_text("\n".join(parts), encoding="utf-8")
    return outputs


@pytest.mark.parametrize("fixture", ALL, ids=[f"{f.path.stem}:{f.line}:{f.title}" for f in ALL])
def test_fixture(fixture: Fixture, built: dict[str, str]) -> None:
    if os.environ.get("UPDATE_FIXTURES"):
        pytest.skip("expected output rewritten: check the diff, then run again without UPDATE_FIXTURES")
    assert built[page_of(fixture)] == fixture.expected


def test_fixture_files_are_read() -> None:
    # guards against a fixture file whose format silently yields no cases, or no expected output
    assert {f.path.stem for f in ALL} >= {"admonitions", "blocks", "pages", "liquid"}
    assert len(ALL) >= 20
    assert all(f.source and f.expected for f in ALL)
