"""relref, ref and param answered in Python (catalog/native_shortcodes.py) write what their
packaged templates write: the same pages, byte for byte, and the same diagnostics, for
every kind of call (found, lenient, missing, with a fragment, positional or named
arguments, values of every type), and a project's own template still wins."""
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
    assert calls and calls[0] == ["param", "ref", "relref"]
    # a project's own relref template is used as written, byte for byte its own output
    site.write({"layouts/shortcodes/relref.html": "REL[{{ get(0) }}]"})
    calls.clear()
    result = site.build(write=False)
    assert calls and calls[0] == ["param", "ref"]
    assert "REL[a/one.md]" in result.outputs["index.html"].decode()
    assert not any("relref" in m and "failed" in m for m in site.messages(result))
