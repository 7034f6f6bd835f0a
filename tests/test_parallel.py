"""On a generated corpus, parallel, cached and incremental builds give the bytes of a
serial cold build. No timing is asserted here; speed is measured by benchmarks/."""
from __future__ import annotations

import sys

from catalog.build import build
from catalog.cache import RenderCache
from catalog.parallel import MIN_PARALLEL
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
