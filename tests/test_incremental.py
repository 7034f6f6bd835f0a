"""Incremental builds: after every kind of edit, a build that reuses cached bodies gives
exactly the bytes of a cold build, and re-renders only the bodies the edit affects."""
from __future__ import annotations

import shutil

from catalog.build import build
from catalog.render_cache import RenderCache

FILES = {
    "content/_index.md": "---\ntitle: Home\n---\n{{< children >}}\n",
    "content/a.md": '---\ntitle: A\nweight: 1\n---\n## Alpha\nSee [b]({{< relref "b.md#beta" >}}).\n',
    "content/b.md": "---\ntitle: B\nweight: 2\n---\n## Beta\n{{% note %}}plain{{% /note %}}\n",
    "content/c.md": "---\ntitle: C\nweight: 3\n---\nNo shortcodes at all.\n",
    "content/s/_index.md": "---\ntitle: S\n---\n{{< children depth=\"2\" >}}\n",
    "content/s/d.md": "---\ntitle: D\n---\n{{< param manager >}}\n",
}
CONFIG = 'title = "Inc"\nbase_url = "https://x.org/"\n[params]\nmanager = "M"\n'


def assert_same_as_cold(site, tmp_path, cache: RenderCache, name: str) -> int:
    warm = build(site.root, out=tmp_path / f"warm-{name}", cache=cache)
    cold = build(site.root, out=tmp_path / f"cold-{name}")
    assert warm.written and cold.written, [d.format() for d in warm.report.sorted()]
    assert warm.outputs == cold.outputs, name
    assert [d.format() for d in warm.report.sorted()] == [d.format() for d in cold.report.sorted()]
    return warm.rendered


def test_cached_builds_match_cold_builds_after_each_edit(make_site, tmp_path):
    site = make_site(dict(FILES), CONFIG)
    cache = RenderCache()
    assert assert_same_as_cold(site, tmp_path, cache, "first") == 6
    assert assert_same_as_cold(site, tmp_path, cache, "unchanged") == 0

    site.write({"content/c.md": "---\ntitle: C\nweight: 3\n---\nEdited body only.\n"})
    assert assert_same_as_cold(site, tmp_path, cache, "edit-body") == 1  # only c.md itself

    site.write({"content/b.md": "---\ntitle: B\nweight: 2\n---\n## Gamma\n"})
    # b itself; a links to b#beta (the fragment warning is recomputed, not cached)
    assert assert_same_as_cold(site, tmp_path, cache, "edit-heading") == 1

    site.write({"content/e.md": "---\ntitle: E\n---\nnew page\n"})
    # new page; pages that read the tree (children) or resolve refs render again
    assert assert_same_as_cold(site, tmp_path, cache, "add") == 4

    (site.root / "content/e.md").rename(site.root / "content/f.md")
    assert assert_same_as_cold(site, tmp_path, cache, "rename") == 4

    (site.root / "content/f.md").unlink()
    assert assert_same_as_cold(site, tmp_path, cache, "delete") == 3

    site.write({"content/c.md": "---\ntitle: C\nweight: 0\n---\nEdited body only.\n"})
    assert assert_same_as_cold(site, tmp_path, cache, "weight") == 3  # c, and the two children lists

    site.write({"layouts/shortcodes/note.html": '<aside class="n">{{ inner.html }}</aside>'})
    assert assert_same_as_cold(site, tmp_path, cache, "template") == 6

    site.write({"layouts/page.html": '{% extends "base.html" %}{% block content %}X{{ page.content }}'
                                     '{% endblock %}'})
    assert assert_same_as_cold(site, tmp_path, cache, "page-template") == 0  # bodies stay valid

    site.write({"site.toml": CONFIG.replace('"M"', '"Manager"')})
    assert assert_same_as_cold(site, tmp_path, cache, "config") == 6
    assert "Manager" in (tmp_path / "warm-config/s/d/index.html").read_text()


def test_disk_cache_round_trip(make_site, tmp_path):
    site = make_site(dict(FILES), CONFIG)
    path = tmp_path / "cache" / "render.pickle"
    cache = RenderCache()
    build(site.root, out=tmp_path / "one", cache=cache)
    cache.save(path)
    again = RenderCache.load(path)
    result = build(site.root, out=tmp_path / "two", cache=again)
    assert result.rendered == 0 and again.hits == 6
    assert not again.dirty  # nothing changed: the CLI need not write the cache again
    path.write_bytes(b"not a pickle")
    assert RenderCache.load(path).entries == {}  # a broken cache costs a cold build, never an error


def test_preview_memo_sees_edits_that_keep_size_and_mtime(make_site, tmp_path, monkeypatch):
    """The loader memo takes a file as unchanged by its stat. An edit that keeps the size
    and restores the mtime (as `touch -d` or some editors do) must still be seen: the
    ctime changes, and no process can set it back."""
    import os

    from catalog.content_files import SourceMemo

    monkeypatch.setattr(SourceMemo, "RACY_NS", 0)  # trust stats at once (not only 2 s after a write)
    site = make_site(dict(FILES), CONFIG)
    cache = RenderCache()
    assert assert_same_as_cold(site, tmp_path, cache, "first") == 6
    path = site.root / "content/c.md"
    assert cache.sources.files[str(path)].trusted
    before = path.stat()
    path.write_text(path.read_text().replace("No shortcodes", "No Shortcodes"))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns
    assert assert_same_as_cold(site, tmp_path, cache, "same-size-and-mtime") == 1
    assert "No Shortcodes" in (tmp_path / "warm-same-size-and-mtime/c/index.html").read_text()
    assert assert_same_as_cold(site, tmp_path, cache, "again") == 0


def test_memo_rereads_racily_clean_files_and_reuses_unchanged_ones(tmp_path, monkeypatch):
    """Unit test of SourceMemo's rule, with the stat faked: a trusted stat spares the read;
    an untrusted (recent) one is hashed again, and only new bytes are parsed again."""
    import os
    from catalog import content_files
    from catalog.diagnostics import Report

    path = tmp_path / "p.md"
    path.write_text("---\ntitle: One\n---\nbody\n")
    memo = content_files.SourceMemo()
    first = memo.page(str(path), "p.md", "content/p.md", Report())
    assert first.title == "One" and not memo.files[str(path)].trusted  # just written: racy
    parsed = memo.files[str(path)].page
    again = memo.page(str(path), "p.md", "content/p.md", Report())  # hashed again, same bytes
    assert again is not first and memo.files[str(path)].page is parsed
    real_stat = os.stat
    stat = real_stat(path)
    fixed = os.stat_result((stat.st_mode, stat.st_ino, stat.st_dev, stat.st_nlink, stat.st_uid, stat.st_gid,
                            stat.st_size, 0, 0, 0), {"st_atime_ns": 0, "st_mtime_ns": 0, "st_ctime_ns": 0})
    # ancient times: trusted once seen
    monkeypatch.setattr(content_files.os, "stat", lambda p, *a, **k: fixed if p == str(path) else real_stat(p, *a, **k))
    memo.page(str(path), "p.md", "content/p.md", Report())
    assert memo.files[str(path)].trusted
    path.write_text("---\ntitle: Two\n---\nbody\n")  # same size, and the faked stat does not change
    assert memo.page(str(path), "p.md", "content/p.md", Report()).title == "One"  # trusted: not read
    monkeypatch.setattr(content_files.os, "stat", real_stat)
    assert memo.page(str(path), "p.md", "content/p.md", Report()).title == "Two"


def test_body_only_edits_take_the_fast_path_and_match_cold_builds(make_site, tmp_path):
    """The preview's fast path (incremental.rebuild_bodies): after each edit to page bodies
    alone, the files and the diagnostics are exactly a cold build's; any other change is
    declined (None), and the caller builds in full."""
    from catalog.incremental import rebuild_bodies

    site = make_site({**FILES, "content/s/h.md": "---\ntitle: H\naliases: [/old-h/]\n---\nHidden text.\n"},
                     CONFIG + "edit_url = \"https://git.example/edit/{path}\"\n")
    cache = RenderCache()
    state = build(site.root, cache=cache, write=False, keep_state=True).state
    assert state is not None

    def edit(files: dict[str, str], *, fast: bool = True, changed: list[str] | None = None) -> None:
        nonlocal state
        site.write(files)
        result = rebuild_bodies(state, changed if changed is not None else sorted(files), cache)
        if not fast:
            assert result is None, f"{sorted(files)} must not take the fast path"
            state = build(site.root, cache=cache, write=False, keep_state=True).state
            return
        assert result is not None, f"{sorted(files)} should take the fast path"
        cold = build(site.root, write=False)
        assert result.outputs == cold.outputs, sorted(files)
        assert [d.format() for d in result.report.sorted()] == [d.format() for d in cold.report.sorted()]
        assert result.rendered <= len(files)
        state = result.state

    edit({"content/c.md": "---\ntitle: C\nweight: 3\n---\nEdited body, with search words.\n"})
    # the heading a#beta points at goes away: a's fragment warning appears, and goes with the fix
    edit({"content/b.md": "---\ntitle: B\nweight: 2\n---\n## Gamma\n"})
    edit({"content/b.md": "---\ntitle: B\nweight: 2\n---\n## Beta\nback\n"})
    # a broken ref and an unknown shortcode: errors from the body, then fixed; two files at once
    edit({"content/a.md": '---\ntitle: A\nweight: 1\n---\nSee {{< relref "nowhere.md" >}} {{< nope >}}.\n',
          "content/c.md": "---\ntitle: C\nweight: 3\n---\n## Own #anchor\n[self]({{< relref \"c.md#own-anchor\" >}})\n"})
    edit({"content/a.md": FILES["content/a.md"]})
    edit({"content/s/h.md": "---\ntitle: H\naliases: [/old-h/]\n---\nNew hidden text.\n"})  # aliased page
    edit({"content/_index.md": "---\ntitle: Home\n---\nWelcome.\n{{< children >}}\n"})  # the home page
    edit({"content/c.md": "---\ntitle: C\nweight: 3\n---\nEdited body, with search words.\n"})  # same bytes again
    # an editor's temporary and hidden files are no input of the build: vim's 4913 is gone
    # by the time the event comes (a file that stays is published, and takes a full build)
    site.write({"content/4913": ""})
    (site.root / "content/4913").unlink()
    edit({"content/.c.md.swp": "x"}, changed=["content/4913", "content/.c.md.swp"])
    edit({"content/img.png": "png"}, fast=False)  # a file of the content folder: published
    (site.root / "content/img.png").unlink()
    edit({}, fast=False, changed=["content/img.png"])  # and one removed is unpublished

    # anything that may change more than bodies is declined
    edit({"content/c.md": "---\ntitle: C2\nweight: 3\n---\nEdited body, with search words.\n"}, fast=False)
    edit({"content/c.md": "---\ntitle: C2\nweight: 3\n\n---\nEdited body, with search words.\n"}, fast=False)
    edit({"content/c.md": "---\ntitle: C2\nweight: 3\nextra: 1\n---\nEdited body, with search words.\n"}, fast=False)
    edit({"content/c.md": "---\ntitle: C2\nweight: 3\nextra: true\n---\nEdited body, with search words.\n"},
         fast=False)  # equal in Python (True == 1), not to a template
    edit({"content/e.md": "---\ntitle: E\n---\nnew page\n"}, fast=False)
    edit({"content/s/h.md": "---\ntitle: H\naliases: [/old-h/]\ndraft: true\n---\nNew hidden text.\n"}, fast=False)
    edit({"content/s/h.md": "---\ntitle: H\naliases: [/old-h/]\ndraft: true\n---\nDraft text.\n"}, fast=False)
    edit({"content/new/x.txt": "x"}, fast=False, changed=["content/new"])  # a folder appeared
    edit({"layouts/shortcodes/note.html": '<aside class="n">{{ inner.html }}</aside>'}, fast=False)
    edit({"site.toml": CONFIG.replace('"M"', '"Manager"')}, fast=False)
    (site.root / "content/e.md").unlink()
    assert rebuild_bodies(state, ["content/e.md"], cache) is None
    state = build(site.root, cache=cache, write=False, keep_state=True).state
    edit({"content/c.md": "---\ntitle: C2\nweight: 3\nextra: true\n---\nAfter full builds, fast again.\n"})
    assert len(cache.entries) == 6 and len(cache.pages) == 6  # what a full build would retain


def test_the_cache_on_disk_keeps_digests_and_takes_pages_from_the_published_site(make_site, tmp_path):
    # a 20,000-page site's HTML is 1.4 GB: the CLI's cache keeps each page's sha256 and the
    # previous build's published file (checked by the publish manifest) is the HTML
    from catalog.cli import main

    site = make_site(dict(FILES), CONFIG)
    out = site.root / "public"
    assert main(["build", "--project", str(site.root), "--out", str(out)]) == 0
    cold = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    stored = RenderCache.load(site.root / ".catalog-cache" / "render.pickle")
    assert stored.pages and all(isinstance(v, str) and len(v) == 64 for v in stored.pages.values())

    def rebuilt() -> dict[str, bytes]:
        assert main(["build", "--project", str(site.root), "--out", str(out)]) == 0
        return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}

    before = (out / "a" / "index.html").stat().st_ino
    assert rebuilt() == cold
    assert (out / "a" / "index.html").stat().st_ino == before  # linked from the previous site, not rewritten
    (out / "a" / "index.html").write_text("changed by hand")  # the manifest no longer matches: pages rendered
    assert rebuilt() == cold
    shutil.rmtree(out)  # no previous site at all
    assert rebuilt() == cold
    site.write({"content/c.md": "---\ntitle: C\nweight: 3\n---\nEdited.\n"})
    edited = rebuilt()
    assert main(["build", "--project", str(site.root), "--out", str(tmp_path / "cold"), "--no-cache"]) == 0
    assert edited == {p.relative_to(tmp_path / "cold").as_posix(): p.read_bytes()
                      for p in (tmp_path / "cold").rglob("*") if p.is_file()}
