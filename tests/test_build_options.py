"""How a build is asked for: one frozen BuildOptions, or its fields as keywords (what every
caller wrote before it existed); and the render plan, which is all the pipeline knows of
the render cache."""
from __future__ import annotations

import dataclasses

import pytest

from catalog.build import BuildOptions, build
from catalog.render_cache import RenderCache
from catalog.render_plan import CachedPlan, RenderPlan, render_plan

FILES = {
    "content/_index.md": "---\ntitle: Home\n---\nHome.\n",
    "content/a.md": "---\ntitle: A\n---\n## Alpha\n",
    "content/draft.md": "---\ntitle: Draft\ndraft: true\n---\nNot yet.\n",
}


def test_options_and_keywords_build_the_same_site(make_site, tmp_path):
    site = make_site(dict(FILES))
    by_options = build(site.root, tmp_path / "one", BuildOptions(drafts=True, write=False))
    by_keywords = build(site.root, tmp_path / "two", drafts=True, write=False)
    assert "draft/index.html" in by_options.outputs
    assert dict(by_options.outputs) == dict(by_keywords.outputs)
    assert not by_options.written and not (tmp_path / "one").exists()


def test_a_keyword_overrides_the_options_it_is_given_with(make_site, tmp_path):
    site = make_site(dict(FILES))
    options = BuildOptions(drafts=True, write=False)
    result = build(site.root, tmp_path / "out", options, drafts=False)
    assert "draft/index.html" not in result.outputs
    assert options.drafts  # the caller's value is not changed


def test_a_wrong_keyword_is_an_error_not_ignored(make_site, tmp_path):
    site = make_site(dict(FILES))
    with pytest.raises(TypeError):
        build(site.root, tmp_path / "out", draft=True)
    with pytest.raises(dataclasses.FrozenInstanceError):
        BuildOptions().strict = True  # type: ignore[misc]


def test_without_a_cache_the_plan_keeps_nothing(make_site, tmp_path):
    assert type(render_plan(None)) is RenderPlan
    assert isinstance(render_plan(RenderCache()), CachedPlan)
    site = make_site(dict(FILES))
    cold = build(site.root, tmp_path / "cold", write=False, keep_state=True)
    assert cold.state is None  # the preview's fast path takes its bodies from a cache
    cache = RenderCache()
    warm = build(site.root, tmp_path / "warm", write=False, keep_state=True, cache=cache)
    assert warm.state is not None and set(warm.state.body_keys) == {"content/_index.md", "content/a.md"}
    assert dict(warm.outputs) == dict(cold.outputs)
    again = build(site.root, tmp_path / "again", write=False, cache=cache)
    assert again.rendered == 0 and dict(again.outputs) == dict(cold.outputs)
