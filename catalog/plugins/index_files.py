"""plugins-index/*.yaml names that are no regular file: a FIFO, a socket, a device, a
symbolic link that is dangling or loops. They are never read (a FIFO would wait for a
writer for ever) and each is a warning, worded as content's `file-unreadable`, not an
error: the build goes on without them, as it did when they were skipped silently."""
from __future__ import annotations

import stat
from pathlib import Path

from ..diagnostics import Report
from .buildmemo import LoadedFile


def not_regular(path: Path, source: str) -> LoadedFile:
    """The loading result of `path` (shown as `source`): no plugin, one warning saying why."""
    try:
        mode = path.stat().st_mode
        kind = ("a FIFO" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
                else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "a special file")
        why = f"it is {kind}, not a regular file"
    except OSError as exc:  # a dangling or looping link
        why = f"a symbolic link that cannot be followed ({(exc.strerror or str(exc)).lower()})"
    problem = Report()
    problem.warning(source, 0, 0, "plugin-file-unreadable", f"skipped: cannot read the file: {why}",
                    "a plugin file is a regular YAML file: fix this one or remove it")
    return LoadedFile("", None, problem.items, None, {}, {})
