"""A FIFO (or another special file) named like one of .catalog-cache's pickles is not read:
opening a FIFO for reading waits for a writer for ever, so the build hung before it began.
Found by review (the Markdown memo's new markdown.pickle, and the older render.pickle and
sources.pickle, all opened the path as it was). The cache only costs its head start."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from catalog.cli import CACHE_FILE, MARKDOWN_FILE, SOURCES_FILE

FILLER = " ".join(["Lifecycle operations run on every node instance of the deployment."] * 20)


def tree(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def build(root, *extra: str) -> subprocess.CompletedProcess:
    # in a child process, so that a build that waits on the FIFO fails the test instead of hanging it
    return subprocess.run([sys.executable, "-m", "catalog", "build", "--project", str(root), "--jobs", "1", *extra],
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("cache_file", [MARKDOWN_FILE, CACHE_FILE, SOURCES_FILE], ids=lambda p: p.name)
def test_a_fifo_named_like_a_cache_file_is_not_waited_on(make_site, tmp_path, cache_file):
    site = make_site({
        "layouts/shortcodes/note.html": '<aside class="note">{{ inner.html }}</aside>\n',
        "content/_index.md": "---\ntitle: Home\n---\nHome.\n",
        "content/long.md": f"---\ntitle: Long\n---\n{FILLER}\n\n{{{{% note %}}}}\nA body.\n{{{{% /note %}}}}\n",
    }).root
    assert build(site).returncode == 0
    (site / cache_file).unlink()
    os.mkfifo(site / cache_file)
    (site / "layouts/shortcodes/note.html").write_text('<aside class="other">{{ inner.html }}</aside>\n')
    try:
        done = build(site)
    except subprocess.TimeoutExpired:  # pragma: no cover - the bug: the build waits for a writer
        pytest.fail(f"the build waited on the FIFO {cache_file}")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert 'class="other"' in (site / "public/long/index.html").read_text()
    assert build(site, "--no-cache", "--out", str(tmp_path / "cold")).returncode == 0
    assert tree(site / "public") == tree(tmp_path / "cold")
