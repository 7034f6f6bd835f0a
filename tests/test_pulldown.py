"""The fast Markdown path (catalog/pulldown.py) against the reference (markdown-it-py, as
catalog/markdown.py configures it): wherever the fast path accepts a text, the bytes are the
same; where the engines' dialects differ, it declines and the page is rendered by the
reference. Checked on the CommonMark spec, markdown-it's own fixtures, the real corpora,
random documents and hypothesis' texts; and it must accept the ordinary pages, or it would
be correct and useless."""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog import pulldown
from catalog.engine_differences import Declined, delimiter_rows
from catalog.kramdown import PROBLEMS_KEY
from catalog.kramdown_html import KRAMDOWN_KEY
from catalog.markdown import Markdown
from catalog.pulldown_walk import Walk

from conftest import SHARED
from markdown_samples import document

TESTS = Path(__file__).resolve().parent
FIXTURES = TESTS / "fixtures" / "markdown_it"
CORPORA = SHARED / "corpora"  # ../shared/ beside the checkout, wherever it is cloned
REFERENCE = Markdown()._md


def reference(text: str, code_filter: Callable[[str], str] | None = None,
              kramdown: bool = False) -> tuple[str, list[Any]]:
    problems: list[Any] = []
    env = {"catalog_code_filter": code_filter, PROBLEMS_KEY: problems, KRAMDOWN_KEY: kramdown}
    return REFERENCE.render(text, env), sorted(problems)


def fast(text: str, code_filter: Callable[[str], str] | None = None,
         kramdown: bool = False) -> tuple[str | None, list[Any]]:
    problems: list[Any] = []
    html = pulldown.render(text, code_filter, problems, kramdown)
    return html, sorted(problems)


def differences(texts: list[tuple[str, str]], kramdown: bool = False) -> tuple[list[str], int]:
    """(the names whose fast output differs from the reference's, how many were accepted)."""
    wrong, accepted = [], 0
    for name, text in texts:
        html, problems = fast(text, kramdown=kramdown)
        if html is None:
            continue
        accepted += 1
        if (html, problems) != reference(text, kramdown=kramdown):
            wrong.append(name)
    return wrong, accepted


def fixture_examples(path: Path) -> list[tuple[str, str]]:
    # markdown-it's fixture format: title, ".", Markdown, ".", HTML, "."
    parts = re.split(r"^\.$\n?", path.read_text(encoding="utf-8"), flags=re.M)
    return [(f"{path.name}#{n}", parts[i]) for n, i in enumerate(range(1, len(parts) - 1, 3))]


def test_pyromark_is_installed_where_the_tests_run() -> None:
    # without it every page takes markdown-it-py: correct, and these tests would prove nothing
    assert pulldown.AVAILABLE


def test_the_commonmark_spec_examples_render_the_same_and_nearly_all_take_the_fast_path() -> None:
    examples = json.loads((FIXTURES / "commonmark_spec.json").read_text(encoding="utf-8"))
    wrong, accepted = differences([(f"example {e['example']}", e["markdown"]) for e in examples])
    assert wrong == []
    assert accepted >= 0.9 * len(examples)


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.md") if p.name != "README.md"))
def test_markdown_it_fixtures_render_the_same_or_are_declined(name: str) -> None:
    wrong, _ = differences(fixture_examples(FIXTURES / name))
    assert wrong == []


def test_real_documentation_renders_the_same_and_takes_the_fast_path() -> None:
    pages = [p for p in CORPORA.rglob("*.md")] + list((TESTS.parent / "content").rglob("*.md"))
    pages += list((TESTS / "fixtures" / "markdown").glob("*.md"))
    assert len(pages) > 100
    wrong, accepted = differences([(str(p), p.read_text(encoding="utf-8", errors="replace")) for p in pages])
    assert wrong == []
    assert accepted >= 0.85 * len(pages)


def test_random_documents_render_the_same_or_are_declined() -> None:
    wrong, accepted = differences([(f"seed {seed}", document(seed)) for seed in range(2500)])
    assert wrong == [], [document(int(name.split()[1])) for name in wrong[:3]]
    assert accepted >= 1200  # the documents are hostile on purpose; most still take the fast path


def test_jekyll_pages_render_as_kramdown_reads_them_or_are_declined() -> None:
    # a Jekyll page's Markdown: heading ids as kramdown makes them, HTML blocks to their end tag
    wrong, accepted = differences([(f"seed {seed}", document(seed)) for seed in range(1500)], kramdown=True)
    assert wrong == [], [document(int(name.split()[1])) for name in wrong[:3]]
    assert accepted >= 400
    pages = list((TESTS / "fixtures" / "markdown").glob("*.md")) + list((TESTS.parent / "content").rglob("*.md"))
    wrong, accepted = differences([(str(p), p.read_text(encoding="utf-8")) for p in pages], kramdown=True)
    assert wrong == [] and accepted >= 0.5 * len(pages)
    html, _ = fast("## 2. Set up_now\n\nText.\n", kramdown=True)
    assert html == '<h2 data-gid="set-upnow">2. Set up_now</h2>\n<p>Text.</p>\n'  # Goldmark's: 2-set-up_now
    assert fast("<div>\n*a*\n\n</div>\n", kramdown=True)[0] is None  # kramdown's HTML block: declined


_PIECES = st.sampled_from(
    list("*_[]()!<>#|-:~`\\ \n\t&;\"'/=.{}") + [
        "a", "é", "\n\n", "    ", "> ", "- ", "1. ", "```", "~~~", "<div>", "</div>", "&amp;", "&#1;", "http://x",
        "<!--", "-->", "***", "| a | b |\n|---|---|\n", "[x]: /u\n", "![x](y)", "[x](y)", "XQSCYABZ", "<span>",
        "  \n", "===", "---", "\t- ", "  - ", "\n\t", "\n  ", "\n   ", "1) ", "\n> - ", "\n    - ",
        "```go\n\tx\n```\n", "\n\n  ", "\t\t",
    ]
)


@settings(max_examples=1500, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(_PIECES, max_size=40).map("".join), st.booleans())
def test_any_text_renders_the_same_or_is_declined(text: str, kramdown: bool) -> None:
    html, problems = fast(text, kramdown=kramdown)
    if html is not None:
        assert (html, problems) == reference(text, kramdown=kramdown)


@pytest.mark.parametrize("text", [
    "## See [docs](x.md)\n",  # Goldmark's id base comes from the source: see-docsxmd
    "Title\nsecond line\n=====\n",
    "## Install XQSCBZ today\n",  # a shortcode's placeholder: no id base
    "#\n",
    "```yaml {linenos=true, hl_lines=[2]}\na: 1\nb: 2\n```\n",
    "```yaml {hl_line=2}\na: 1\n```\n",  # a typo in the options: a problem on the fence's line
    "intro\r\n\r\n```python\r\nx = 1\r\n```\r\n",
    "| a | b |\n|:--|--:|\n| 1 | 2 |\n",
    "Café\n\n| é | b |\n|---|---|\n| c | d |\n\nü | b\n--|--\n",  # the tables' rows: bytes and characters apart
    "- a\n- b\n\n  c\n",
    "> quote\n> ```sh\n> echo x\n> ```\n",
])
def test_documentation_constructs_take_the_fast_path_with_the_reference_bytes(text: str) -> None:
    html, problems = fast(text)
    assert html is not None
    assert (html, problems) == reference(text)


def test_the_id_base_and_the_option_problem_come_from_the_source() -> None:
    html, _ = fast("## See [docs](x.md)\n")
    assert html == '<h2 data-gid="see-docsxmd">See <a href="x.md">docs</a></h2>\n'
    _, problems = fast("text\n\n```yaml {hl_line=2}\na: 1\n```\n")
    assert [line for line, _ in problems] == [2]


def test_a_code_filter_rewrites_code_blocks_on_the_fast_path() -> None:
    def shout(code: str) -> str:
        return code.replace("PLACEHOLDER", "v3.0")

    for text in ("```sh\necho PLACEHOLDER\n```\n", "    echo PLACEHOLDER\n"):
        html, _ = fast(text, shout)
        assert html is not None and "v3.0" in html and "PLACEHOLDER" not in html
        assert html == reference(text, shout)[0]


@pytest.mark.parametrize("text", [
    "Para\n{: .note}\n",  # kramdown's block IAL: markdown.py's plugin
    "## Title {#custom}\n",  # Goldmark's heading attributes
    "x ~y~ z\n",  # GFM's single tilde: markdown-it keeps it as text
    "[a](javascript:alert(1))\n",  # markdown-it refuses the URL
    "[r]: javascript:alert(1)\n",
    "| a |\n|---|\n|\n",
    "foo\t\nbar\n",
])
def test_texts_the_engines_read_differently_are_declined(text: str) -> None:
    assert fast(text)[0] is None


def test_declined_texts_render_through_markdown_it_with_their_dialect() -> None:
    md = Markdown()
    assert md.render("Para\n{: .note}\n") == '<p class="note">Para</p>\n'
    assert 'id="custom"' in md.render("## Title {#custom}\n")


def test_without_pyromark_every_text_renders_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [document(seed) for seed in range(200)]
    with_fast = [Markdown().render(text) for text in texts]
    monkeypatch.setattr(pulldown, "pyromark", None)
    assert [Markdown().render(text) for text in texts] == with_fast


def test_the_walk_fails_only_by_declining() -> None:
    # render() turns any other exception into a decline, so a build never fails on it; here
    # such an exception is a bug to see
    for seed in range(600):
        text = document(seed)
        try:
            Walk(text, None, []).run(pulldown.events(text))
        except Declined:
            pass


def test_a_page_of_many_fences_takes_the_fast_path_faster_than_markdown_it() -> None:
    # each fence's line was counted from the text's start: quadratic, 50,000 fences took
    # 13 s where markdown-it-py takes 1 s; measured against the reference in the same run,
    # so a loaded machine slows both
    import time
    text = "```\nx\n```\n| a | b |\n|---|---|\n| c | d |\n\n" * 15000
    started = time.perf_counter()
    html = pulldown.render(text, None, [])
    fast_time = time.perf_counter() - started
    started = time.perf_counter()
    expected = REFERENCE.render(text, {"catalog_code_filter": None, PROBLEMS_KEY: [], KRAMDOWN_KEY: False})
    assert html == expected
    assert fast_time < time.perf_counter() - started


def test_delimiter_rows_reads_a_text_about_once() -> None:
    # its line numbers were counted from the start at each row: quadratic in the rows
    class Counted(str):
        scanned = 0

        def count(self, sub: str, start: int = 0, end: int | None = None) -> int:  # type: ignore[override]
            Counted.scanned += (len(self) if end is None else end) - start
            return str.count(self, sub, start, end)

    text = Counted("a | b\n--|--\n" * 2000)
    assert len(delimiter_rows(text)) == 2000
    assert Counted.scanned <= 2 * len(text)


@pytest.mark.parametrize("text", [
    # a no-break space (pasted from a word processor) where markdown-it-py's str.strip() drops
    # it and pulldown-cmark keeps it: a paragraph's, a heading's, a table cell's edge
    "\u00a0Note: text\n", "text\u00a0\n", "- \u00a0item\n", "+ >\u00a0quoted\n", "# Title\u00a0\n",
    "# Title\u00a0 #\n", "| a |\n|---|\n|\u00a0b |\n", "2) \u3000x\n",
    # a code span continued on a line indented less than its list item's text
    "1. Run `pip install\n  catalog`\n", "- x\n\n  `a\n b`\n", "10. `a\n  b`\n",
    # a tab before a heading's closing #s
    "# a\t#\n", "## a \t##  \n", "> # a\t#\n",
    # a line separator before emphasis: whitespace to pulldown-cmark's flanking rules only
    "\u2014\u2028**\u2014**\n", "x\u2029*\u201c*\n",
])
def test_texts_found_by_review_render_as_the_reference_or_are_declined(text: str) -> None:
    html, problems = fast(text)
    assert html is None or (html, problems) == reference(text)
    html, problems = fast(text, kramdown=True)
    assert html is None or (html, problems) == reference(text, kramdown=True)


# Texts the plain exit takes (lines of words from its alphabet) and near misses: one of the
# characters or pieces it must refuse put in one to three places of such a text
_WORDS = ["Word", "word", "Install", "a", "Z", "0", "9", " ", ",", ".", ";", ":", "?", "!", "'", "(", ")"]
_NEAR = list("-=#*_`<>&|[]~\\\t\r\"/{}+") + ["  ", "1. ", "2) ", "- ", "XQSCBZ", "XQSCYABZ", "\u00a0", "\x00",
                                           "\n", "\n\n", "    ", "===", "http://x.y", "&amp;", "\u00e9", " \n"]
_WORD_LINE = st.lists(st.sampled_from(_WORDS), min_size=1, max_size=12).map("".join)  # maybe ` 9. a `
_LINE = st.one_of(_WORD_LINE.map(lambda words: f"A{words}z"), _WORD_LINE)
_PLAIN_TEXT = st.tuples(st.sampled_from(["", "\n", "\n\n"]), st.lists(_LINE, min_size=1, max_size=4).map("\n".join),
                        st.sampled_from(["", "\n", "\n\n"])).map("".join)


@st.composite
def _near_plain(draw: st.DrawFn) -> str:
    text, piece = draw(_PLAIN_TEXT), draw(st.sampled_from(_NEAR))
    for at in sorted(draw(st.lists(st.integers(0, 400), min_size=1, max_size=3)), reverse=True):
        at %= len(text) + 1
        text = text[:at] + piece + text[at:]
    return text


@settings(max_examples=2500, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.one_of(_PLAIN_TEXT, _near_plain()), st.booleans())
def test_the_plain_paragraph_exit_writes_what_markdown_it_and_the_walk_write(text: str, kramdown: bool) -> None:
    # render() writes a text of plain lines as one paragraph without the checks and the walk
    html, problems = fast(text, kramdown=kramdown)
    if pulldown._PLAIN.fullmatch(text) is None or (kramdown and "XQSC" in text):
        return  # the checks and the walk (the second: declined as before, kramdown_rules_apply)
    assert html is not None and problems == []
    assert (html, problems) == reference(text, kramdown=kramdown)
    assert html == Walk(text, None, []).run(pulldown.events(text))


def test_a_callout_s_text_takes_the_plain_paragraph_exit() -> None:
    for text in ("\nInstall the plugin (see below), then restart: it's quick!\n", "Two lines\nof text.",
                 "XQSCBZ and more"):
        assert pulldown._PLAIN.fullmatch(text) is not None
        assert fast(text)[0] == reference(text)[0]
    for text in ("Text  \nhard break\n", "a\n\nb\n", "Title\n===\n", "1. item\n", "a\n- b\n", "x" * 2000):
        assert pulldown._PLAIN.fullmatch(text) is None or len(text) > pulldown.PLAIN_MAX
    assert fast("XQSCBZ\n", kramdown=True)[0] is None  # a Liquid output's line: kramdown's rules
