"""Work done once for content repeated across pages, with the same output and every
warning still reported at its place: shortcode outputs remembered by their arguments
(catalog/shortcode_memo.py, only for templates that read nothing but the call), small
Markdown texts (catalog/markdown.py) and children's summaries (shortcode_functions.py)."""
from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from catalog.shortcode_memo import ShortcodeMemo
from conftest import build_ok

# the names a shortcode's context provides (render.py's _call_context), besides the call's own
CONTEXT = dict.fromkeys(["get", "args", "kwargs", "name", "markup", "notation", "error", "warn", "uid", "inner",
                         "nested", "page", "site", "relref", "ref", "param", "markdownify", "highlight",
                         "attachments", "read_file"])


def pure(templates: dict[str, str], name: str = "shortcodes/t.html") -> bool:
    env = jinja2.Environment(loader=jinja2.DictLoader(templates))
    env.globals["asset"] = lambda path: path
    return ShortcodeMemo(env)._is_pure(name, CONTEXT)


@pytest.mark.parametrize("source", [
    '{{ get(0) | upper }}',
    '{% set x = get("name") or get(0) %}<i class="{{ x }}"></i>{% if not x %}{{ error("no name") }}{% endif %}',
    '{% if get(0) %}{% set size = "lg" %}{% endif %}{{ size }}',  # maybe unset: undefined, not the page's
    '{{ kwargs | length }} {{ args | join(",") }} {{ name }} {{ markup }} {{ notation }} {{ range(3) | list }}',
    '{% from "partials/p.html" import m %}{{ m(get(0)) }}',
    '{% include "partials/q.html" %}',
])
def test_templates_that_read_only_their_call_are_pure(source):
    assert pure({"shortcodes/t.html": source, "partials/p.html": "{% macro m(a) %}<b>{{ a }}</b>{% endmacro %}",
                 "partials/q.html": "{{ get(1) }}"})


@pytest.mark.parametrize("source", [
    '{{ page.title }}',
    '<div id="{{ uid }}">{{ get(0) }}</div>',
    '{{ inner }}',
    '{{ relref(get(0)) }}',
    '{{ asset("x.css") }}',  # a global: the same in a build, but not the call's
    '{{ [1, 2, 3] | random }}',
    '{{ lipsum(1) }}',
    '{% from "partials/reads_page.html" import m with context %}{{ m() }}',
    '{% from "partials/reads_global.html" import m %}{{ m() }}',
    '{% include "partials/reads_page.html" %}',
    '{% include get(0) %}',  # chosen at run time
    '{% from "partials/missing.html" import m %}{{ m() }}',
    '{% if get(0) %}{% set page = get(0) %}{% endif %}{{ page }}',  # unset: the page's
])
def test_templates_that_read_the_page_site_or_place_are_not(source):
    assert not pure({"shortcodes/t.html": source,
                     "partials/reads_page.html": "{% macro m() %}{{ page.title }}{% endmacro %}{{ page.title }}",
                     "partials/reads_global.html": '{% macro m() %}{{ asset("a") }}{% endmacro %}'})


def test_the_default_themes_argument_only_shortcodes_qualify():
    theme = Path(__file__).resolve().parent.parent / "themes" / "default" / "layouts"
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(theme)))
    env.globals.update(asset=str, sidebar=str)
    memo = ShortcodeMemo(env)
    assert all(memo._is_pure(f"shortcodes/{name}.html", CONTEXT) for name in ("icon", "emoticon", "youtube", "vimeo"))
    assert not any(memo._is_pure(f"shortcodes/{name}.html", CONTEXT) for name in ("relref", "param", "siteparam"))


def test_a_template_reading_the_page_renders_on_each_page(make_site):
    site = make_site({
        "layouts/shortcodes/who.html": "<b>{{ page.title }}:{{ get(0) }}</b>",
        "content/a.md": "---\ntitle: Alpha\n---\n{{< who x >}}\n",
        "content/b.md": "---\ntitle: Beta\n---\n{{< who x >}}\n",
    })
    build_ok(site)
    assert "<b>Alpha:x</b>" in site.read("a/index.html")
    assert "<b>Beta:x</b>" in site.read("b/index.html")


def test_a_pure_call_renders_once_per_arguments(make_site, monkeypatch):
    from catalog.theme import Theme
    renders: list[str] = []
    original = Theme.render_with  # every template a build renders goes through it

    def counting(self, template, context):
        renders.append(template.name)
        return original(self, template, context)

    monkeypatch.setattr(Theme, "render_with", counting)
    site = make_site({
        "layouts/shortcodes/badge.html": '<span class="badge">{{ get(0) | upper }}</span>',
        "content/a.md": "---\ntitle: A\n---\n{{< badge new >}} {{< badge new >}} {{< badge old >}}\n",
        "content/b.md": "---\ntitle: B\n---\n{{< badge new >}}\n",
    })
    build_ok(site, jobs=1)
    assert renders.count("shortcodes/badge.html") == 2  # "new" once, "old" once
    a = site.read("a/index.html")
    assert a.count('<span class="badge">NEW</span>') == 2 and '<span class="badge">OLD</span>' in a
    assert '<span class="badge">NEW</span>' in site.read("b/index.html")


def test_a_call_that_warns_warns_at_each_place(make_site):
    site = make_site({
        "content/a.md": '---\ntitle: A\n---\n{{< icon name="film" size="11px" >}}\n\n{{< icon name="film" size="11px" >}}\n',
        "content/b.md": '---\ntitle: B\n---\ntext\n\n{{< icon name="film" size="11px" >}}\n',
    })
    result = site.build(jobs=1)
    places = sorted((d.path, d.line) for d in result.report.items if d.code == "shortcode-icon")
    assert places == [("content/a.md", 4), ("content/a.md", 6), ("content/b.md", 6)]
    assert site.read("a/index.html").count('<span class="icon glyphicon glyphicon-film" aria-hidden="true">') == 2


def test_the_same_small_text_on_two_pages_reports_on_both(make_site):
    text = "para\n\n{: .lost}\n\nnext\n"
    site = make_site({"content/a.md": f"---\ntitle: A\n---\n{text}", "content/b.md": f"---\ntitle: B\n\n---\n{text}"})
    result = site.build(jobs=1)
    lost = sorted((d.path, d.line) for d in result.report.items if ".lost" in d.message)
    assert lost == [("content/a.md", 6), ("content/b.md", 7)]
    assert "<p>next</p>" in site.read("a/index.html") and "<p>next</p>" in site.read("b/index.html")


def test_a_child_listed_by_two_pages_is_summarised_once(make_site, monkeypatch):
    from catalog.markdown import Markdown
    rendered: list[str] = []
    original = Markdown.render
    monkeypatch.setattr(Markdown, "render", lambda self, text, **kw: rendered.append(text) or original(self, text, **kw))
    words = " ".join(f"word{n}" for n in range(300)) + "."
    site = make_site({
        "content/_index.md": '---\ntitle: Home\n---\n{{% children depth="2" description="true" %}}\n',
        "content/s/_index.md": '---\ntitle: S\n---\n{{% children description="true" %}}\n',
        "content/s/child.md": f"---\ntitle: Child\n---\n{words}\n",
    })
    build_ok(site, jobs=1)
    child = [text for text in rendered if text.startswith("word0 ")]
    assert len(child) == 2  # its own page, and one summary for both listings
    summary = " ".join(f"word{n}" for n in range(300)) + "."  # no sentence end before: to the end
    assert summary in site.read("index.html") and summary in site.read("s/index.html")
