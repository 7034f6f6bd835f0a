"""Markdown rendering: fixture files for the syntax, unit tests for the Python interface.

Fixture files (tests/fixtures/markdown/*.md) hold `title / . / input / . / expected / .`
blocks, as in markdown-it-py. After an intended output change, rewrite the expected
parts with:  UPDATE_FIXTURES=1 .venv/bin/python -m pytest tests/test_markdown.py
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from fixture_files import Fixture, read_fixtures

from catalog.anchors import assign_heading_ids
from catalog import pulldown
from catalog.markdown import Markdown, split_info

FIXTURES = Path(__file__).parent / "fixtures" / "markdown"
MD = Markdown()


def _update(path: Path) -> None:
    parts: list[str] = []
    for fixture in read_fixtures(path):
        parts.append(f"{fixture.title}\n.\n{fixture.source}.\n{MD.render(fixture.source)}.\n")
    path.write_text("\n".join(parts), encoding="utf-8")


if os.environ.get("UPDATE_FIXTURES"):
    for fixture_file in sorted(FIXTURES.glob("*.md")):
        _update(fixture_file)

ALL = [fixture for path in sorted(FIXTURES.glob("*.md")) for fixture in read_fixtures(path)]


@pytest.mark.parametrize("fixture", ALL, ids=[f"{f.path.stem}:{f.line}:{f.title}" for f in ALL])
def test_fixture(fixture: Fixture) -> None:
    assert MD.render(fixture.source) == fixture.expected


def test_fixture_files_are_read() -> None:
    # guards against a fixture file whose format silently yields no cases
    stems = {fixture.path.stem for fixture in ALL}
    assert {"extensions", "fences", "kramdown", "heading_attrs"} <= stems
    assert len(ALL) >= 30


def test_code_filter_replaces_placeholders_in_code_before_highlighting() -> None:
    text = "```yaml\nversion: ZCATSCABZ\n```\n\n    indented ZCATSCABZ\n\nprose ZCATSCABZ\n"
    html = MD.render(text, code_filter=lambda code: code.replace("ZCATSCABZ", "3.0.10"))
    # highlighting saw the value, so it is coloured as one YAML scalar, not split up
    assert '<span class="l l-Scalar l-Scalar-Plain">3.0.10</span>' in html
    assert "indented 3.0.10" in html
    # prose is not code: the pipeline swaps those placeholders itself
    assert "prose ZCATSCABZ" in html


def test_code_filter_output_is_escaped() -> None:
    html = MD.render("    PLACEHOLDER\n", code_filter=lambda code: code.replace("PLACEHOLDER", "<b>"))
    assert "<code>&lt;b&gt;\n</code>" in html


def test_bad_fence_option_is_reported_with_its_line_and_the_code_still_renders() -> None:
    text = "Intro\n\n```yaml {hl_line=2}\na: 1\n```\n"
    html = MD.render(text)
    assert 'data-lang="yaml"' in html and ">a</span>" in html
    assert len(MD.last_problems) == 1
    line, message = MD.last_problems[0]
    assert line == 2
    assert "hl_line" in message and "did you mean 'hl_lines'?" in message


def test_problems_are_reset_on_each_render() -> None:
    MD.render("```go {linenos=maybe}\nx\n```\n")
    assert MD.last_problems
    MD.render("fine\n")
    assert MD.last_problems == []


def test_stray_attribute_list_is_reported() -> None:
    html = MD.render("para\n\n{: .lost}\n\nnext\n")
    assert "lost" not in html
    assert MD.last_problems == [(2, "attribute list {: .lost} is not directly before or after a block; ignored")]


def test_attribute_values_are_escaped() -> None:
    html = MD.render('![a](b.png){: title="x &quot; <y>"}\n')
    assert 'title="x &amp;quot; &lt;y&gt;"' in html


def test_render_is_reusable_and_deterministic() -> None:
    text = (FIXTURES / "kramdown.md").read_text(encoding="utf-8")
    assert Markdown().render(text) == MD.render(text) == MD.render(text)


@pytest.mark.parametrize(
    ("info", "expected"),
    [
        ("yaml", ("yaml", "")),
        ('yaml {linenos=true, hl_lines=[2,"4-5"]}', ("yaml", 'linenos=true, hl_lines=[2,"4-5"]')),
        ("go{linenos=table}", ("go", "linenos=table")),
        ("{linenos=inline}", ("", "linenos=inline")),
        ("python extra words", ("python", "")),
        ("", ("", "")),
    ],
)
def test_split_info(info: str, expected: tuple[str, str]) -> None:
    assert split_info(info) == expected


def test_no_inline_styles_in_any_fixture_output() -> None:
    # the site runs under a Content-Security-Policy that blocks style attributes
    for fixture in ALL:
        assert "style=" not in MD.render(fixture.source), fixture.title


def _page_ids(text: str) -> tuple[str, list[str]]:
    page, headings = assign_heading_ids(MD.render(text))
    return page, [heading.id for heading in headings]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("## See [docs](x.md)\n", "see-docsxmd"),
        ("## The `code` thing\n", "the-code-thing"),
        ("## **Bold** move\n", "bold-move"),
        ("## Q&amp;A\n", "qampa"),  # the source, entity and all, as Goldmark reads it
        ("## Setup {.wide}\n", "setup"),
        ("## Setup {: .wide}\n", "setup"),
        ("## Setup {#install}\n", "install"),
        ("##\n", "heading"),
        ("Setext [link](a.md)\n===\n", "setext-linkamd"),
        ("First line\nsecond *line*\n---\n", "second-line"),  # Goldmark uses the last line
    ],
)
def test_heading_id_comes_from_the_markdown_source_like_goldmark(text: str, expected: str) -> None:
    page, ids = _page_ids(text)
    assert ids == [expected]
    assert "data-gid" not in page


def test_source_and_text_based_ids_dedup_in_document_order() -> None:
    text = "## See [docs](x.md)\n\n<h2>See docsxmd</h2>\n\n## See [docs](x.md)\n\nSee [docs](x.md)\n---\n"
    page, ids = _page_ids(text)
    assert ids == ["see-docsxmd", "see-docsxmd-1", "see-docsxmd-2", "see-docsxmd-3"]
    assert "data-gid" not in page


def test_heading_with_a_shortcode_placeholder_keeps_the_text_based_id() -> None:
    # render.py expands the placeholder before anchors run; Hugo sees the output there
    html = MD.render("## Install XQSCBZ today\n")
    assert "data-gid" not in html
    page, headings = assign_heading_ids(html.replace("XQSCBZ", "<code>v3.0</code>"))
    assert [h.id for h in headings] == ["install-v30-today"]


def test_no_data_gid_left_after_anchors_in_any_fixture() -> None:
    for fixture in ALL:
        page, _ = assign_heading_ids(MD.render(fixture.source))
        assert "data-gid" not in page, fixture.title


def test_a_small_text_rendered_again_is_parsed_once_with_the_same_html_and_problems(monkeypatch) -> None:
    md = Markdown()
    parses: list[str] = []
    original = type(md._md).parse
    monkeypatch.setattr(type(md._md), "parse", lambda self, src, env=None: parses.append(src) or original(self, src, env))
    fast = pulldown.render
    monkeypatch.setattr(pulldown, "render", lambda src, *args: parses.append(src) or fast(src, *args))
    text = "Intro *here*\n\n```yaml {hl_line=2}\na: 1\n```\n"
    first = md.render(text)
    first_problems = md.last_problems
    md.render("other\n")
    assert md.render(text) == first and md.last_problems == first_problems and len(first_problems) == 1
    assert parses == [text, "other\n"]
    assert md.render(text, kramdown=True) and parses[-1] == text  # another dialect: rendered again


def test_a_code_filter_is_applied_on_every_render_of_a_text_with_code() -> None:
    md = Markdown()
    text = "    PLACEHOLDER\n"
    assert "PLACEHOLDER" in md.render(text)  # kept without a filter...
    for word in ("one", "two"):  # ...never served to a render with one
        assert f"<code>{word}\n</code>" in md.render(text, code_filter=lambda code, w=word: code.replace("PLACEHOLDER", w))
    # a text without code renders the same whatever the filter: kept too
    assert md.render("no code\n", code_filter=str.upper) == md.render("no code\n", code_filter=str.lower) == \
        "<p>no code</p>\n"
