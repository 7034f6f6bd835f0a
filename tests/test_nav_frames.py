"""The sidebar's open ancestors are rendered once around a mark and each page's entries
spliced in, and an ancestor's children are joined once with the branch's entry spliced
into them (catalog/nav.py): the pages must be exactly what rendering every entry for
every page gives, with the default theme's nav.html and with a site's own that does more
with an entry's children than show them once."""
from __future__ import annotations

import shutil

import pytest

import catalog.page_render
from benchmarks.corpus import write_corpus
from benchmarks.projects import SITE_TOML
from catalog.build import build
from catalog.nav import Sidebar
from conftest import REPO

PAGES = {
    "content/_index.md": "---\ntitle: Home\n---\nHome.\n",
    "content/a/_index.md": "---\ntitle: A\nweight: 1\n---\nA.\n",
    "content/a/one.md": "---\ntitle: One\n---\nOne.\n",
    "content/a/two.md": "---\ntitle: Two & more\n---\nTwo.\n",
    "content/a/b/_index.md": "---\ntitle: B\n---\nB.\n",
    "content/a/b/deep.md": "---\ntitle: Deep\n---\nDeep.\n",
    "content/a/b/hidden.md": "---\ntitle: Hidden\nhidden: true\n---\nHidden.\n",
    "content/c/_index.md": "---\ntitle: C\nalwaysopen: true\nweight: 2\n---\nC.\n",
    "content/c/three.md": "---\ntitle: Three\n---\nThree.\n",
}

# an entry macro that shows its children twice and counts them: it cannot be split once
TWICE = """{%- macro item(node, current, in_branch, children, open) -%}
<li data-size="{{ children | length }}"{% if current %} class="current"{% endif %}>{{ node.title }}
{% if children %}<ul>{{ children }}</ul><ol>{{ children }}</ol>{% endif %}</li>
{% endmacro -%}
"""


class _Unframed(Sidebar):
    """Every entry rendered for every page, each child of the branch in turn: the reference."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._frames = _NoFrames()

    def _branch_children(self, node, page, branch):  # not the joined row with one entry spliced in
        return "".join(self._entry(child, page, branch) for child in node.children if not child.hidden)

    def _spliced(self, page):  # not the parent's memo either
        return None


class _NoFrames(dict):
    def __contains__(self, key: object) -> bool:
        return True

    def __getitem__(self, key: object) -> None:
        return None


@pytest.mark.parametrize("own_nav", [False, True])
def test_spliced_sidebar_is_what_rendering_every_entry_gives(make_site, tmp_path, monkeypatch, own_nav):
    files = dict(PAGES)
    if own_nav:
        files["layouts/partials/nav.html"] = TWICE
    site = make_site(files)
    spliced = site.build(out=tmp_path / "spliced", jobs=1)
    monkeypatch.setattr(catalog.page_render, "Sidebar", _Unframed)
    reference = site.build(out=tmp_path / "reference", jobs=1)
    assert not spliced.report.items and not reference.report.items
    assert dict(spliced.outputs) == dict(reference.outputs)
    deep = spliced.outputs["a/b/deep/index.html"].decode()
    if own_nav:  # the site's macro ran for the ancestors of the page, children shown twice
        assert deep.count("<ol>") >= 2 and 'class="current">Deep' in deep
    else:
        assert 'aria-current="page">Deep</a>' in deep and "Two &amp; more" in deep
        assert deep.count("is-ancestor") == 2  # A and B: the spliced frames


# -- the sidebar of a page made from what its siblings share (Sidebar._spliced) ------------------------

class _Unspliced(Sidebar):
    """The sidebar as it was before the memo of what a page's siblings share: every level spliced."""

    def _spliced(self, page):
        return None


TRICKY = {
    **PAGES,
    # same titles and URL prefixes as other entries; a page with children; hidden pages and a hidden
    # section with pages below it; an empty section; an alwaysopen section below another
    "content/a/one-more.md": "---\ntitle: One\n---\nSame title.\n",
    "content/a/b/deep-er.md": "---\ntitle: Deep\nweight: 1\n---\nDeeper.\n",
    "content/a/b/c/_index.md": "---\ntitle: C\nalwaysopen: true\n---\nC again.\n",
    "content/a/b/c/leaf.md": "---\ntitle: Leaf\n---\nLeaf.\n",
    "content/h/_index.md": "---\ntitle: H\nhidden: true\n---\nH.\n",
    "content/h/under.md": "---\ntitle: Under\n---\nUnder.\n",
    "content/h/sub/_index.md": "---\ntitle: Sub\n---\nSub.\n",
    "content/h/sub/down.md": "---\ntitle: Down\n---\nDown.\n",
    "content/e/_index.md": "---\ntitle: E\nweight: 3\n---\nEmpty.\n",
    "content/top.md": "---\ntitle: Top\n---\nTop.\n",
}

# an entry macro that writes nothing for pages: a section's children can be empty
SILENT_PAGES = """{%- macro item(node, current, in_branch, children, open) -%}
{% if node.is_section %}<li{% if current %} class="current"{% endif %}>{{ node.title }}
{%- if children %}<ul>{{ children }}</ul>{% else %} (no pages shown){% endif %}</li>
{% endif %}{% endmacro -%}
"""


def _outputs_of_both(build_site, monkeypatch):
    memo = build_site("memo")
    monkeypatch.setattr(catalog.page_render, "Sidebar", _Unspliced)
    plain = build_site("plain")
    monkeypatch.undo()
    assert not [d for d in memo.report.items if d.severity == "error"]
    assert sorted(memo.outputs) == sorted(plain.outputs)
    for rel in memo.outputs:
        assert memo.outputs[rel] == plain.outputs[rel], rel
    return memo


@pytest.mark.parametrize("nav", [None, TWICE, SILENT_PAGES])
def test_a_sidebar_made_from_its_siblings_share_is_the_spliced_one(make_site, tmp_path, monkeypatch, nav):
    files = dict(TRICKY)
    if nav is not None:
        files["layouts/partials/nav.html"] = nav
    site = make_site(files)
    memo = _outputs_of_both(lambda name: site.build(out=tmp_path / name, jobs=1), monkeypatch)
    if nav is None:  # of two pages with one title, each sidebar marks its own
        for rel, other in [("a/b/deep/index.html", "/a/b/deep-er/"), ("a/b/deep-er/index.html", "/a/b/deep/")]:
            sidebar = memo.outputs[rel].decode().split('id="sidebar"')[1].split("</nav>")[0]
            assert sidebar.count('aria-current="page"') == 1 and 'aria-current="page">Deep</a>' in sidebar
            assert f'<a href="{other}">Deep</a>' in sidebar


def test_the_sample_sites_sidebars_are_the_spliced_ones(tmp_path, monkeypatch):
    _outputs_of_both(lambda name: build(REPO, tmp_path / name, jobs=1, cache=None), monkeypatch)


def test_a_generated_corpus_sidebars_are_the_spliced_ones(tmp_path, monkeypatch):
    write_corpus(tmp_path, 300)
    (tmp_path / "site.toml").write_text(SITE_TOML)
    shutil.copytree(REPO / "themes", tmp_path / "themes", symlinks=True)
    _outputs_of_both(lambda name: build(tmp_path, tmp_path / name, jobs=1, cache=None), monkeypatch)
