"""Heading ids: Hugo's Goldmark "github" scheme, applied to the final page HTML."""
from __future__ import annotations

import pytest

from catalog.anchors import Heading, assign_heading_ids, goldmark_id, kramdown_id


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hello, World!", "hello-world"),
        ("a  b", "a--b"),
        ("Café Über", "café-über"),
        ("under_score", "under_score"),
        ("code span", "code-span"),
        ("Node Types: cloudify.nodes.aws.ec2.Instances", "node-types-cloudifynodesawsec2instances"),
        ("  Plugin Requirements\t", "plugin-requirements"),
        ("pre-release (beta)", "pre-release-beta"),
        ("tab\there", "tabhere"),  # a tab is not a space to Goldmark (hugo 0.111 gives "tabhere")
        ("Ünïcödé 日本語 ٣", "ünïcödé-日本語-٣"),
        ("x²", "x"),  # superscript two is a number but not a decimal digit (Go's IsDigit)
        ("İstanbul", "istanbul"),  # Go lower-cases rune by rune
        ("!!!", "heading"),
        ("", "heading"),
    ],
)
def test_goldmark_id(text: str, expected: str) -> None:
    assert goldmark_id(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [  # kramdown's converter (generate_id), which Jekyll pages were published with
        ("Hello, World!", "hello-world"),
        ("1. Install the node_templates", "install-the-nodetemplates"),  # leading non-letters, '_' dropped
        ("a  b", "a--b"),
        ("Café Über", "caf-ber"),  # only ASCII letters and digits stay
        ("tosca.nodes.Root", "toscanodesroot"),
        ("See [docs](x.md)", "see-docsxmd"),
        ("2.0", "section"),
        ("", "section"),
    ],
)
def test_kramdown_id(text: str, expected: str) -> None:
    assert kramdown_id(text) == expected


def test_ids_come_from_the_heading_text_with_tags_and_entities_resolved() -> None:
    html, headings = assign_heading_ids('<h2><code>code</code> span</h2>\n<h3>Q&amp;A &lt;tips&gt;</h3>')
    assert html == '<h2 id="code-span"><code>code</code> span</h2>\n<h3 id="qa-tips">Q&amp;A &lt;tips&gt;</h3>'
    assert headings == [Heading(2, "code-span", "code span"), Heading(3, "qa-tips", "Q&A <tips>")]


def test_duplicates_get_numbered_suffixes_in_document_order() -> None:
    html, headings = assign_heading_ids("<h2>Example</h2><h3>Example</h3><h2>Example</h2>")
    assert [h.id for h in headings] == ["example", "example-1", "example-2"]
    assert html == '<h2 id="example">Example</h2><h3 id="example-1">Example</h3><h2 id="example-2">Example</h2>'


def test_existing_ids_are_kept_and_count_as_taken() -> None:
    source = '<h2>Usage</h2><h2 id="usage-1" class="x">Custom</h2><h2>Usage</h2><h2>Later</h2><h2 id="later">Explicit</h2>'
    html, headings = assign_heading_ids(source)
    assert [h.id for h in headings] == ["usage", "usage-1", "usage-2", "later-1", "later"]
    assert '<h2 id="usage-1" class="x">Custom</h2>' in html
    assert html.count('id="later"') == 1  # an explicit id is never duplicated by a generated one


def test_empty_heading_gets_heading_id() -> None:
    _, headings = assign_heading_ids("<h1></h1><h1> </h1>")
    assert [h.id for h in headings] == ["heading", "heading-1"]


def test_headings_inside_pre_code_and_comments_are_untouched() -> None:
    source = (
        '<div class="highlight"><pre class="chroma"><code><h2>Not a heading</h2>\n</code></pre></div>'
        "<code><h3>inline</h3></code><!-- <h2>commented</h2> -->"
        "<script>let s = '<h2>x</h2>'</script><h2>Real</h2>"
    )
    html, headings = assign_heading_ids(source)
    assert headings == [Heading(2, "real", "Real")]
    assert html == source.replace("<h2>Real</h2>", '<h2 id="real">Real</h2>')


def test_attributes_and_tag_case_are_preserved() -> None:
    html, headings = assign_heading_ids('<H2 class="title" data-x=\'a>b\'>Mixed <em>Case</em></H2>')
    assert html == '<H2 id="mixed-case" class="title" data-x=\'a>b\'>Mixed <em>Case</em></H2>'
    assert headings == [Heading(2, "mixed-case", "Mixed Case")]


def test_other_tags_starting_with_h_are_not_headings() -> None:
    source = "<header><hr><h7>no</h7><h2>yes</h2></header>"
    html, headings = assign_heading_ids(source)
    assert [h.id for h in headings] == ["yes"]
    assert html == "<header><hr><h7>no</h7><h2 id=\"yes\">yes</h2></header>"


def test_multiline_heading_text_is_collapsed_for_display_but_not_for_the_id() -> None:
    # only ' ' becomes '-'; the newline is dropped
    _, headings = assign_heading_ids("<h2>Two\n  lines</h2>")
    assert headings == [Heading(2, "two--lines", "Two lines")]


def test_data_id_is_not_mistaken_for_id() -> None:
    html, headings = assign_heading_ids('<h2 data-id="nope">Title</h2>')
    assert headings[0].id == "title"
    assert html == '<h2 id="title" data-id="nope">Title</h2>'


def test_page_without_headings_is_returned_unchanged() -> None:
    source = "<p>nothing</p>"
    assert assign_heading_ids(source) == (source, [])


def test_large_page_is_fast() -> None:
    import time

    page = "".join(f"<h2>Section {n}</h2><p>{'text ' * 200}</p><pre><code>{'x' * 500}</code></pre>" for n in range(2000))
    start = time.perf_counter()
    _, headings = assign_heading_ids(page)
    assert len(headings) == 2000
    assert time.perf_counter() - start < 1.0


def test_data_gid_is_the_id_base_and_is_removed() -> None:
    html, headings = assign_heading_ids('<h2 data-gid="see-docsxmd">See <a href="x.md">docs</a></h2>')
    assert html == '<h2 id="see-docsxmd">See <a href="x.md">docs</a></h2>'
    assert headings == [Heading(2, "see-docsxmd", "See docs")]


def test_data_gid_and_text_based_ids_dedup_together_in_document_order() -> None:
    source = '<h2>Usage</h2><h2 class="x" data-gid="usage">Use</h2><h3 data-gid="usage">U</h3><h2>Usage</h2>'
    html, headings = assign_heading_ids(source)
    assert [h.id for h in headings] == ["usage", "usage-1", "usage-2", "usage-3"]
    assert html == (
        '<h2 id="usage">Usage</h2><h2 id="usage-1" class="x">Use</h2>'
        '<h3 id="usage-2">U</h3><h2 id="usage-3">Usage</h2>'
    )


def test_data_gid_gets_the_heading_fallback_and_is_sanitized() -> None:
    html, headings = assign_heading_ids('<h2 data-gid="">x</h2><h2 data-gid=\'A B\'>y</h2>')
    assert [h.id for h in headings] == ["heading", "a-b"]
    assert "data-gid" not in html


def test_data_gid_is_dropped_next_to_an_explicit_id() -> None:
    html, headings = assign_heading_ids('<h2 id="own" data-gid="other">Title</h2>')
    assert html == '<h2 id="own">Title</h2>'
    assert headings == [Heading(2, "own", "Title")]


def test_data_gid_in_code_is_removed_without_making_a_heading() -> None:
    html, headings = assign_heading_ids('<code>\n<h2 data-gid="x">X</h2>\n</code><h2>Real</h2>')
    assert html == '<code>\n<h2>X</h2>\n</code><h2 id="real">Real</h2>'
    assert headings == [Heading(2, "real", "Real")]


def test_attribute_named_like_data_gid_is_not_it() -> None:
    html, headings = assign_heading_ids('<h2 data-gid-x="nope" title="data-gid=no">Title</h2>')
    assert headings[0].id == "title"
    assert html == '<h2 id="title" data-gid-x="nope" title="data-gid=no">Title</h2>'
