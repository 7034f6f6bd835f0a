"""kramdown's rules on pages written for Jekyll: block HTML ends at its element's end tag
and the lines after it are Markdown again; heading ids are kramdown's. Other pages keep
CommonMark's (Hugo's) rules."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from catalog.anchors import assign_heading_ids
from catalog.markdown import Markdown
from conftest import build_ok, write_files
from test_fuzz_docs import _slowest_ratio

MD = Markdown()


@pytest.mark.parametrize("source, kramdown, commonmark", [
    # the Alien4Cloud callout: a one-line heading, then Markdown on the next line
    ("<h5>Title</h5>\nText **bold**\n",
     "<h5>Title</h5>\n<p>Text <strong>bold</strong></p>\n",
     "<h5>Title</h5>\nText **bold**\n"),
    # the element is raw up to its end tag, blank lines included, then Markdown again
    ('<div class="x">\n<p>a</p>\n\n**raw**\n</div>\nAfter *md*\n',
     '<div class="x">\n<p>a</p>\n\n**raw**\n</div>\n<p>After <em>md</em></p>\n',
     '<div class="x">\n<p>a</p>\n<p><strong>raw</strong></p>\n</div>\nAfter *md*\n'),
    ("<div>\n<div>in</div>\n</div>\n*x*\n",  # nested elements of the same name
     "<div>\n<div>in</div>\n</div>\n<p><em>x</em></p>\n",
     "<div>\n<div>in</div>\n</div>\n*x*\n"),
    ("<hr>\n*x*\n", "<hr>\n<p><em>x</em></p>\n", "<hr>\n*x*\n"),  # an element without a body
    ("<H5>T</h5>\n*x*\n", "<H5>T</h5>\n<p><em>x</em></p>\n", "<H5>T</h5>\n*x*\n"),  # names ignore case
    ("para\n<h5>T</h5>\n*x*\n", "<p>para</p>\n<h5>T</h5>\n<p><em>x</em></p>\n", "<p>para</p>\n<h5>T</h5>\n*x*\n"),
    ("> <h5>T</h5>\n> *x*\n", "<blockquote>\n<h5>T</h5>\n<p><em>x</em></p>\n</blockquote>\n",
     "<blockquote>\n<h5>T</h5>\n*x*\n</blockquote>\n"),
])
def test_block_html_ends_at_its_end_tag_with_kramdown(source, kramdown, commonmark):
    assert MD.render(source, kramdown=True) == kramdown
    assert MD.render(source) == commonmark


@pytest.mark.parametrize("source", [
    '<div markdown="1">\n*x*\n</div>\n',  # kramdown's markdown attribute: left to CommonMark
    "<div>\ntext\n\n*x*\n",  # no end tag: kramdown closes it at the end of the text; CommonMark's rule
    "<span>a</span>\n*x*\n",  # a span element starts a paragraph in both
    "<DIV>\n<div>\n</DIV>\n*x*\n",
])
def test_block_html_without_a_findable_end_keeps_commonmark(source):
    assert MD.render(source, kramdown=True) == MD.render(source)


def test_jekyll_pages_read_block_html_as_kramdown_and_hugo_pages_as_goldmark(make_site):
    callout = "{% info %}\n<h5>Delegate activity</h5>\nThe node gets a **delegate** step.\n{% endinfo %}\n\n" \
              "<h5>Outside</h5>\nA *plain* line.\n"
    site = make_site({
        "content/jekyll.md": f"---\ntitle: J\nparent: []\nnode_name: j\n---\n{callout}",
        "content/hugo.md": f"---\ntitle: H\n---\n{callout}",
    })
    build_ok(site)
    jekyll, hugo = site.read("jekyll/index.html"), site.read("hugo/index.html")
    assert "<p>The node gets a <strong>delegate</strong> step.</p>" in jekyll
    assert "<p>A <em>plain</em> line.</p>" in jekyll
    assert "The node gets a **delegate** step." in hugo and "A *plain* line." in hugo


@pytest.mark.skipif(shutil.which("hugo") is None, reason="needs Debian's hugo")
def test_pages_not_written_for_jekyll_render_block_html_as_hugo_does(tmp_path):
    source = '<h5>Outside</h5>\nA *plain* line.\n\n<div class="x">\n<p>a</p>\n\n**md**\n</div>\nAfter *md*\n'
    write_files(tmp_path, {
        "hugo.toml": 'baseURL = "/"\ndisableKinds = ["taxonomy", "term", "RSS", "sitemap", "home", "section", "404"]\n'
                     "[markup.goldmark.renderer]\nunsafe = true\n",
        "content/p.md": f"---\ntitle: H\n---\n{source}",
        "layouts/_default/single.html": "{{ .Content }}",
    })
    subprocess.run(["hugo", "--quiet", "-s", str(tmp_path), "-d", str(tmp_path / "out")], check=True, timeout=120)
    hugo = (tmp_path / "out/p/index.html").read_text(encoding="utf-8")
    assert hugo.split() == MD.render(source).split()  # the same HTML, newlines apart


def test_liquid_block_tag_on_the_line_after_text_is_a_block_of_its_own(make_site):
    # kramdown reads the tag's output (block HTML) as ending the paragraph before it
    source = ("Replace\n{% highlight sh %}\n<root level=\"info\">\n{% endhighlight %}\nby\n"
              "{% highlight sh %}\nx\n{% endhighlight %}\n"
              "{% info %}\ni\n{% endinfo %}\n{% warning %}w{% endwarning %}\n")
    site = make_site({"content/p.md": f"---\ntitle: P\nparent: []\nnode_name: p\n---\n{source}"})
    build_ok(site)
    html = site.read("p/index.html")
    html = html[html.index('class="page-body"'):html.index("</article>")]
    assert re.search(r'<p>Replace</p>\s*<div class="highlight">', html)
    assert re.search(r'</div>\s*<p>by</p>\s*<div class="highlight">', html)
    assert re.search(r'</div>\s*<div class="callout callout-info"', html)
    assert not re.search(r"<p>\s*<div", html)


def test_jekyll_pages_keep_kramdown_heading_ids_and_hugo_pages_goldmark_ones(make_site):
    text = "## 1. Install the node_templates\n\nSee [below](#install-the-nodetemplates).\n\n## Install the node_templates\n"
    site = make_site({
        "content/jekyll.md": f"---\ntitle: J\nparent: []\nnode_name: j\n---\n{text}",
        "content/hugo.md": f"---\ntitle: H\n---\n{text}",
        "content/links.md": "---\ntitle: L\n---\n[a]({{< relref \"jekyll.md#install-the-nodetemplates-1\" >}})\n",
    })
    build_ok(site)
    assert re.findall(r'<h2 id="([^"]+)"', site.read("jekyll/index.html")) == \
        ["install-the-nodetemplates", "install-the-nodetemplates-1"]
    assert re.findall(r'<h2 id="([^"]+)"', site.read("hugo/index.html")) == \
        ["1-install-the-node_templates", "install-the-node_templates"]


def _kramdown(source: str) -> str:
    """The real kramdown's HTML (Debian's ruby-kramdown), with its defaults, as Jekyll runs it."""
    return subprocess.run(["ruby", "-rkramdown", "-e", "print Kramdown::Document.new(STDIN.read).to_html"],
                          input=source, capture_output=True, text=True, check=True, timeout=60).stdout


def _kramdown_available() -> bool:
    return shutil.which("ruby") is not None and subprocess.run(
        ["ruby", "-rkramdown", "-e", ""], capture_output=True).returncode == 0


def _shape(html: str) -> str:
    """HTML compared for structure: tag names lower-cased, void tags as written by either,
    the ids the theme's TOC gives raw-HTML headings (kramdown leaves them bare) dropped."""
    html = re.sub(r"<(/?)([A-Za-z0-9]+)", lambda m: f"<{m.group(1)}{m.group(2).lower()}", html)
    html = re.sub(r'(<h5) id="[^"]*"', r"\1", html).replace("<hr />", "<hr>")
    return " ".join(html.split())


@pytest.mark.skipif(not _kramdown_available(), reason="needs Debian's ruby-kramdown")
@pytest.mark.parametrize("source", [
    "<h5>Title</h5>\nText **bold**\n",
    '<div class="x">\n<p>a</p>\n\n**raw**\n</div>\nAfter *md*\n',
    "<div>\n<div>in</div>\n</div>\n*x*\n",
    "<hr>\n*x*\n",
    "<H5>T</h5>\n*x*\n",
    "para\n<h5>T</h5>\n*x*\n",
    "> <h5>T</h5>\n> *x*\n",
    "Replace\n<div class=\"highlight\">x</div>\nby\n",
    "## 1. Install the node_templates\n\n## Install the node_templates\n\n## Café Über\n",
    "# tosca.nodes.Root\n\n# See [docs](x.md)\n\n# 2.0\n",
    # a block attribute list below (or above) an HTML element goes onto that element
    '<div class="box">\nhtml block\n</div>\n{: .note}\n',
    "<h5>Title</h5>\n{: .t}\n\nPara\n{: .p}\n",
    "{: .before}\n<div>y</div>\n",
])
def test_jekyll_pages_render_as_kramdown_does(source):
    ours, _ = assign_heading_ids(MD.render(source, kramdown=True))
    assert _shape(ours) == _shape(_kramdown(source))


@pytest.mark.parametrize("name, page", [
    ("unclosed elements apart", lambda n: "<div>\n\n" * n),
    ("elements closed at the end", lambda n: "<div>\n\n" * n + "</div>\n" * n),
    ("one-line elements", lambda n: "<h5>t</h5>\ntext\n" * n),
    ("unclosed in list items", lambda n: "- <div>\n\n" * n),
])
def test_kramdown_block_html_is_linear(name, page):
    """8x the input may cost about 8x the time; quadratic would be 64x (see test_fuzz_docs)."""
    ratio = _slowest_ratio(lambda text: MD.render(text, kramdown=True), page, 300)
    assert ratio < 24, f"{name}: 8x the input took {ratio:.0f}x the time"
