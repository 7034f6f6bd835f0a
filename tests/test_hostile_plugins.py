"""Hostile plugin metadata: titles, descriptions, categories and reasons come from many
maintainers, and none of it may inject script into the catalog pages, the search index or
the JSON files. A whole site is built from a plugins-index full of such values; its HTML
is checked element by element, its JSON value by value, and the catalog pages are opened
in a real browser (served without a Content-Security-Policy, so that the markup itself is
what keeps script out)."""
from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

from browser import browser_page, serve
from catalog.plugins.htmlpages import safe_url
from conftest import REPO, SiteBuilder

SHA = "f" * 64
PAYLOADS = [
    "<script>alert('script')</script>",
    "<img src=x onerror=alert('onerror')>",
    "<iframe src=\"javascript:alert('iframe')\"></iframe>",
    "<svg onload=alert('svg')>",
    "<a href=\"javascript:alert('raw link')\">raw</a>",
    "<div style=\"background:url(javascript:alert('style'))\">styled</div>",
    "</script><script>alert('breakout')</script>",
]
DESCRIPTION = "\n\n".join([
    "Provisions **things**.",
    *PAYLOADS,
    "[markdown link](javascript:alert('md link'))",
    "[upper-case link](JaVaScRiPt:alert('md upper'))",
    "[entity link](&#106;avascript:alert('entity'))",
    "[tab link](java&#x09;script:alert('tab'))",
    "[data link](data:text/html;base64,PHNjcmlwdD5hbGVydCgnZGF0YScpPC9zY3JpcHQ+)",
    "![data image](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "![png image](data:image/png;base64,iVBORw0KGgo=)",
    "<javascript:alert('autolink')>",
    "[mail](mailto:someone@example.org)",
    "[ref link][evil]\n\n[evil]: javascript:alert('reference')",
    "[quote](https://example.org/\" onclick=\"alert('quote'))",
    "[fine](https://example.org/docs) and [relative](../other/)",
])


def hostile_yaml() -> str:
    return f"""\
name: cloudify-hostile-plugin
title: "<script>alert('title')</script> Hostile"
description: {json.dumps(DESCRIPTION)}
icon: "https://example.org/icon.png\\" onerror=\\"alert('icon')"
repository: "https://example.org/\\"><script>alert('repository')</script>"
categories: ["<b onmouseover=alert('category')>Evil</b>", "Utilities"]
releases:
  - version: 2.0.0
    date: 2023-03-04
    yanked: "<img src=x onerror=alert('yanked')>"
    yaml_files:
      - dsl_version: cloudify_dsl_1_4
        url: "https://example.org/plugin.yaml?<script>alert('yaml')</script>"
        sha256: {SHA}
        size: 10
    wagons:
      - url: https://example.org/cloudify_hostile_plugin-2.0.0-manylinux-py3-none-any.wgn
        sha256: {SHA}
        size: 10
  - version: 1.0.0
    date: 2023-01-02
    deprecated:
      replacement: cloudify-hostile-plugin >=2.0
      reason: "</p><script>alert('deprecated')</script>"
    yaml_files:
      - dsl_version: cloudify_dsl_1_4
        url: https://example.org/plugin.yaml
        sha256: {SHA}
        size: 10
    wagons:
      - url: "https://example.org/x/%3Cscript%3E/cloudify_hostile_plugin-1.0.0-manylinux-py3-none-any.wgn"
        sha256: {SHA}
        size: 10
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    (root / "themes").mkdir()
    (root / "themes/default").symlink_to(REPO / "themes/default", target_is_directory=True)
    builder = SiteBuilder(root).write({
        "site.toml": 'title = "Hostile"\nbase_url = "https://docs.example.org/"\n',
        "content/_index.md": "---\ntitle: Home\n---\nHome.\n",
        "plugins-index/cloudify-hostile-plugin.yaml": hostile_yaml(),
    })
    result = builder.build()
    assert not result.report.failed(), "\n".join(builder.messages(result))
    return root / "public"


class Elements(HTMLParser):
    """Every start tag of a page with its attributes, and the text inside <script> elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.script_text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.script_text.append(data)


def elements(html: str) -> Elements:
    parser = Elements()
    parser.feed(html)
    return parser


CATALOG_PAGES = ["plugins/index.html", "plugins/cloudify-hostile-plugin/index.html"]


@pytest.mark.parametrize("page", CATALOG_PAGES)
def test_catalog_pages_hold_no_injected_markup(site, page):
    parsed = elements((site / page).read_text(encoding="utf-8"))
    tags = [tag for tag, _ in parsed.tags]
    assert not {"iframe", "frame", "object", "embed", "svg", "math", "style", "base", "meta"} & set(tags) - {"meta"}
    assert all(attrs.get("http-equiv") is None for tag, attrs in parsed.tags if tag == "meta")
    assert parsed.script_text == []   # no inline script, so no embedded JSON to break out of
    for tag, attrs in parsed.tags:
        assert not [name for name in attrs if name.startswith("on")], (tag, attrs)
        assert "style" not in attrs, (tag, attrs)
        if tag == "script":
            assert attrs["src"].startswith("/js/"), attrs
        for name in ("href", "src", "action", "formaction", "srcset"):
            if attrs.get(name) is not None:
                assert safe_url(attrs[name]), (tag, attrs)


def test_hostile_text_is_shown_as_text(site):
    html = (site / "plugins/cloudify-hostile-plugin/index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt; Hostile" in html
    assert "<p>&lt;img src=x onerror=alert('onerror')&gt;</p>" in html      # markdown-it escapes < > & "
    assert "&lt;img src=x onerror=alert(&#39;yanked&#39;)&gt;" in html      # Jinja also escapes '
    assert "&lt;/p&gt;&lt;script&gt;alert(&#39;deprecated&#39;)&lt;/script&gt;" in html
    assert "<strong>things</strong>" in html                 # Markdown still renders
    assert '<a href="https://example.org/docs">fine</a>' in html and '<a href="../other/">relative</a>' in html
    for refused in ("mailto:", "data:image", "data:text", "javascript:alert('md link')"):
        assert f'="{refused}' not in html
    assert "<p>[markdown link](javascript:alert('md link'))</p>" in html   # left as the text it was


def test_search_index_holds_plain_text(site):
    manifest = json.loads((site / "search-index.json").read_text(encoding="utf-8"))
    docs = [doc for rel in manifest["doc_files"] for doc in json.loads((site / rel).read_text(encoding="utf-8"))]
    doc = next(d for d in docs if d[0] == "/plugins/cloudify-hostile-plugin/")
    url, title, section, kind, excerpt = doc
    assert title == "<script>alert('title')</script> Hostile"    # data, shown with textContent
    assert kind == "plugin" and section.startswith("<b onmouseover")
    search_js = (REPO / "themes/default/static/js/search.js").read_text(encoding="utf-8")
    catalog_js = (REPO / "themes/default/static/js/catalog.js").read_text(encoding="utf-8")
    for script in (search_js, catalog_js):
        assert not any(sink in script for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML",
                                                   "document.write", "eval("))


def test_json_files_keep_the_values_as_data(site):
    plugin = json.loads((site / "index/v1/plugins/cloudify-hostile-plugin.json").read_text(encoding="utf-8"))
    assert plugin["title"] == "<script>alert('title')</script> Hostile"
    assert plugin["description"] == DESCRIPTION
    catalog = json.loads((site / "plugins/catalog").read_text(encoding="utf-8"))
    assert catalog[0]["display_name"] == plugin["title"]


def test_no_injected_script_runs_in_a_browser(site):
    with serve(site) as base, browser_page() as page:
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        for path in ("/plugins/", "/plugins/cloudify-hostile-plugin/"):
            page.goto(base + path)
            page.wait_for_load_state("load")
            assert page.evaluate("() => [...document.links].map(a => a.protocol)"
                                 ".filter(p => p !== 'http:' && p !== 'https:')") == []
            page.evaluate("() => document.querySelectorAll('img').forEach(img => img.dispatchEvent(new Event('error')))")
            assert page.evaluate("() => document.querySelectorAll('script:not([src]), iframe, [onerror], [onload], "
                                 "[onclick], [onmouseover]').length") == 0
        page.goto(base + "/")
        page.fill("input[type=search]", "hostile")
        page.wait_for_selector(".site-search-result")
        assert "<script>alert('title')</script> Hostile" in page.locator(".site-search-result").first.inner_text()
        assert dialogs == []
