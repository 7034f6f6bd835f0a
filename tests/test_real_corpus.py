"""The benchmark's real-content corpus (benchmarks/realcorpus.py): DocDock's documentation
site replicated, built from its own config.toml, with only that site's own warnings."""
from __future__ import annotations

import pytest

from benchmarks.realcorpus import CORPUS, write_docdock_corpus
from catalog.build import build

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="the DocDock corpus is not on this machine")


def test_the_replicated_site_builds_with_only_its_own_warnings(tmp_path):
    pages = write_docdock_corpus(tmp_path / "site", copies=3)
    assert pages == 3 * 42
    result = build(tmp_path / "site", jobs=1)
    problems = sorted({(d.severity, d.code) for d in result.report.items})
    assert result.written and problems == [("warning", "config-unused"), ("warning", "shortcode-go-only")], \
        "\n".join(d.format() for d in result.report.sorted())
    assert result.pages == pages
    # a copy's refs by file name alone reach the original page, its attachments are its own
    copy = (tmp_path / "site/public/copy-2/shortcodes/attachments-2/index.html").read_text()
    assert "attachments-2.files/" in copy
