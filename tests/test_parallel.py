"""On a generated corpus, parallel, cached and incremental builds give the bytes of a
serial cold build. No timing is asserted here; speed is measured by benchmarks/."""
from __future__ import annotations

import sys

from catalog.build import build
from catalog.cache import RenderCache
from catalog.parallel import MIN_PARALLEL
from conftest import REPO

sys.path.insert(0, str(REPO / "benchmarks"))
from corpus import write_corpus  # noqa: E402


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
