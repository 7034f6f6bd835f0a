"""kramdown's block HTML on pages written for Jekyll: an element ends at its end tag and
the lines after it are Markdown again; other pages keep CommonMark's (Hugo's) rule."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from catalog.markdown import Markdown
from conftest import build_ok, write_files

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
