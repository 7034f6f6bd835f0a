"""The shortcodes answered in Python (catalog/native_shortcodes.py: relref, ref, param, the
callouts, tabs, tab, highlight) write what their packaged templates write: the same pages,
byte for byte, and the same diagnostics, for every kind of call (found, lenient, missing,
fragments, positional or named arguments, values of every type, titles with markup, both
notations and Liquid tags, nested and empty tab groups), and a project's own template, or
its own partial, still wins."""
from __future__ import annotations

from catalog import render
from catalog.render import BodyRenderer

CONFIG = """\
title = "Native"
base_url = "https://docs.example.org/v/"
[params]
product = "Cloudify <Manager> & co"
version = 7.1
flags = [true, false]
table = { Key = "v", other = 2 }
nothing = ""
"""

CALLS = [
    '{{< relref "a/one.md" >}}', '{{< relref "a/one.md#setup" >}}', '{{< relref "one.md" >}}',
    '{{< relref path="a/one.md" >}}', '{{< relref "/a/one.md" >}}', '{{< relref "a//one.md" >}}',
    '{{< relref "a/one.html" >}}', '{{< relref "missing.md" >}}', '{{< relref >}}', '{{< relref "" >}}',
    '{{< relref "#local" >}}', '{{< relref "a" >}}', '{{< relref "/" >}}', '{{< relref "../b/two.md" >}}',
    '{{< relref "a/amp&.md" >}}', '{{% relref "a/one.md" %}}', '[link]({{< relref "b/two.md" >}})',
    '{{< ref "a/one.md" >}}', '{{< ref "b/two.md#x" >}}', '{{< ref path="b/two.md" >}}', '{{< ref >}}',
    '{{< ref "nowhere.md" >}}', '{{% ref "b/two.md" %}}',
    '{{< param product >}}', '{{< param "version" >}}', '{{< param flags >}}', '{{< param table >}}',
    '{{< param name="product" >}}', '{{< param own >}}', '{{< param Own >}}', '{{< param listed >}}',
    '{{< param missing >}}', '{{< param >}}', '{{< param nothing >}}', '{{% param product %}}',
    '{{< param "" >}}', '{{< param product extra >}}',
    # paired: callouts, tabs, highlight
    '{{% note %}}\nA *note* with {{< param product >}}.\n{{% /note %}}',
    '{{< note title="Ignored <b>title</b>" >}}\nText & more.\n{{< /note >}}',
    '{% note title="Liquid **title**" %}\nLiquid note.\n{% endnote %}', '{% note %}\nUntitled.\n{% endnote %}',
    '{{% warning title="Careful <i>now</i> & then" %}}\n- a list\n- in a warning\n{{% /warning %}}',
    '{{< warning >}}\nPlain warning.\n{{< /warning >}}', '{{% tip title="" %}}\nEmpty title.\n{{% /tip %}}',
    '{{% info title="Info" %}}\n```yaml\na: 1\n```\n{{% /info %}}', '{% info title=Bare %}\nx\n{% endinfo %}',
    '{% tip title="<script>" %}\nLiquid tip.\n{% endtip %}', '{% warning %}\nLiquid warning.\n{% endwarning %}',
    '{{< tabs >}}\n{{% tab name="One" %}}\nFirst *pane*.\n{{% /tab %}}\n{{% tab title="Two & <2>" %}}\n'
    '```go\nfunc main() {}\n```\n{{% /tab %}}\n{{% tab "Third" %}}\nthird\n{{% /tab %}}\n'
    '{{% tab %}}\nno name\n{{% /tab %}}\n{{< /tabs >}}',
    '{{< tabs groupId="lang" id="g<1>" name="Pick one" >}}\n{{< tab name="A" >}}\na\n{{< /tab >}}\n'
    'between\n{{< note >}}\nnested note\n{{< /note >}}\n{{< /tabs >}}',
    '{{< tabs groupid="os" title="T" >}}\n{{% tab name="Linux" %}}\nl\n{{% /tab %}}\n{{< /tabs >}}',
    '{{< tabs >}}\nno tabs at all, *just text*\n{{< /tabs >}}', '{{< tabs >}}{{< /tabs >}}',
    '{{< tab name="Lonely" >}}\nA tab outside tabs.\n{{< /tab >}}',
    '{{< highlight go >}}\nfunc main() {}\n{{< /highlight >}}',
    '{{< highlight json "linenos=inline, hl_lines=2" >}}\n\n{"a": 1,\n "b": 2}\n\n{{< /highlight >}}',
    '{{< highlight lang="python" options="linenos=table" >}}\nprint(1)\n{{< /highlight >}}',
    '{{< highlight >}}\nno language\n{{< /highlight >}}',
    '{{< highlight nosuchlanguage >}}\ncode\n{{< /highlight >}}',
    '{{< highlight go "hl_lines=x-y" >}}\nbad options\n{{< /highlight >}}',
    '{% highlight yaml linenos %}\na: 1\nb: 2\n{% endhighlight %}', '{% highlight ruby %}\nputs 1\n{% endhighlight %}',
    '{% highlight shell hl_lines=1 %}\nls\n{% endhighlight %}',
]


def _site(make_site):
    page = "\n\n".join(f"{i}: {call}" for i, call in enumerate(CALLS))
    return make_site({
        "content/_index.md": "---\ntitle: Home\n---\n" + page,
        "content/a/_index.md": "---\ntitle: A\n---\n",
        "content/a/one.md": "---\ntitle: One\n---\n## Setup\n",
        "content/a/amp&.md": "---\ntitle: Amp\n---\n",
        "content/b/_index.md": "---\ntitle: B\n---\n",
        "content/b/two.md": ("---\ntitle: Two\nown: \"<b>mine</b>\"\nlisted: [1, 2.5, x]\n---\n"
                             "## X\n\n" + page),
    }, config=CONFIG)


def _outputs(site):
    result = site.build(write=False)  # the calls that fail fail the build: read what it made
    pages = {rel: result.outputs[rel].decode() for rel in ("index.html", "b/two/index.html")}
    return pages, site.messages(result)


def test_native_calls_write_what_their_templates_write(make_site, monkeypatch):
    site = _site(make_site)
    native_pages, native_messages = _outputs(site)
    # the same site with every call rendered through its template
    monkeypatch.setattr(BodyRenderer, "natives", property(lambda self: {}))
    template_pages, template_messages = _outputs(site)
    assert native_pages == template_pages
    assert native_messages == template_messages
    # what the calls are about was rendered and reported, not skipped by both
    assert "https://docs.example.org/v/a/one/" in native_pages["index.html"]
    assert "Cloudify &lt;Manager&gt; &amp; co" in native_pages["index.html"]
    assert any("param-missing" in m for m in native_messages)
    assert any("ref-lenient" in m for m in native_messages)
    home = native_pages["index.html"]
    assert 'class="callout callout-warning callout-titled"' in home and 'class="tab-pane"' in home
    assert 'data-tab-group="lang"' in home and 'class="highlight"' in home


def test_natives_stand_in_only_for_the_packaged_templates(make_site, monkeypatch):
    site = _site(make_site)
    calls = []
    real = render.BodyRenderer.natives.func  # the cached_property's function

    def counting(self):
        chosen = real(self)
        calls.append(sorted(chosen))
        return chosen

    monkeypatch.setattr(BodyRenderer, "natives", property(counting))
    site.build(write=False)
    assert calls and calls[0] == ["highlight", "info", "note", "param", "ref", "relref", "tab", "tabs", "tip",
                                  "warning"]
    # a project's own relref template is used as written, byte for byte its own output
    site.write({"layouts/shortcodes/relref.html": "REL[{{ get(0) }}]"})
    calls.clear()
    result = site.build(write=False)
    assert "relref" not in calls[0] and "param" in calls[0]
    assert "REL[a/one.md]" in result.outputs["index.html"].decode()
    assert not any("relref" in m and "failed" in m for m in site.messages(result))
    # ... and so is its own copy of a partial: every shortcode that imports it renders through it
    site.write({"layouts/partials/callout.html": '{% macro callout(kind, label, inner, keep_title=true) %}'
                                                 'OWN-{{ kind }}{% endmacro %}'})
    calls.clear()
    result = site.build(write=False)
    assert not {"note", "warning", "tip", "info"} & set(calls[0]) and "tabs" in calls[0]
    assert "OWN-warning" in result.outputs["index.html"].decode()
