"""The per-page passes after Markdown give exactly what they gave before their fast paths
(issue 20): heading ids, the search text, the element ids and the swap of shortcode
placeholders, compared with the plain passes kept in tests/reference_passes.py, on tag soups
made to hit their edge cases and on every page of the sample site and of a generated corpus."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import catalog.page_render
import catalog.render
import reference_passes as reference
from benchmarks.corpus import write_corpus
from benchmarks.projects import SITE_TOML
from catalog.anchors import assign_heading_ids
from catalog.build import build
from catalog.page_render import element_ids
from catalog.placeholders import Tokens
from catalog.render import _PageRun
from catalog.search_entries import page_text
from catalog.tag_patterns import names_any_case
from conftest import REPO


def soup(fragments: list[str], size: int = 40) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(fragments), max_size=size).map("".join)


HEADINGS = soup([
    "<h2>", "</h2>", "</H2 >", "<H3 id=\"x\">", "</h3>", "<h1", "<h2 data-gid=\"a b\">", "<h2 data-gid=\"x id=y\">",
    "<h2 data-gid=\"q&amp;r\">", "<h4 class=\"c\" data-gid=\"k\">", "<h6 DATA-GID=\"Z\">", "<h2 title='a>b'>",
    " data-gid=\"m\"", " id='z'", " id=w", "id=\"y\"", "<pre>", "</PRE>", "<code class='c'>", "</code>", "</code >",
    "<!--", "-->", "<script>", "</Script>", "<textarea>", "</textarea>", "<style/>", ">", "<", "\"", "'", "/", " ",
    "\n", "text", "Text", "y", "&amp;", "&lt;", "İ", "é", "<em>", "</em>", "<a href=\"#\">", "</a>",
])
PAGE_TEXT = soup([
    "<pre>", "</PRE>", "</pre >", "<pre class=\"x\">", "<em>", "</Em>", "<SPAN a=1>", "</span>", "<abbrx>", "<abbr>",
    "<b2 ", "<bdo>", "<q>", "<Script>", "</SCRIPT>", "<svg>", "</svg>", "<math>", "<noscript>", "</noscript>",
    "<template>", "<textarea>", "</textarea>", "<div class=\"mermaid\">", "<DIV CLASS=\"MERMAID\">", "</DIV>",
    "</div>", "<!--", "-->", "<p>", "</p>", ">", "<", "/", "\"", "wag", "on", " ", "\n\t", "&amp;", "&nbsp;", "café",
    "\u00a0", "x", "ſ", "\u212a", "<kbd>", "<s>", "<sub>", "<sup>", "<Time>", "<wbr>",
])
ELEMENT_IDS = soup([" id=\"a\"", "id=\"b\"", "\tid=\"c\"", "\u2003id=\"d\"", " id=\"\"", "x-id=\"", "data-id=\"e\"",
                    "\"", " ", "x", "<p", ">", "id=", "\n"])
# tokens of the prefix XQSC (A-P are the hex digits), a longer prefix's, one never given out
EXPAND = soup([
    "XQSCAZ", "XQSCBZ", "XQSCCZ", "XQSCDZ", "XQSCPPZ", "XQSCYAZ", "XQSC", "<p>", "</p>", "</p >", "<p class=\"n\">",
    "<p\n>", "<em>", "</em>", "<br>", "<br/>", " ", "\n", "\u00a0", "text", "<div>", "</div>", "<pre>", "<ul>",
    "<a href=\"", "\">", "</a>", "<p", ">", "<p title=\"", "<P>",
], size=30)
OUTPUTS = st.lists(st.sampled_from([
    "<div class=\"callout\">x</div>", "<ul><li>a</li></ul>", "/url/", "<span>s</span>", "", "<p>para</p>",
    "text &amp; more", "<hr>", "<table><tr><td>1</td></tr></table>", "</p>",
]), max_size=5)


@settings(max_examples=1500, deadline=None)
@given(HEADINGS)
def test_heading_ids_are_the_plain_pass(html):
    assert assign_heading_ids(html) == reference.assign_heading_ids(html)


@pytest.mark.parametrize("html", [
    '<h2 data-gid="x id=y">A</h2><h2>y</h2>',  # an id written inside the marker's value counts as taken
    '<h2 data-gid="a">A</h2><pre><h2 data-gid="b">B</h2></pre><h2 DATA-GID="c">C</h2>',
    '<h2 data-gid="a">A</h2><code>data-gid</code><!-- <h3 data-gid="x"> -->',
    '<h2 data-gid="é">É</h2><pre><H2 Data-Gid="b">B</H2></pre>',
    '<h2 data-gid="q&amp;r" >Q</h2><h2 data-gid=\'s\'>S</h2><h2 data-gid="t" id="t">T</h2><h2>t</h2>',
])
def test_heading_ids_of_marked_headings_are_the_plain_pass(html):
    assert assign_heading_ids(html) == reference.assign_heading_ids(html)


@settings(max_examples=1500, deadline=None)
@given(PAGE_TEXT)
def test_page_text_is_the_plain_pass(html):
    assert page_text(html) == reference.page_text(html)
    assert page_text(html, 12) == reference.page_text(html, 12)


@settings(max_examples=800, deadline=None)
@given(ELEMENT_IDS)
def test_element_ids_are_the_plain_pass(html):
    assert element_ids(html) == reference.element_ids(html)


def expand(prefix: str, outputs: list[str], text: str) -> tuple[str, list[str]]:
    run = object.__new__(_PageRun)  # expand_html reads the tokens and the outputs only
    run.tokens, run.outputs = Tokens(prefix), list(outputs)
    return run.expand_html(text), run.outputs


@settings(max_examples=2500, deadline=None)
@given(EXPAND, OUTPUTS)
def test_placeholders_are_swapped_as_the_plain_pass_swaps_them(text, outputs):
    assert expand("XQSC", outputs, text) == reference.expand_html("XQSC", outputs, text)


@pytest.mark.parametrize("text", [
    "<p>XQSCAZ</p>", "<p> XQSCAZ\n</p>", "<p><p>XQSCAZ</p></p>", "<p>\n<p>XQSCAZ</p>\n</p>", "<p class=\"n\">XQSCAZ</p>",
    "<p>a XQSCAZ b</p>", "<p><em>a XQSCAZ</em></p>", "<p>XQSCAZ XQSCBZ</p>", "<p>XQSCBZ</p>", "<p>XQSCPZ</p>",
    "<p title=\"<p>XQSCAZ</p>\">", "<p>XQSCAZ</p >",
])
def test_a_block_alone_in_its_paragraph_becomes_what_it_became(text):
    outputs = ["<div>block</div>", "inline"]
    assert expand("XQSC", outputs, text) == reference.expand_html("XQSC", outputs, text)


def test_the_inline_names_pattern_is_the_alternation_in_any_case():
    names = ["a", "abbr", "b", "bdi", "bdo", "s", "samp", "sub", "sup", "q"]
    pattern = re.compile(rf"(?:{names_any_case(names)})\b")
    plain = re.compile(rf"(?:{'|'.join(names)})\b", re.I)
    for word in [*names, *(n.upper() for n in names), "aBbR", "ab", "abb", "bd", "sa", "su", "x", "qq", "SuP"]:
        assert bool(pattern.fullmatch(word)) == bool(plain.fullmatch(word)), word


class _Compared:
    """The four passes wrapped: each call compared with the plain pass on the same input."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = {"headings": 0, "text": 0, "ids": 0, "swaps": 0}
        fast_expand = _PageRun.expand_html

        def headings(html: str):
            self.calls["headings"] += 1
            found = assign_heading_ids(html)
            assert found == reference.assign_heading_ids(html)
            return found

        def text(html: str, *args):
            self.calls["text"] += 1
            found = page_text(html, *args)
            assert found == reference.page_text(html, *args)
            return found

        def ids(html: str):
            self.calls["ids"] += 1
            found = element_ids(html)
            assert found == reference.element_ids(html)
            return found

        def swap(run: _PageRun, html: str) -> str:
            self.calls["swaps"] += 1
            plain, outputs = reference.expand_html(run.tokens.prefix, run.outputs, html)
            found = fast_expand(run, html)
            assert (found, run.outputs) == (plain, outputs)
            return found

        monkeypatch.setattr(catalog.render, "assign_heading_ids", headings)
        monkeypatch.setattr(catalog.render, "page_text", text)
        monkeypatch.setattr(catalog.page_render, "element_ids", ids)
        monkeypatch.setattr(_PageRun, "expand_html", swap)


def test_every_page_of_the_sample_site_gets_what_the_plain_passes_give(tmp_path, monkeypatch):
    compared = _Compared(monkeypatch)
    result = build(REPO, tmp_path / "out", jobs=1, cache=None)
    assert not [d for d in result.report.items if d.severity == "error"]
    assert min(compared.calls.values()) > 20, compared.calls


def test_every_page_of_a_generated_corpus_gets_what_the_plain_passes_give(tmp_path, monkeypatch):
    write_corpus(tmp_path, 300)
    (tmp_path / "site.toml").write_text(SITE_TOML)
    shutil.copytree(REPO / "themes", tmp_path / "themes", symlinks=True)
    compared = _Compared(monkeypatch)
    result = build(tmp_path, jobs=1, cache=None)
    assert not result.report.items
    assert min(compared.calls.values()) >= 300, compared.calls

