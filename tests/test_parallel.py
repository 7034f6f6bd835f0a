"""On a generated corpus, parallel, cached and incremental builds give the bytes of a
serial cold build. No timing is asserted here; speed is measured by benchmarks/."""
from __future__ import annotations

import os
import pickle
import sys

from catalog.assets import Assets
from catalog.build import build
from catalog.render_cache import RenderCache
from catalog.config import load_config
from catalog.diagnostics import Report
from catalog.page_render import PageRenderer, PageTask, element_ids
from catalog.page_tree import load_site
from catalog.parallel import MIN_PARALLEL, Workers
from catalog.refs import RefResolver
from catalog.theme import Theme
from conftest import REPO

sys.path.insert(0, str(REPO / "benchmarks"))
from corpus import add_release, write_catalog, write_corpus  # noqa: E402


def test_parallel_cached_incremental_match_serial_cold(make_site, tmp_path):
    site = make_site({}, 'title = "Corpus"\nbase_url = "https://x.org/"\n[params]\nproduct = "Cloudify"\n')
    paths = write_corpus(site.root, 160)
    assert len(paths) + 1 > 2 * MIN_PARALLEL  # enough pages for the worker pool to be used

    serial = build(site.root, out=tmp_path / "serial", jobs=1)
    assert serial.written, [d.format() for d in serial.report.sorted()][:5]
    parallel = build(site.root, out=tmp_path / "parallel", jobs=2)
    assert parallel.outputs == serial.outputs

    cache = RenderCache()
    warm = build(site.root, out=tmp_path / "warm", jobs=2, cache=cache)
    again = build(site.root, out=tmp_path / "again", jobs=2, cache=cache)
    assert warm.outputs == again.outputs == serial.outputs and again.rendered == 0

    edited = site.root / "content" / paths[3]
    edited.write_text(edited.read_text() + "\nOne more line.\n")
    incremental = build(site.root, out=tmp_path / "incremental", jobs=2, cache=cache)
    cold = build(site.root, out=tmp_path / "cold", jobs=1)
    assert incremental.outputs == cold.outputs and incremental.rendered == 1
    assert sorted(p.relative_to(tmp_path / "cold").as_posix() for p in (tmp_path / "cold").rglob("*")) == \
        sorted(p.relative_to(tmp_path / "incremental").as_posix() for p in (tmp_path / "incremental").rglob("*"))


def test_parallel_catalog_matches_serial_with_the_same_diagnostics(make_site, tmp_path):
    site = make_site({}, 'title = "Catalog"\nbase_url = "https://x.org/"\n')
    plugins = MIN_PARALLEL + 6  # enough plugins for the workers to read and render them
    write_catalog(site.root, plugins, 3, 2)
    index = site.root / "plugins-index"
    # problems in files read by different workers: all of them reported, in the same order
    first, last = sorted(index.glob("*.yaml"))[0], sorted(index.glob("*.yaml"))[-1]
    first.write_text(first.read_text().replace("releases:", "releases:\n  - version: not-a-version", 1))
    last.write_text(last.read_text() + "unknown_key: 1\n")

    serial = build(site.root, out=tmp_path / "serial", jobs=1)
    parallel = build(site.root, out=tmp_path / "parallel", jobs=2)
    messages = [d.format() for d in serial.report.sorted()]
    assert len(serial.report.errors()) >= 2, messages
    assert [d.format() for d in parallel.report.sorted()] == messages
    assert parallel.outputs == serial.outputs

    first.write_text(first.read_text().replace("\n  - version: not-a-version", "", 1))
    last.write_text(last.read_text().replace("unknown_key: 1\n", ""))
    add_release(site.root, plugin=plugins // 2, versions=3, wagons=2)
    cold = build(site.root, out=tmp_path / "cold", jobs=1)
    assert cold.written, [d.format() for d in cold.report.sorted()][:5]
    assert build(site.root, out=tmp_path / "parallel2", jobs=2).outputs == cold.outputs


def test_a_worker_renders_each_page_as_this_process_does(make_site):
    """What a worker is sent (a PageRenderer pickled, without the pages' Markdown) renders
    every page's body and HTML as the renderer it was pickled from, given the task alone."""
    site = make_site({}, 'title = "Corpus"\nbase_url = "https://x.org/docs/"\n[params]\nproduct = "Cloudify"\n')
    write_corpus(site.root, 40)
    site.write({"content/broken.md": '---\ntitle: Broken\n---\n## Oops\n{{< nosuch >}} [x]({{< relref "nowhere" >}})\n'})
    report = Report()
    config = load_config(site.root, report)
    theme = Theme(site.root, config)
    model = load_site(site.root, config, report)
    assets = Assets(config.base_path)
    assets.add("css/theme.css", b"body {}", "theme.css")
    for keep_html in (False, True):  # without and with a render cache
        here = PageRenderer(config, theme, model, RefResolver(model), assets, keep_html)
        sent = pickle.dumps(here)
        assert model.pages[5].body and model.pages[5].body.encode() not in sent
        worker = pickle.loads(sent)
        for index, page in enumerate(model.pages):
            task = PageTask(index, page.body, None, True)
            assert worker(task) == here(task), page.source
            body = here(task).body
            if keep_html:  # a body from the cache, its HTML to render again
                assert worker(PageTask(index, None, body, True)) == here(PageTask(index, None, body, True))
            else:  # sent back without its HTML, which was made into the page's
                assert not body.html and body.element_ids == tuple(sorted(element_ids(here.renderer.render(page).html)))
        rendered = [here(PageTask(i, p.body, None, False)).body for i, p in enumerate(model.pages)]
        assert len([body for body in rendered if body.diagnostics]) == 1 and any(body.fragment_refs for body in rendered)


class Scale:
    """Work for Workers.imap: its pickled form is what every item needs."""

    def __init__(self, factor: int) -> None:
        self.factor = factor

    def __call__(self, item: int) -> tuple[int, int, int]:
        return os.getpid(), id(self), item * self.factor


def test_workers_get_the_work_once_and_give_results_in_order():
    for start in (True, False):  # forked before the work exists, or when first needed
        with Workers(2) as workers:
            if start:
                workers.start()
            done = list(workers.imap(Scale(3), iter(range(300)), 300, min_parallel=1))
        assert [value for _, _, value in done] == [3 * item for item in range(300)]
        senders = {(pid, work) for pid, work, _ in done}
        assert os.getpid() not in {pid for pid, _ in senders} and len(senders) <= 2  # one copy per worker
    with Workers(2) as workers:  # too few items for workers: in this process
        assert [(pid, value) for pid, _, value in workers.imap(Scale(2), range(5), 5)] == \
            [(os.getpid(), 2 * item) for item in range(5)]


def test_the_cache_on_disk_matches_cold_builds_after_a_template_edit(make_site, tmp_path):
    """The CLI's cache keeps bodies' HTML compressed: pages made again from it after a
    template edit, and the #fragment checks of cached bodies, give a cold build's bytes."""
    site = make_site({}, 'title = "Corpus"\nbase_url = "https://x.org/"\n[params]\nproduct = "Cloudify"\n')
    paths = write_corpus(site.root, 160)
    # a ref to a heading that is not there: a warning the cached builds must give as well
    broken = site.root / "content" / paths[5]
    broken.write_text(broken.read_text() + f'\n[x]({{{{< relref "/{paths[7]}#no-such-heading" >}}}})\n')
    stored, manifest, out = tmp_path / "cache" / "render.pickle", tmp_path / "cache" / "published.json", tmp_path / "out"

    def cached():
        cache = RenderCache.load(stored)
        result = build(site.root, out=out, jobs=2, cache=cache, manifest=manifest)
        cache.save(stored)
        return result, cache

    def cold(name: str):
        return build(site.root, out=tmp_path / name, jobs=1)

    def same(result, reference) -> bool:
        return dict(result.outputs) == dict(reference.outputs) and \
            [d.format() for d in result.report.sorted()] == [d.format() for d in reference.report.sorted()]

    first, cache = cached()
    reference = cold("cold")
    assert any(d.code == "ref-fragment" for d in reference.report.items) and same(first, reference)
    bodies = [entry.body for entry in cache.entries.values()]
    assert bodies and all(body.packed and not body.html for body in bodies if body.full_html())
    again, _ = cached()
    assert again.rendered == 0 and same(again, reference)

    page_html = (REPO / "themes" / "default" / "layouts" / "page.html").read_text()
    site.write({"layouts/page.html": page_html.replace('<div class="page-body">', '<div class="page-body" data-v="2">')})
    edited, _ = cached()
    assert edited.rendered == 0  # the bodies come from the cache, their HTML unpacked into the new pages
    assert same(edited, cold("cold-edited")) and 'data-v="2"' in edited.outputs[paths[5][:-3] + "/index.html"].decode()
