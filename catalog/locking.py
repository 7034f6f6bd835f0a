"""One `catalog build` of a project at a time.

Two builds of one project (a writer's and an editor's save hook, two CI steps sharing a
checkout) each publish atomically, but the render cache and the publish manifest they
both rewrite could end up from different builds, and the second swap would throw away
the first's output mid-read. The second build waits for the first instead, saying so.
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import sys
from pathlib import Path
from typing import Iterator

LOCK_FILE = Path(".catalog-cache") / "build.lock"


@contextlib.contextmanager
def build_lock(project: Path) -> Iterator[None]:
    """Hold the project's build lock (an advisory flock, released by the kernel when the
    process dies, so a killed build never leaves a stale lock behind)."""
    path = project / LOCK_FILE
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(path, "a+")
    except OSError:  # a read-only project: nothing of ours is written there either
        yield
        return
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            print(f"waiting for another build of this project to finish ({holder})", file=sys.stderr, flush=True)
            fcntl.flock(handle, fcntl.LOCK_EX)
        # who holds the lock, for a build that waits: only said, so a full disk (ENOSPC) does
        # not stop the build; written past the buffer, which would fail again at close
        with contextlib.suppress(OSError):
            os.ftruncate(handle.fileno(), 0)
            os.write(handle.fileno(), f"pid {os.getpid()}\n".encode())
        try:
            yield
        finally:
            with contextlib.suppress(OSError):
                os.ftruncate(handle.fileno(), 0)
            fcntl.flock(handle, fcntl.LOCK_UN)
