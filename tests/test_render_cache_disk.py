"""The CLI's render cache on disk and the spare site a cached publish keeps.

After an edit every body depends on (a shortcode template, the configuration), a cached
build must cost no more than a cold one: the stale bodies are never unpickled (the file's
header says which environment they were made under), and the publish writes over the
site it replaced last time instead of deleting it and creating every file again. The
output stays a cold build's, byte for byte, whatever the cache or the spare holds.
"""
from __future__ import annotations

import os
import pickle
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

from catalog.build import BuildOptions, build, load_config
from catalog.cli import main
from catalog.diagnostics import Report
from catalog.render_cache import RenderCache
from catalog.render_plan import CachedPlan
from catalog.search import SearchIndex
from catalog.theme import Theme

FILES = {
    "content/_index.md": "---\ntitle: Home\n---\n{{< children >}}\n",
    "content/a.md": '---\ntitle: A\nweight: 1\n---\n## Alpha\nSee [b]({{< relref "b.md#beta" >}}).\n',
    "content/b.md": "---\ntitle: B\nweight: 2\n---\n## Beta\n{{% note %}}plain{{% /note %}}\n",
    "content/c.md": "---\ntitle: C\nweight: 3\n---\n{{% note %}}c{{% /note %}}\n",
    "content/s/_index.md": "---\ntitle: S\n---\n{{< children >}}\n",
    "content/s/d.md": "---\ntitle: D\n---\n{{% note %}}d{{% /note %}}\n",
}
CONFIG = 'title = "Disk"\nbase_url = "https://x.org/"\n'
NOTE = '<aside class="note">{{ inner.html }}</aside>'

UNPICKLED: list[str] = []


def _tripped(name: str) -> None:
    UNPICKLED.append(name)


class Tripwire:
    """A cache entry that says when it is unpickled."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.body = SimpleNamespace(text="")  # what saving reads of an entry

    def __reduce__(self):
        return _tripped, (self.name,)


def _search_tripped() -> SearchIndex:
    UNPICKLED.append("search")
    return SearchIndex()


class SearchTripwire(SearchIndex):
    """A search index that says when it is unpickled."""

    def __reduce__(self):
        return _search_tripped, ()


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def cli_build(root: Path, *extra: str) -> None:
    assert main(["build", "--project", str(root), *extra]) == 0


def cold_tree(root: Path, tmp_path: Path, name: str) -> dict[str, bytes]:
    cli_build(root, "--out", str(tmp_path / name), "--no-cache")
    return tree(tmp_path / name)


def test_bodies_made_under_another_environment_are_never_unpickled(make_site, tmp_path):
    site = make_site({**FILES, "layouts/shortcodes/note.html": NOTE}, CONFIG)
    stored = tmp_path / "cache" / "render.pickle"
    cache = RenderCache.load(stored)
    assert build(site.root, out=tmp_path / "first", cache=cache).rendered == 6
    cache.entries["tripwire"] = Tripwire("entries")  # type: ignore[assignment]
    cache.pages["tripwire"] = Tripwire("pages")  # type: ignore[assignment]
    cache.save(stored)
    UNPICKLED.clear()

    # the same environment: the bodies are read, with the tripwires (the test's control)
    same = RenderCache.load(stored)
    assert UNPICKLED == [] and not same.cold  # nothing but the header, templates and search yet
    result = build(site.root, out=tmp_path / "same", cache=same)
    assert result.rendered == 0 and sorted(UNPICKLED) == ["entries", "pages"]

    # a shortcode template every page may use changed: every stored body is stale, none is read
    UNPICKLED.clear()
    site.write({"layouts/shortcodes/note.html": NOTE.replace("note", "note edited")})
    plan = CachedPlan(RenderCache.load(stored))
    config = load_config(site.root.resolve(), BuildOptions(), Report())
    plan.use_templates(config, Theme(site.root, config))
    assert plan.cold and UNPICKLED == []  # the build forks its workers before reading the site, as a cold one
    edited = RenderCache.load(stored)
    result = build(site.root, out=tmp_path / "edited", cache=edited)
    assert UNPICKLED == [] and result.rendered == 6
    assert edited.search.files, "the search index does not depend on the environment: it is kept"
    assert 'class="note edited"' in (tmp_path / "edited" / "c" / "index.html").read_text()
    assert result.outputs == build(site.root, out=tmp_path / "cold").outputs

    # saved again under the new environment, its bodies serve the next build
    edited.save(stored)
    again = RenderCache.load(stored)
    assert build(site.root, out=tmp_path / "again", cache=again).rendered == 0
    assert UNPICKLED == []


def test_the_search_index_is_read_when_the_build_comes_to_it(make_site, tmp_path):
    """Under another environment the search index is still used, but not held through the
    pages stage: it is unpickled when asked for, and before the bodies when they are wanted."""
    site = make_site({**FILES, "layouts/shortcodes/note.html": NOTE}, CONFIG)
    stored = tmp_path / "cache" / "render.pickle"
    cache = RenderCache.load(stored)
    build(site.root, out=tmp_path / "first", cache=cache)
    cache.search = SearchTripwire()
    cache.dirty = True
    cache.save(stored)
    UNPICKLED.clear()
    config = load_config(site.root.resolve(), BuildOptions(), Report())
    loaded = RenderCache.load(stored)
    loaded.settle("another environment")
    assert UNPICKLED == [] and loaded.cold
    assert isinstance(loaded.search, SearchIndex) and UNPICKLED == ["search"]
    UNPICKLED.clear()
    loaded = RenderCache.load(stored)
    CachedPlan(loaded).use_templates(config, Theme(site.root, config))  # the same environment
    assert UNPICKLED == ["search"] and len(loaded.entries) == 6 and not loaded.cold


def test_an_environment_change_drops_the_preview_cache_before_the_site_is_read(make_site, tmp_path):
    """The preview's cache in memory: after a shortcode edit it holds no stale body, and the
    build renders every page as a cold one (which starts its workers before reading the site)."""
    site = make_site({**FILES, "layouts/shortcodes/note.html": NOTE}, CONFIG)
    cache = RenderCache()
    build(site.root, cache=cache, write=False)
    assert len(cache.entries) == 6
    config = load_config(site.root.resolve(), BuildOptions(), Report())
    plan = CachedPlan(cache)
    plan.use_templates(config, Theme(site.root, config))
    assert not plan.cold and len(cache.entries) == 6  # nothing changed: the bodies stay
    site.write({"layouts/shortcodes/note.html": NOTE.replace("note", "n2")})
    plan = CachedPlan(cache)
    plan.use_templates(config, Theme(site.root, config))
    assert plan.cold and cache.entries == {} and cache.pages == {}


@pytest.mark.parametrize("damage", ["garbage", "header-only", "half", "all-but-one-byte"])
def test_a_damaged_cache_file_builds_cold_with_a_warning(make_site, tmp_path, capsys, damage):
    site = make_site(dict(FILES), CONFIG)
    cli_build(site.root)
    stored = site.root / ".catalog-cache" / "render.pickle"
    data = stored.read_bytes()
    with stored.open("rb") as handle:
        pickle.load(handle)
        header_end = handle.tell()
    stored.write_bytes({"garbage": b"\x80\x05not a pickle at all",
                        "header-only": data[:header_end],
                        "half": data[:len(data) // 2],
                        "all-but-one-byte": data[:-1]}[damage])
    site.write({"content/c.md": FILES["content/c.md"].replace("c{{%", "c2{{%")})
    capsys.readouterr()
    cli_build(site.root)
    err = capsys.readouterr().err
    assert f"warning: the render cache {stored} could not be used" in err, err
    assert "every page was rendered again" in err and "Traceback" not in err
    assert "built 6 pages (6 rendered)" in err
    assert tree(site.root / "public") == cold_tree(site.root, tmp_path, "cold")
    # the build saved a good cache: the next one uses it, and says nothing
    cli_build(site.root)
    err = capsys.readouterr().err
    assert "warning" not in err and "(0 rendered)" in err


def test_a_cache_of_another_format_builds_cold_without_a_warning(make_site, tmp_path, capsys):
    site = make_site(dict(FILES), CONFIG)
    stored = site.root / ".catalog-cache" / "render.pickle"
    stored.parent.mkdir(parents=True)
    stored.write_bytes(pickle.dumps({"format": 7, "entries": {}, "pages": {}}))  # the previous version's
    cli_build(site.root)
    err = capsys.readouterr().err
    assert "warning" not in err and "(6 rendered)" in err


def test_a_publish_writes_over_the_site_it_replaced(make_site, tmp_path):
    site = make_site({**FILES, "layouts/shortcodes/note.html": NOTE}, CONFIG)
    public, spare = site.root / "public", site.root / ".catalog-cache" / "spare"
    cli_build(site.root)
    first = {rel: (public / rel).stat().st_ino for rel in tree(public)}
    site.write({"layouts/shortcodes/note.html": NOTE.replace("note", "n1")})
    cli_build(site.root)
    assert tree(spare).keys() == first.keys()  # the replaced site, kept whole
    assert sorted(os.listdir(site.root)) == [".catalog-cache", "content", "layouts", "public", "site.toml", "themes"]

    site.write({"layouts/shortcodes/note.html": NOTE.replace("note", "n2")})
    cli_build(site.root)
    assert 'class="n2"' in (public / "c" / "index.html").read_text()
    # the changed pages were written into the first build's files, not into new ones
    assert (public / "c" / "index.html").stat().st_ino == first["c/index.html"]
    assert tree(public) == cold_tree(site.root, tmp_path, "cold")

    # a build that changes nothing leaves the published site and the spare as they are
    before = {rel: (public / rel).stat().st_ino for rel in tree(public)}
    cli_build(site.root)
    assert {rel: (public / rel).stat().st_ino for rel in tree(public)} == before and spare.is_dir()


def test_the_spare_is_never_trusted(make_site, tmp_path):
    """Whatever the spare holds (a symlink put in the output, a file linked elsewhere, a folder
    where a page goes, stale files), the published site is a cold build's and nothing outside
    is written."""
    site = make_site({**FILES, "layouts/shortcodes/note.html": NOTE}, CONFIG)
    public, spare = site.root / "public", site.root / ".catalog-cache" / "spare"
    cli_build(site.root)
    site.write({"layouts/shortcodes/note.html": NOTE.replace("note", "n1")})
    cli_build(site.root)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "index.html").write_text("not ours")
    shutil.rmtree(spare / "s")
    (spare / "s").symlink_to(outside)  # s/index.html would go through it
    (tmp_path / "linked.html").write_text("linked elsewhere")
    (spare / "a" / "index.html").unlink()
    os.link(tmp_path / "linked.html", spare / "a" / "index.html")
    shutil.rmtree(spare / "b")
    (spare / "b").write_text("a file where a folder goes")
    (spare / "c" / "index.html").unlink()
    (spare / "c" / "index.html").mkdir()  # a folder where a file goes
    (spare / "c" / "index.html" / "x.html").write_text("x")
    (spare / "stale" / "deep").mkdir(parents=True)
    (spare / "stale" / "deep" / "old.html").write_text("old")
    os.mkfifo(spare / "fifo")

    site.write({"layouts/shortcodes/note.html": NOTE.replace("note", "n2")})
    cli_build(site.root)
    assert (outside / "index.html").read_text() == "not ours"
    assert (tmp_path / "linked.html").read_text() == "linked elsewhere"
    assert tree(public) == cold_tree(site.root, tmp_path, "cold")
    assert not any(path.is_symlink() for path in public.rglob("*"))


def test_every_published_folder_is_world_readable_whatever_the_umask(make_site, tmp_path):
    """The staging folder is made 0700 (mkdtemp), and a umask of 077 makes every other folder
    so: a web server running as another user could read none of the site."""
    site = make_site({**FILES, "content/s/deep/er/e.md": "---\ntitle: E\n---\ntext\n"}, CONFIG)
    old = os.umask(0o077)
    try:
        cli_build(site.root, "--no-cache")
        modes = {p: p.stat().st_mode & 0o777 for p in [site.root / "public", *(site.root / "public").rglob("*")]
                 if p.is_dir()}
        assert modes and set(modes.values()) == {0o755}, modes
        cli_build(site.root)  # with the cache: the spare site written over
        site.write({"content/s/deep/er/f.md": "---\ntitle: F\n---\ntext\n"})
        cli_build(site.root)
        modes = {p: p.stat().st_mode & 0o777 for p in [site.root / "public", *(site.root / "public").rglob("*")]
                 if p.is_dir()}
        assert set(modes.values()) == {0o755}, modes
    finally:
        os.umask(old)
