"""The DocDock and hugo-theme-learn shortcodes: the HTML each writes, as their Go templates
define it, and their errors. tests/test_docdock_browser.py compares whole pages with Hugo."""
from __future__ import annotations

import re

import pytest

from catalog.build import build
from conftest import REPO, build_ok
from test_shortcodes import body, page




@pytest.mark.parametrize("source, kind", [
    ("{{% alert %}}**Bold** text{{% /alert %}}", "info"),
    ("{{% alert warning %}}**Bold** text{{% /alert %}}", "warning"),
    ('{{< alert theme="danger" >}}**Bold** text{{< /alert >}}', "danger"),
])
def test_alert_kind_positional_or_named(make_site, source, kind):
    site = make_site(page(source + "\n"))
    build_ok(site)
    assert re.search(rf'<div class="alert alert-{kind}" role="alert">\s*<p><strong>Bold</strong> text</p>', body(site))


def test_panel_heading_body_footer(make_site):
    site = make_site(page('{{% panel theme="success" header="The *title*" footer="foot" %}}Text{{% /panel %}}\n'
                          "{{% panel %}}plain{{% /panel %}}\n"))
    build_ok(site)
    html = body(site)
    assert re.search(r'<div class="panel panel-success">\s*<div class="panel-heading">The <em>title</em></div>\s*'
                     r'<div class="panel-body">\s*<p>Text</p>\s*</div>\s*<div class="panel-footer">foot</div>', html)
    assert re.search(r'<div class="panel panel-primary">\s*<div class="panel-body">\s*<p>plain</p>', html)
    assert html.count("panel-heading") == 1


def test_button_is_a_link_with_icon_on_either_side(make_site):
    site = make_site(page(
        '{{< button href="https://example.org/get" theme="warning" align="center" >}} Get it {{< /button >}}\n\n'
        '{{% button href="/x/" icon="fa fa-download" %}}Left{{% /button %}}\n'
        '{{% button href="/y/" icon="download" icon-position="right" %}}Right{{% /button %}}\n'
        "{{< button >}}Nowhere{{< /button >}}\n"))
    build_ok(site)
    html = body(site)
    assert '<div class="btn-row btn-align-center"><a class="btn btn-warning" href="https://example.org/get">Get it</a></div>' in html
    assert '<a class="btn btn-primary" href="/x/"><span class="fa fa-download" aria-hidden="true"></span> Left</a>' in html
    assert '<a class="btn btn-primary" href="/y/">Right <span class="glyphicon glyphicon-download" aria-hidden="true"></span></a>' in html
    assert '<button class="btn btn-primary" type="button">Nowhere</button>' in html
    assert "onclick" not in html  # the CSP forbids inline script


def test_label(make_site):
    site = make_site(page('A {{% label type="success" %}}new{{% /label %}} thing.\n'))
    build_ok(site)
    assert 'A <span class="label label-default label-success">new</span> thing.' in body(site)


@pytest.mark.parametrize("source, classes", [
    ('{{< icon "fa-download" >}}', "icon fa fa-download"),
    ("{{< icon film >}}", "icon glyphicon glyphicon-film"),
    ('{{< icon name="film" size="large" >}}', "icon glyphicon glyphicon-film icon-size-large"),
    ('{{< icon name="fa-film" size="2x" >}}', "icon fa fa-film fa-2x"),
    ('{{< icon name="fas fa-cog" >}}', "icon fas fa-cog"),
])
def test_icon_positional_or_named(make_site, source, classes):
    site = make_site(page(f"Icon {source} here.\n"))
    build_ok(site)
    assert f'<span class="{classes}" aria-hidden="true"></span>' in body(site)


def test_icon_fonts_ship_with_the_theme_and_their_licences(make_site):
    site = make_site(page('{{< icon "fa-film" >}}\n'))
    build_ok(site)
    html = site.read("p/index.html")
    css_url = re.search(r'href="(/css/icons\.[0-9a-f]+\.css)"', html).group(1)
    css = site.read(css_url.lstrip("/"))
    for font in re.findall(r"url\('\.\./(fonts/[^')]+)'\)", css):
        assert site.exists(font), font  # every font the stylesheet names is published
    assert "fonts/font-awesome/fontawesome-webfont.woff2" in css and "glyphicons-halflings-regular.woff2" in css
    assert ".fa-film:before" in css and ".glyphicon-film:before" in css
    fonts = REPO / "themes/default/static/fonts"
    assert "SIL OPEN FONT LICENSE" in (fonts / "font-awesome/LICENSE.txt").read_text()
    assert "MIT License" in (fonts / "glyphicons/LICENSE").read_text()


def test_icon_size_that_needs_a_style_is_a_warning(make_site):
    site = make_site(page('{{< icon name="film" size="11px" >}}\n'))
    result = site.build()
    assert [d.code for d in result.report.items] == ["shortcode-icon"]
    assert result.report.items[0].line == 4 and "Content-Security-Policy" in result.report.items[0].message


def test_excerpt_and_excerpt_include(make_site):
    site = make_site({
        "content/a/source.md": "---\ntitle: Source\n---\nBefore.\n\n{{% excerpt %}}\nReused **text**.\n{{% /excerpt %}}\n",
        "content/a/hidden.md": '---\ntitle: Hidden\n---\n{{% excerpt hidden="true" %}}\nSecret.\n{{% /excerpt %}}\n',
        "content/b/user.md": ('---\ntitle: User\n---\n{{% excerpt-include filename="a/source.md" panel="From source" /%}}\n\n'
                              '{{% excerpt-include filename="a/hidden.md" /%}}\n'),
    })
    build_ok(site)
    assert "Reused <strong>text</strong>." in body(site, "a/source/index.html")
    assert "Secret." not in body(site, "a/hidden/index.html")
    html = body(site, "b/user/index.html")
    assert re.search(r'<div class="panel panel-default excerpt-include">\s*<div class="panel-heading">From source</div>'
                     r'\s*<div class="panel-body">\s*<p>Reused <strong>text</strong>.</p>', html)
    assert "Secret." in html  # hidden only on its own page, as DocDock's
    assert "Before." not in html


def test_excerpt_include_of_a_missing_page_is_a_located_error(make_site):
    site = make_site(page('Text\n\n{{% excerpt-include filename="nope/missing.md" /%}}\n'))
    result = site.build()
    assert not result.written
    [problem] = result.report.items
    assert (problem.path, problem.line, problem.code) == ("content/p.md", 6, "ref-not-found")


def test_excerpt_include_of_a_page_without_excerpt_warns(make_site):
    site = make_site({**page('{{% excerpt-include filename="q.md" /%}}\n'), "content/q.md": "---\ntitle: Q\n---\nNo excerpt.\n"})
    result = site.build()
    assert [d.code for d in result.report.items] == ["shortcode-excerpt-include"]


def test_attachments_listed_with_sizes_and_published(make_site):
    site = make_site({
        "content/guide/page.md": ('---\ntitle: Page\n---\n{{% attachments /%}}\n\n'
                                  '{{% attachments title="Only PDFs" pattern=".*pdf" style="orange" /%}}\n'),
        "content/guide/page.files/Manual.pdf": b"%PDF" + b"x" * 3000,
        "content/guide/page.files/notes.txt": b"hello",
        "content/guide/bundle/index.md": "---\ntitle: Bundle\n---\n{{% attachments /%}}\n",
        "content/guide/bundle/files/data.csv": b"a,b\n" * 600,
    })
    build_ok(site)
    html = body(site, "guide/page/index.html")
    assert re.search(r'<section class="attachments">\s*<div class="attachments-label">.*?Attachments</div>', html, re.S)
    assert '<li><a href="/guide/page.files/Manual.pdf">Manual.pdf</a> <span class="attachment-size">(2 kB)</span></li>' in html
    assert '<a href="/guide/page.files/notes.txt">notes.txt</a> <span class="attachment-size">(0 kB)</span>' in html
    only = html[html.index("attachments-orange"):]
    assert "Only PDFs" in only and "Manual.pdf" in only and "notes.txt" not in only
    assert site.exists("guide/page.files/Manual.pdf") and site.exists("guide/page.files/notes.txt")
    assert (site.root / "public/guide/page.files/Manual.pdf").read_bytes().startswith(b"%PDF")
    assert '<a href="/guide/bundle/files/data.csv">data.csv</a>' in body(site, "guide/bundle/index.html")
    assert site.exists("guide/bundle/files/data.csv")


def test_attachments_bad_pattern_and_missing_folder(make_site):
    site = make_site(page('{{% attachments pattern="(" /%}}\n\n{{% attachments /%}}\n'))
    result = site.build()
    codes = sorted((d.line, d.severity, d.code) for d in result.report.items)
    assert codes == [(4, "error", "shortcode-attachments"), (6, "warning", "shortcode-attachments")]


def test_attachments_under_a_version_prefix(make_site):
    site = make_site({"content/p.md": "---\ntitle: P\n---\n{{% attachments /%}}\n", "content/p.files/a b.txt": b"x"},
                     'title = "T"\nbase_url = "https://docs.example.org/7.0/"\n')
    build_ok(site)
    assert '<a href="/7.0/p.files/a%20b.txt">a b.txt</a>' in body(site)
    assert site.exists("p.files/a b.txt")


def test_revealjs_slides_are_sections_of_the_page(make_site):
    site = make_site(page("{{< revealjs theme=\"moon\" >}}\n# Morning\n\n___\n\n## Getting up\n\n- Alarm\n\n"
                          "---\n\n# Evening\nNote:\nSay goodnight\n{{< /revealjs >}}\n"))
    build_ok(site)
    html = body(site)
    groups = re.findall(r'<section class="slide-group">(.*?)</section>\s*</section>', html, re.S)
    assert len(groups) == 2
    slides = re.findall(r'<section class="slide">(.*?)</section>', html, re.S)
    assert [re.sub(r"<[^>]+>|\s+", " ", s).split() for s in slides] == [
        ["Morning"], ["Getting", "up", "Alarm"], ["Evening", "Say", "goodnight"]]
    assert '<div class="slide-heading slide-h1" role="heading" aria-level="1">Morning</div>' in html
    assert '<aside class="slide-notes">' in html
    assert "<script" not in html and "iframe" not in html
    assert "Morning" not in site.read("p/index.html").split('class="toc"')[-1].split("</nav>")[0]


def test_siteparam_and_include(make_site):
    site = make_site({
        **page('Name: {{% siteparam "product" %}}.\n\n{{% include "snippets/part.md" %}}\n\n'
               '{{< include file="snippets/part.md" showfirstheading="false" >}}\n'),
        "snippets/part.md": "## Included heading\n\nIncluded *text*.\n",
    }, 'title = "T"\nbase_url = "https://docs.example.org/"\n[params]\nProduct = "Cloudify"\n')
    build_ok(site)
    html = body(site)
    assert "Name: Cloudify." in html
    assert '<h2 id="included-heading">Included heading</h2>' in html
    assert html.count("Included <em>text</em>.") == 2
    assert '<div class="include hide-first-heading">' in html


@pytest.mark.parametrize("source, code", [
    ('{{% siteparam "nope" %}}', "shortcode-siteparam"),
    ('{{% include "snippets/none.md" %}}', "include-missing"),
    ('{{% include "../../etc/passwd" %}}', "include-missing"),
])
def test_siteparam_and_include_errors(make_site, source, code):
    site = make_site(page(f"Text\n\n{source}\n"))
    result = site.build()
    [problem] = result.report.items
    assert (problem.line, problem.severity, problem.code) == (6, "error", code)


CHILDREN = {
    "content/s/a/_index.md": "---\ntitle: A section\ndescription: About A\nweight: 2\ndate: 2020-01-02\n---\n",
    "content/s/a/inner.md": "---\ntitle: Inner page\n---\n",
    "content/s/a/deep/_index.md": "---\ntitle: Deep\n---\n",
    "content/s/a/deep/deeper.md": "---\ntitle: Deeper\n---\n",
    "content/s/b/_index.md": "---\ntitle: B section\nweight: 1\ndate: 2021-01-01\n---\n",
    "content/s/hid/_index.md": "---\ntitle: Hidden one\nhidden: true\nweight: 3\n---\n",
    "content/s/page.md": "---\ntitle: Loose page\nweight: 4\ndate: 2019-05-05\n---\n",
}


def children_of(args: str, make_site, config: str | None = None) -> str:
    files = {**CHILDREN, "content/s/_index.md": f"---\ntitle: S\n---\n{{{{% children {args} %}}}}\n"}
    site = make_site(files, config) if config else make_site(files)
    build_ok(site)
    return body(site, "s/index.html")


def links(html: str) -> list[tuple[str, str]]:
    """(element around the link, link text) in order."""
    return re.findall(r"<([a-z][\w-]*)[^>]*><a href=\"[^\"]+\">([^<]+)</a>", html)


def test_children_any_style_is_the_element_name(make_site):
    html = children_of('style="card"', make_site)
    assert '<div class="children children-card">' in html
    assert links(html) == [("card", "B section"), ("card", "A section")]


def test_children_heading_styles_step_down_by_depth(make_site):
    html = children_of('style="h5" depth="3"', make_site)
    assert links(html) == [("h5", "B section"), ("h5", "A section"), ("h6", "Deep"), ("h6", "Deeper"),
                           ("h6", "Inner page")]


@pytest.mark.parametrize("depth, titles", [
    ("0", ["B section", "A section"]),  # DocDock: the first level is always listed
    ("1", ["B section", "A section"]),
    ("999", ["B section", "A section", "Deep", "Deeper", "Inner page"]),
])
def test_children_depth(make_site, depth, titles):
    assert [t for _, t in links(children_of(f'depth="{depth}"', make_site))] == titles


def test_children_showhidden_sort_and_first_level_all(make_site):
    assert [t for _, t in links(children_of('showhidden="true"', make_site))] == ["B section", "A section", "Hidden one"]
    assert [t for _, t in links(children_of('sort="Name"', make_site))] == ["A section", "B section"]
    every = 'title = "T"\nbase_url = "https://docs.example.org/"\n[params]\nchildren_first_level = "all"\n'
    assert [t for _, t in links(children_of('sort="Date"', make_site, every))] == ["Loose page", "A section", "B section"]
    assert [t for _, t in links(children_of("", make_site, every))] == ["B section", "A section", "Loose page"]


def test_children_page_argument(make_site):
    files = {**CHILDREN, "content/other.md": '---\ntitle: O\n---\n{{% children page="s/a" style="div" %}}\n'}
    site = make_site(files)
    build_ok(site)
    assert [t for _, t in links(body(site, "other/index.html"))] == ["Deep"]


@pytest.mark.parametrize("args", ['style="script"', 'style="a b"', 'depth="x"'])
def test_children_bad_arguments_are_located_errors(make_site, args):
    files = {**CHILDREN, "content/s/_index.md": f"---\ntitle: S\n---\n{{{{% children {args} %}}}}\n"}
    result = make_site(files).build()
    [problem] = result.report.items
    assert (problem.path, problem.line, problem.code) == ("content/s/_index.md", 4, "shortcode-children")


def test_notice_second_argument_is_the_id(make_site):
    site = make_site(page('{{% notice warning careful %}}\nMind the *gap*.\n{{% /notice %}}\n'))
    build_ok(site)
    html = body(site)
    assert re.search(r'<div class="callout callout-warning callout-titled notice notices warning" id="careful"', html)
    assert "<em>gap</em>" in html and ">Warning</div>" in html


def test_expand_default_label_and_docdock_named_form(make_site):
    site = make_site(page('{{% expand %}}x{{% /expand %}}\n\n{{% expand default="Named" %}}y{{% /expand %}}\n'))
    build_ok(site)
    assert re.findall(r'<summary class="expand-label">([^<]*)</summary>', body(site)) == ["Expand me...", "Named"]


def test_mermaid_align(make_site):
    site = make_site(page('{{< mermaid align="left" >}}\ngraph LR; A-->B\n{{< /mermaid >}}\n'))
    build_ok(site)
    assert '<div class="mermaid mermaid-align-left">graph LR; A--&gt;B</div>' in body(site)


def test_tabs_group_id(make_site):
    site = make_site(page('{{< tabs groupId="lang" >}}\n{{% tab name="Python" %}}\npy\n{{% /tab %}}\n{{< /tabs >}}\n'))
    build_ok(site)
    assert '<div class="tabs" data-tabs data-tab-group="lang">' in body(site)


@pytest.mark.parametrize("source, expected", [
    ('{{% anchor default="here" %}}Spot{{% /anchor %}} {{% anchorlink anchor="here" %}}go{{% /anchorlink %}}',
     '<span class="anchor" id="anchor-here">Spot</span> <a href="#anchor-here">go</a>'),
    ("{{< code >}}\na <b> c\n{{< /code >}}", "<pre><code>a &lt;b&gt; c</code></pre>"),
    ('{{< emoticon name="smile" >}}', '<span class="emoticon" role="img" aria-label="smile">😀</span>'),
    ('{{< emoticon name="tick" >}}', '<span class="glyphicon glyphicon-ok-circle" role="img" aria-label="tick"></span>'),
    ("{{% well %}}Inset{{% /well %}}", '<div class="well">\n<p>Inset</p>'),
    ("{{% unknow %}}Kept{{% /unknow %}}", '<div class="unknow-macro">\n<p>Kept</p>'),
    ('{{% tasklist %}}\n{{% task completed="T" %}}Done{{% /task %}}\n{{% task %}}Open{{% /task %}}\n{{% /tasklist %}}',
     '<div class="task task-done">\n<label><input type="checkbox" disabled checked> Done</label>'),
    ('{{% userlink username="jdoe" %}}John{{% /userlink %}}', '<a class="userlink" href="#" title="user: jdoe">John</a>'),
    ("{{% section %}}Plain *text*{{% /section %}}", "<p>Plain <em>text</em></p>"),
])
def test_docdock_confluence_leftovers(make_site, source, expected):
    site = make_site(page(source + "\n"))
    build_ok(site)
    assert expected in body(site)


def test_cached_and_preview_builds_see_edits_to_the_files_shortcodes_read(make_site, tmp_path):
    """A body that shows other files (an attachment list, another page's excerpt, an
    included file) is rendered again when they change, in a cached build and in the
    preview's fast path (which gives way to a full build), and matches a cold build."""
    from catalog.render_cache import RenderCache
    from catalog.incremental import rebuild_bodies

    site = make_site({
        "content/src.md": "---\ntitle: Src\n---\n{{% excerpt %}}\nFirst words.\n{{% /excerpt %}}\n",
        "content/user.md": ('---\ntitle: User\n---\n{{% excerpt-include filename="src.md" /%}}\n\n'
                            '{{% attachments /%}}\n\n{{% include "snippets/s.md" %}}\n'),
        "content/user.files/a.txt": b"a" * 2048,
        "content/other.md": "---\ntitle: Other\n---\nPlain.\n",
        "snippets/s.md": "Snippet one.\n",
    })
    cache = RenderCache()

    def same_as_cold(name: str) -> str:
        warm = build_ok(site, out=tmp_path / f"warm-{name}", cache=cache)
        cold = build_ok(site, out=tmp_path / f"cold-{name}")
        assert warm.outputs == cold.outputs, name
        return warm.outputs["user/index.html"].decode()

    assert "First words." in same_as_cold("first")
    site.write({"content/src.md": "---\ntitle: Src\n---\n{{% excerpt %}}\nSecond words.\n{{% /excerpt %}}\n"})
    assert "Second words." in same_as_cold("excerpt")
    site.write({"content/user.files/b.txt": b"b" * 4096})
    html = same_as_cold("attachment")
    assert "b.txt" in html and "(4 kB)" in html
    site.write({"snippets/s.md": "Snippet two.\n"})
    assert "Snippet two." in same_as_cold("include")

    state = build(site.root, cache=cache, write=False, keep_state=True).state
    site.write({"content/src.md": "---\ntitle: Src\n---\n{{% excerpt %}}\nThird words.\n{{% /excerpt %}}\n"})
    assert rebuild_bodies(state, ["content/src.md"], cache) is None  # user.md shows it: a full build
    site.write({"content/other.md": "---\ntitle: Other\n---\nEdited.\n"})
    state = build(site.root, cache=cache, write=False, keep_state=True).state
    assert rebuild_bodies(state, ["content/user.files/c.txt"], cache) is None


def test_section_attachments_in_files_or_docdocks_index_files(make_site):
    site = make_site({
        "content/a/_index.md": "---\ntitle: A\n---\n{{% attachments /%}}\n",
        "content/a/files/one.txt": b"1",
        "content/b/_index.md": "---\ntitle: B\n---\n{{% attachments /%}}\n",
        "content/b/_index.files/two.txt": b"2",  # the folder DocDock's template reads
    })
    build_ok(site)
    assert '<a href="/a/files/one.txt">one.txt</a>' in body(site, "a/index.html")
    assert '<a href="/b/_index.files/two.txt">two.txt</a>' in body(site, "b/index.html")
    assert site.exists("a/files/one.txt") and site.exists("b/_index.files/two.txt")


def test_a_page_that_includes_a_file_is_reused_until_that_file_changes(make_site, tmp_path):
    """`include` (Hugo's readFile) makes the included file's digest a fact of the body: a
    rebuild with nothing changed renders nothing, an edit of that file renders that page
    only, and the result is a cold build's."""
    from catalog.render_cache import RenderCache

    site = make_site({
        "content/user.md": '---\ntitle: User\n---\n{{% include "snippets/s.md" %}}\n',
        "content/other.md": "---\ntitle: Other\n---\nPlain.\n",
        "snippets/s.md": "Snippet one.\n",
        "snippets/unrelated.md": "Not included.\n",
    })
    cache = RenderCache()
    assert build_ok(site, out=tmp_path / "first", cache=cache).rendered == 3  # with the home page
    assert build_ok(site, out=tmp_path / "again", cache=cache).rendered == 0
    site.write({"snippets/unrelated.md": "Still not included.\n"})
    assert build_ok(site, out=tmp_path / "unrelated", cache=cache).rendered == 0
    site.write({"snippets/s.md": "Snippet two.\n"})
    warm = build_ok(site, out=tmp_path / "edited", cache=cache)
    assert warm.rendered == 1 and "Snippet two." in warm.outputs["user/index.html"].decode()
    assert warm.outputs == build_ok(site, out=tmp_path / "cold").outputs


def test_hugo_builtin_figure_youtube_and_vimeo(make_site):
    """Hugo's built-in shortcodes that old sites use most: figure as Hugo 0.111 writes it;
    youtube and vimeo as links to the video (the site loads no player from other hosts)."""
    site = make_site({
        "content/f.md": ('---\ntitle: F\n---\n{{< figure src="/images/a.png" title="Fig" caption="A *small* one" '
                         'link="/big.png" alt="diagram" width="300" >}}\n\n{{< youtube w7Ft2ymGmfc >}}\n\n'
                         '{{< vimeo id="146022717" title="The talk" >}}\n'),
    })
    build_ok(site)
    html = site.read("f/index.html")
    assert ('<figure><a href="/big.png"><img src="/images/a.png" alt="diagram" width="300"/></a>'
            '<figcaption><h4 id="fig">Fig</h4><p>A <em>small</em> one</p>') in html
    assert '<a href="https://www.youtube.com/watch?v=w7Ft2ymGmfc">Watch the video on YouTube</a>' in html
    assert '<a href="https://vimeo.com/146022717">The talk</a>' in html
    result = make_site({"content/g.md": "---\ntitle: G\n---\n{{< figure >}}\n"}).build()
    assert any(d.code == "shortcode-figure" and d.severity == "error" for d in result.report.items)
