"""Every built-in shortcode and Liquid tag, in both notations, nested, and their errors."""
from __future__ import annotations

import re

import pytest

from conftest import build_ok


def body(site, rel: str = "p/index.html") -> str:
    html = site.read(rel)
    start = html.index('class="page-body"')
    return html[start: html.index("</article>", start)]


def page(text: str, front: str = "title: P") -> dict[str, str]:
    return {"content/p.md": f"---\n{front}\n---\n{text}"}


CONFIG = ('title = "Test site"\nbase_url = "https://docs.example.org/"\n'
          '[params]\nmanager = "Cloudify Manager"\nnested = { deep = "value" }\n')


@pytest.mark.parametrize("source, expected", [
    ('{{< param manager >}}', "Cloudify Manager"),
    ('{{% param "manager" %}}', "Cloudify Manager"),
    ('{{< param own >}}', "page value"),            # front matter wins over the site's params
    ('{{< param nested.deep >}}', "value"),
    ('{{< field "manager" >}}', "Cloudify Manager"),
    ('{{< field key="missing" default="fallback" >}}', "fallback"),
])
def test_param_and_field(make_site, source, expected):
    site = make_site(page(f"Value: {source}.\n", "title: P\nown: page value"), CONFIG)
    build_ok(site)
    assert f"Value: {expected}." in body(site)


def test_field_set_nowhere_prints_nothing_with_a_warning(make_site):
    """Hugo's field template prints an empty value and the site builds: a warning here,
    an error under --strict."""
    site = make_site(page("one\n\nValue: [{{< field missing >}}].\n"), CONFIG)
    result = site.build()
    [d] = result.report.items
    assert (d.path, d.line, d.col, d.severity, d.code) == ("content/p.md", 6, 9, "warning", "field-missing")
    assert "field 'missing' is not set" in d.message and 'default="..."' in d.hint
    assert result.written and "Value: []." in body(site)
    assert not site.build(strict=True).written


def test_missing_param_is_a_located_error(make_site):
    site = make_site(page("one\n\ntwo {{< param nope >}}\n"), CONFIG)
    result = site.build()
    [d] = result.report.items
    assert (d.path, d.line, d.col, d.severity) == ("content/p.md", 6, 5, "error")
    assert "param 'nope' is not set" in d.message


def test_param_inside_code_is_plain_text(make_site):
    site = make_site(page("```bash\ncfy install --name '{{< param manager >}}'\n```\n"), CONFIG)
    build_ok(site)
    text = re.sub(r"<[^>]+>", "", body(site))
    assert "cfy install --name &#39;Cloudify Manager&#39;" in text or "cfy install --name 'Cloudify Manager'" in text


def test_highlight_shortcode_with_options(make_site):
    site = make_site(page('{{< highlight yaml "linenos=inline, hl_lines=2" >}}\na: 1\nb: 2\n{{< /highlight >}}\n'))
    build_ok(site)
    html = body(site)
    assert 'class="highlight"' in html and "language-yaml" in html
    assert html.count("hl") >= 1 and re.search(r"<span[^>]*class=\"[^\"]*hl[^\"]*\"", html)
    assert ">1<" in html or ">1 <" in html  # inline line numbers


@pytest.mark.parametrize("name", ["note", "tip", "warning", "info"])
def test_callouts_without_title_are_plain_alerts(make_site, name):
    site = make_site(page(f"{{{{% {name} %}}}}\nSome **bold** text.\n{{{{% /{name} %}}}}\n"))
    build_ok(site)
    html = body(site)
    assert f"callout-{name}" in html and "<strong>bold</strong>" in html and "callout-title" not in html


@pytest.mark.parametrize("name, titled", [("warning", True), ("tip", True), ("info", True), ("note", False)])
def test_callout_titles_follow_docdock(make_site, name, titled):
    site = make_site(page(f'{{{{< {name} title="Heads up" >}}}}\nText\n{{{{< /{name} >}}}}\n'))
    build_ok(site)
    assert ("Heads up" in body(site)) is titled


def test_notice(make_site):
    site = make_site(page('{{% notice tip %}}\nUse *this*.\n{{% /notice %}}\n'))
    build_ok(site)
    html = body(site)
    assert "callout-tip" in html and "<em>this</em>" in html


def test_expand_is_collapsible(make_site):
    site = make_site(page('{{% expand "Show the details" %}}\nHidden *text*\n{{% /expand %}}\n'
                          '{{< expand title="Second" >}}\nmore\n{{< /expand >}}\n'))
    build_ok(site)
    html = body(site)
    assert html.count("<details") == 2 and "Show the details" in html and "Second" in html
    assert "<em>text</em>" in html


def test_mermaid_keeps_source_escaped(make_site):
    site = make_site(page("{{< mermaid >}}\ngraph LR; A-->B\n{{< /mermaid >}}\n"))
    build_ok(site)
    assert re.search(r'<div class="mermaid[^"]*"[^>]*>\s*graph LR; A--&gt;B', body(site))


def test_icon(make_site):
    site = make_site(page('Click {{< icon "fa-download" >}} to get it.\n'))
    build_ok(site)
    assert re.search(r'<span class="[^"]*fa-download[^"]*"', body(site))


def test_tabs_with_nested_shortcodes(make_site):
    site = make_site(page(
        '{{< tabs >}}\n{{% tab name="Python" %}}\n```python\nprint(1)\n```\n{{% /tab %}}\n'
        '{{% tab name="Shell" %}}\nRun {{< param manager >}} **now**\n{{% /tab %}}\n{{< /tabs >}}\n'), CONFIG)
    build_ok(site)
    html = body(site)
    buttons = re.findall(r'role="tab"[^>]*aria-controls="([^"]+)"[^>]*>([^<]+)<', html)
    assert [b[1] for b in buttons] == ["Python", "Shell"]
    for panel_id, _ in buttons:
        assert f'id="{panel_id}"' in html  # each tab addresses a real pane
    assert "Run Cloudify Manager <strong>now</strong>" in html
    assert "language-python" in html


def test_children_lists_descriptions_and_depth(make_site):
    site = make_site({
        "content/s/_index.md": '---\ntitle: S\n---\n{{< children style="h3" description="true" depth="2" >}}\n',
        "content/s/a/_index.md": "---\ntitle: A section\ndescription: About A\nweight: 2\n---\n",
        "content/s/a/inner.md": "---\ntitle: Inner page\n---\n",
        "content/s/b/_index.md": "---\ntitle: B section\nweight: 1\n---\n",
        "content/s/page.md": "---\ntitle: Loose page\n---\n",
    })
    build_ok(site)
    html = body(site, "s/index.html")
    assert re.search(r'<h3[^>]*><a href="/s/b/">B section</a></h3>.*<h3[^>]*><a href="/s/a/">A section</a></h3>', html, re.S)
    assert "About A" in html and "Inner page" in html
    assert "Loose page" not in html  # sections first: pages are listed only when there are none


def test_escaped_shortcode_is_literal(make_site):
    site = make_site(page('Write `{{</* relref "x.md" */>}}` and {{%/* note */%}}.\n'))
    build_ok(site)
    html = body(site)
    assert "<code>{{&lt; relref &quot;x.md&quot; &gt;}}</code>" in html
    assert "{{% note %}}" in html


def test_unknown_unclosed_and_stray_all_reported_at_once(make_site):
    site = make_site(page(
        "{{< notte >}}\n\n"                     # line 4: unknown, did you mean note
        "{{< warning >}}\nnever closed\n\n"     # line 6: unclosed
        "{{< /expand >}}\n"                     # line 9: stray close
        "{{< highlight yaml >}}\na: 1\n"))      # line 10: unclosed
    result = site.build()
    assert not result.written
    found = [(d.line, d.code) for d in result.report.sorted()]
    assert found == [(4, "shortcode-unknown"), (6, "shortcode-unclosed"), (9, "shortcode-stray-close"),
                     (10, "shortcode-unclosed")]
    assert result.report.sorted()[0].hint == "did you mean 'note'?"


def test_site_defines_its_own_shortcode_without_python(make_site):
    site = make_site({
        **page('{{< badge "stable" >}} and {{% card title="Hi" %}}*inner*{{% /card %}}\n'),
        "layouts/shortcodes/badge.html": '<span class="badge">{{ get(0) | upper }}</span>',
        "layouts/shortcodes/card.html": '<div class="card"><h4>{{ get("title") }}</h4>{{ inner.html }}</div>',
    })
    build_ok(site)
    html = body(site)
    assert '<span class="badge">STABLE</span>' in html
    assert '<div class="card"><h4 id="hi">Hi</h4><p><em>inner</em></p>' in html


def test_a_site_template_overrides_the_theme_shortcode(make_site):
    site = make_site({**page("{{% note %}}x{{% /note %}}\n"),
                      "layouts/shortcodes/note.html": '<aside class="mine">{{ inner.html }}</aside>'})
    build_ok(site)
    assert '<aside class="mine">' in body(site)


def test_broken_custom_template_is_reported_not_raised(make_site):
    site = make_site({**page("ok\n{{< boom >}}\n"),
                      "layouts/shortcodes/boom.html": "{{ 1 // 0 }}"})
    result = site.build()
    [d] = result.report.items
    assert (d.line, d.code) == (5, "shortcode-failed") and "by zero" in d.message and "(at layouts/shortcodes/boom.html:1)" in d.message


# -- Jekyll / Liquid --------------------------------------------------------------------------

def test_liquid_tabs_callouts_summary_highlight(make_site):
    site = make_site(page(
        "{%inittab%}\n{% tabcontent Drag and Drop enabled %}\n*Drag* it\n{%endtabcontent%}\n"
        "{% tabcontent Drag and Drop disabled %}\nClick it\n{%endtabcontent%}\n{%endinittab%}\n\n"
        "{% info title=Be careful %}\nAn *info*.\n{% endinfo %}\n\n"
        "{% summary %}\nThe lead.\n{% endsummary %}\n\n"
        "{% highlight yaml %}\nkey: value\n{% endhighlight %}\n\n"
        "{% raw %}{% note %}{% endraw %} stays text, so does {% if x %}.\n"))
    build_ok(site)
    html = body(site)
    assert [t.strip() for t in re.findall(r'role="tab"[^>]*>([^<]+)<', html)] == \
        ["Drag and Drop enabled", "Drag and Drop disabled"]
    assert "<em>Drag</em> it" in html and "callout-info" in html and "Be careful" in html
    assert "The lead." in html and "language-yaml" in html
    assert "{% note %} stays text, so does {% if x %}." in html


def test_kramdown_ials_on_a_jekyll_page(make_site):
    site = make_site(page("![icon](i.png){: .inline}\n\n{: .table .table-bordered}\n| a | b |\n|---|---|\n| 1 | 2 |\n"))
    build_ok(site)
    html = body(site)
    assert re.search(r'<img[^>]*class="inline"', html)
    assert re.search(r'<table[^>]*class="table table-bordered"', html)
    assert "{:" not in html


def test_unclosed_liquid_block_is_reported(make_site):
    site = make_site(page("{% warning %}\ntext\n"))
    result = site.build()
    [d] = result.report.items
    assert (d.line, d.code) == (4, "shortcode-unclosed") and "{% endwarning %}" in d.hint


def test_liquid_tag_name_ends_where_liquid_ends_it(make_site):
    # Alien4Cloud's admin guide has '{%info²%}': Liquid reads the name as ASCII letters,
    # digits and '_' (\w in Ruby), so this is the tag 'info' with the markup '²', and
    # Jekyll builds the page with an info callout
    site = make_site(page("Before.\n\n{%info²%}\n##### JVM tuning\nSee *the* tuning section.\n{%endinfo%}\n\n"
                          "{% note %}\nIntact.\n{%endnote²%}\nAfter.\n"))
    result = site.build()
    assert not result.report.failed(), "\n".join(site.messages(result))
    found = [(d.line, d.col, d.severity, d.code) for d in result.report.sorted()]
    assert found == [(6, 1, "warning", "liquid-tag-name"), (13, 1, "warning", "liquid-tag-name")]
    first = result.report.sorted()[0]
    assert "'{%info²%}'" in first.message and "the tag 'info'" in first.message and "'²'" in first.message
    assert first.hint.startswith("write {% info %}")
    html = body(site)
    callout = html[html.index("callout-info"):]
    callout = callout[:callout.index("</div>")]
    assert "JVM tuning" in callout and "<em>the</em>" in callout and "²" not in html
    assert "Intact." in html[html.index("callout-note"):] and "After." in html
    assert "{%" not in html
    assert site.build(strict=True).report.failed(strict=True)


@pytest.mark.parametrize("source", ["{%info²%}\nx\n", "{% info %}\nx\n{%endinfox%}\n"])
def test_liquid_block_left_open_stays_an_error(make_site, source):
    # Liquid refuses a block without its end tag ('endinfox' is another tag's name)
    site = make_site(page(source))
    result = site.build()
    assert "shortcode-unclosed" in {d.code for d in result.report.errors()}


def test_escapes_and_raw_inside_paired_shortcodes_stay_literal(make_site):
    site = make_site(page('{{% note %}}\nWrite {{</* param "x" */>}} here.\n{{% /note %}}\n'
                          '{{< highlight jinja >}}\n{% raw %}{% if x %}{{ x }}{% endif %}{% endraw %}\n{{< /highlight >}}\n'))
    build_ok(site)
    html = body(site)
    assert "Write {{&lt; param &quot;x&quot; &gt;}} here." in html
    text = re.sub(r"<[^>]+>", "", html)
    assert "{% if x %}{{ x }}{% endif %}" in text
