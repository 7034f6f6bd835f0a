"""The preview's watcher ignores the files editors write beside the one they save (vim's
swap files and its '4913', backups, emacs' autosaves and locks, JetBrains' safe-write
copies), as Hugo's watcher does: they neither rebuild nor appear in a message."""
from __future__ import annotations

import os
import re
import time

import pytest

from catalog.serve import LivePreview
from catalog.serve.watcher import is_editor_temp
from test_serve import SITE, new_project, wait_for, write

# Hugo's isTempFile, name by name (hugolib's watcher)
TEMPORARY = [".install.md.swp", ".install.md.swx", "install.md~", ".install.md~", "4913", "#install.md#",
             ".#install.md", "install.md___jb_tmp___", "install.md___jb_old___", "install.md___jb_bak___",
             "install.md.tmp", ".DS_Store", "install.md.goutputstream-X1Y2", "install.md.sb-4f2a1b"]
REAL = ["install.md", "_index.md", "4913.md", "notes.txt", "a#b.md", "swp.md", "page.md.bak", "tilde~x.md"]


@pytest.mark.parametrize("name", TEMPORARY)
def test_editor_temporary_files_are_recognised(name):
    assert is_editor_temp(name)


@pytest.mark.parametrize("name", REAL)
def test_files_of_the_site_are_not(name):
    assert not is_editor_temp(name)


def test_an_editor_save_rebuilds_once_and_names_only_the_saved_file(tmp_path):
    lines: list[str] = []
    root = new_project(tmp_path / "site", SITE)
    guide = root / "content" / "guide"
    with LivePreview(root, port=0, settle=0.05, poll_timeout=2.0, say=lines.append):
        assert len(lines) == 1 and lines[0].startswith("built ")
        # what vim, emacs and a JetBrains IDE leave while a file is open, then a save of it
        (guide / "4913").write_text("")
        (guide / "4913").unlink()
        (guide / ".install.md.swp").write_bytes(b"b0VIM 9.0\0")
        (guide / "#install.md#").write_text("autosave")
        os.symlink("someone@host.1234:1700000000", guide / ".#install.md")  # emacs' lock: a dangling link
        (guide / "upgrade.md___jb_tmp___").write_text("half written")
        (root / "site.toml~").write_text("backup")
        time.sleep(0.5)  # far longer than a batch settles: a rebuild of these would have started
        assert len(lines) == 1, lines
        (guide / "install.md~").write_text((guide / "install.md").read_text())  # vim's backup, then the write
        write(root, "content/guide/install.md", SITE["content/guide/install.md"].replace("v0", "v1"))
        (guide / ".install.md.swp").unlink()
        wait_for(lambda: len(lines) > 1, "the rebuild of the saved file")
        time.sleep(0.5)
    assert len(lines) == 2, lines
    assert re.fullmatch(r"rebuilt 4 pages \(1 rendered\) in .*\(content/guide/install\.md changed\)", lines[1]), lines
