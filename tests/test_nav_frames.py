"""The sidebar's open ancestors are rendered once around a mark and each page's entries
spliced in, and an ancestor's children are joined once with the branch's entry spliced
into them (catalog/nav.py): the pages must be exactly what rendering every entry for
every page gives, with the default theme's nav.html and with a site's own that does more
with an entry's children than show them once."""
from __future__ import annotations

import pytest

import catalog.page_render
from catalog.nav import Sidebar

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
