"""Shortcode placeholders cannot be written by a page: text that looks like one stays text."""
from __future__ import annotations

import pytest

from catalog.placeholders import Tokens, prefix_for
from conftest import build_ok

ICON = '<span class="icon fa fa-star" aria-hidden="true"></span>'


def body(site, rel: str = "p/index.html") -> str:
    html = site.read(rel)
    start = html.index('class="page-body"')
    return html[start: html.index("</article>", start)]


def page(text: str, front: str = "title: P") -> dict[str, str]:
    return {"content/p.md": f"---\n{front}\n---\n{text}", "content/q.md": "---\ntitle: Q\n---\n## Target\n"}


@pytest.mark.parametrize("source, expected", [
    # alone on a page: was an IndexError (a token the page never gave out)
    ("Hello XQSCAZ world\n", ["Hello XQSCAZ world"]),
    ("XQSCAZ\n", ["<p>XQSCAZ</p>"]),
    # next to a shortcode: the text was replaced by that shortcode's output
    ('Text XQSCAZ then {{< icon "fa-star" >}} end\n', [f"Text XQSCAZ then {ICON} end"]),
    ('{{< icon "fa-star" >}}\n\nXQSCAZ\n', [ICON, "<p>XQSCAZ</p>"]),
    # entity-written: reads XQSCAZ only after Markdown decoded it
    ('XQ&#83;CAZ and {{< icon "fa-star" >}}\n', [f"XQSCAZ and {ICON}"]),
    # joined by an empty {% raw %} only after the tags are taken out
    ('XQ{% raw %}{% endraw %}SCAZ and {{< icon "fa-star" >}}\n', [f"XQSCAZ and {ICON}"]),
    # a longer member of the family is text too, as is the base prefix beside it
    ('XQSC, XQSCYAZ and XQSCAZ {{< icon "fa-star" >}}\n', [f"XQSC, XQSCYAZ and XQSCAZ {ICON}"]),
    # inside a paired shortcode, beside a nested one
    ('{{% note %}}\nXQSCAZ {{< icon "fa-star" >}}\n{{% /note %}}\n', [f"XQSCAZ {ICON}"]),
    # in a link destination the (real) token still becomes the URL
    ('[q]({{< relref "q.md" >}}) XQSCAZ\n', ['<a href="/q/">q</a> XQSCAZ']),
    # in code, beside a shortcode's plain text
    ('```\nXQSCAZ {{< param x >}}\n```\n', ["XQSCAZ fine"]),
])
def test_page_text_that_looks_like_a_placeholder_stays_text(make_site, source, expected):
    site = make_site(page(source, "title: P\nx: fine"))
    build_ok(site)
    html = body(site)
    for text in expected:
        assert text in html, html


@pytest.mark.parametrize("source, expected", [
    # was a RecursionError: the value's "token" named the param call itself
    ("Value {{< param x >}} here\n", "Value XQSCAZ here"),
    ("Value {{% param x %}} here {{< icon fa-star >}}\n", f"Value XQSCAZ here {ICON}"),
    ("{{< param x >}}\n", "XQSCAZ"),
])
def test_a_front_matter_value_that_looks_like_a_placeholder_is_output_as_written(make_site, source, expected):
    site = make_site(page(source, "title: P\nx: XQSCAZ"))
    build_ok(site)
    assert expected in body(site)


def test_markdownify_and_inner_output_hold_no_forged_placeholder(make_site):
    site = make_site({
        **page('{{< md >}}\n\n{{< wrap >}}\nbefore {{< icon "fa-star" >}} after\n{{< /wrap >}}\n',
               "title: P\nx: XQSCBZ and XQSCAZ"),
        "layouts/shortcodes/md.html": "{{ markdownify(param('x')) }}",
        "layouts/shortcodes/wrap.html": "<div class=\"wrap\">{{ inner.html }}{{ param('x') }}</div>",
    })
    build_ok(site)
    html = body(site)
    assert "<p>XQSCBZ and XQSCAZ</p>" in html
    assert f'<div class="wrap"><p>before {ICON} after</p>\nXQSCBZ and XQSCAZ</div>' in html


def test_the_prefix_is_the_shortest_one_the_text_does_not_hold():
    assert prefix_for(["plain text"]) == "XQSC"
    assert prefix_for(["XQSCAZ"]) == "XQSCY"
    assert prefix_for(["XQSC XQSCY", "XQ&#83;CYY"]) == "XQSCYYY"
    tokens = Tokens("XQSCY")
    assert tokens.token(0) == "XQSCYAZ" and tokens.token(31) == "XQSCYBPZ"
    assert Tokens.index("BP") == 31
    assert not tokens.forged("a XQSCYAZ b", 1)
    assert tokens.forged("a XQSCYAZ b XQSCY", 1)
    assert tokens.forged("a XQSC&#89;AZ", 0)
