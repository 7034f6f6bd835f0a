"""The build lock's holder line (`pid N`, for a second build that waits) is only
information: a disk too full to write it, or a lock file that refuses writes, must not stop
the build. Found by review: with the disk full, `catalog build` ended in a traceback from
catalog/locking.py before building anything (the flush of the pid line, ENOSPC)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from catalog.locking import LOCK_FILE, build_lock


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (every write fails: a full disk)")
def test_a_lock_file_that_cannot_be_written_does_not_stop_the_build(make_site):
    site = make_site({"content/_index.md": "---\ntitle: Home\n---\nHello\n"})
    (site.root / LOCK_FILE).parent.mkdir(parents=True)
    os.symlink("/dev/full", site.root / LOCK_FILE)  # writes fail as on a full disk
    done = subprocess.run([sys.executable, "-m", "catalog", "build", "--project", str(site.root), "--jobs", "1"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert (site.root / "public" / "index.html").is_file()


def test_the_holder_line_is_written_and_cleared(make_site):
    site = make_site({"content/_index.md": "---\ntitle: Home\n---\nHello\n"})
    with build_lock(site.root):
        assert (site.root / LOCK_FILE).read_text() == f"pid {os.getpid()}\n"
    assert (site.root / LOCK_FILE).read_text() == ""
