"""A plugins-index/*.yaml that is no regular file (a FIFO, a dangling or looping link) is
skipped with a warning naming it, never read and never blocking the build; the plugins
of the regular files beside it are published as before."""
from __future__ import annotations

import os

import pytest

from test_input_bounds import run_catalog
from test_serve import PLUGIN

SITE = {"content/_index.md": "---\ntitle: Home\n---\nHome.\n", "plugins-index/cloudify-demo-plugin.yaml": PLUGIN}
HINT = "    hint: a plugin file is a regular YAML file: fix this one or remove it"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_special_files_in_the_plugin_index_are_warnings_naming_them(make_site):
    site = make_site(SITE)
    index = site.root / "plugins-index"
    os.mkfifo(index / "fifo-plugin.yaml")
    (index / "dangling-plugin.yml").symlink_to("nowhere.yaml")
    (index / "loop-plugin.yaml").symlink_to("loop-plugin.yaml")
    (index / ".#cloudify-demo-plugin.yaml").symlink_to("someone@host.1234:1700000000")  # emacs' lock: not named
    result = run_catalog(["build"], site.root, timeout=30)  # a read of the FIFO would hang until the timeout
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert lines[:6] == [
        "plugins-index/dangling-plugin.yml: warning: skipped: cannot read the file: a symbolic link that cannot "
        "be followed (no such file or directory) [plugin-file-unreadable]", HINT,
        "plugins-index/fifo-plugin.yaml: warning: skipped: cannot read the file: it is a FIFO, not a regular file "
        "[plugin-file-unreadable]", HINT,
        "plugins-index/loop-plugin.yaml: warning: skipped: cannot read the file: a symbolic link that cannot be "
        "followed (too many levels of symbolic links) [plugin-file-unreadable]", HINT,
    ]
    assert lines[6].startswith("built ") and lines[6].endswith("(3 warning(s))") and len(lines) == 7
    assert (site.root / "public/plugins/cloudify-demo-plugin/index.html").is_file()

    strict = run_catalog(["build", "--strict"], site.root, timeout=30)
    assert strict.returncode == 1 and "3 warning(s) treated as errors" in strict.stderr
