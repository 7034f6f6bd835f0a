"""Removing the site a publish replaced, while the process goes on.

Once swapped out, the old site is nobody's: deleting its files (a second or more for
5,000 pages, nearly all of it in the kernel, and longer on a busy disk) need not hold up
what the process does next (the CLI saves the render cache and prints the report). A
removal runs in a thread that is not a daemon, so the interpreter waits for it before it
exits and a finished command leaves no folder behind; a kill before then leaves one that
the next publish removes by its name (output.remove_leftovers). The next publish in the
same process waits for the last one's removal first (`wait`), so that the two never
delete one folder at once.
"""
from __future__ import annotations

import shutil
import threading
from pathlib import Path

_pending: list[threading.Thread] = []
_lock = threading.Lock()


def remove_later(folder: Path, now: bool = False) -> None:
    """Delete `folder` in a thread (`now`: here, before returning)."""
    if now:
        shutil.rmtree(folder, ignore_errors=True)
        return
    thread = threading.Thread(target=shutil.rmtree, args=(folder,), kwargs={"ignore_errors": True},
                              name="remove-replaced-site")
    with _lock:
        _pending[:] = [t for t in _pending if t.is_alive()]
        _pending.append(thread)
    thread.start()


def wait() -> None:
    """Return once every removal started so far is done."""
    with _lock:
        pending, _pending[:] = list(_pending), []
    for thread in pending:
        thread.join()
