"""The preview's first page first: while `catalog serve` makes its first build, a page the
browser asks for is rendered ahead of the others and served as soon as it is made.

The request threads `want` a site file and wait; the build thread, once the site is
loaded and the assets known (before the pages stage), renders every file wanted so far,
and keeps doing so between pages for the files wanted later (`poll`). A file is made by
the same renderer, from the same site model, as the full build's copy of it, so it is the
same bytes; a page whose rendering fails is not served early (the full build reports it).
When the build ends, or fails, the waiting requests are answered from the build's result.
"""
from __future__ import annotations

import threading
import time
from typing import Callable

Render = Callable[[str], "bytes | None"]


class EarlyFiles:
    """Files of a build in progress, made when asked for."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._wanted: list[str] = []  # asked for, not tried yet
        self._asked: set[str] = set()  # every file asked for (each is tried once)
        self._made: dict[str, bytes] = {}
        self._render: Render | None = None
        self._over = False

    def want(self, rel: str, timeout: float) -> bytes | None:
        """Request thread: the file `rel` of the build in progress, once made; None once the
        build is over (a file that cannot be made early waits for it), or after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        with self._condition:
            if rel not in self._made and rel not in self._asked:
                self._asked.add(rel)
                self._wanted.append(rel)
            while rel not in self._made and not self._over:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                self._condition.wait(remaining)
            return self._made.get(rel)

    def ready(self, render: Render) -> None:
        """Build thread: the site is loaded; make what is wanted with `render` from now on."""
        self._render = render
        self.poll()

    def poll(self) -> None:
        """Build thread: make the files wanted since the last call (cheap when there are none)."""
        if not self._wanted or self._render is None:
            return
        with self._condition:
            wanted, self._wanted = self._wanted, []
        for rel in wanted:
            try:
                data = self._render(rel)
            except Exception:  # the full build meets the same problem and reports it
                data = None
            if data is not None:  # else its request waits for the whole build
                with self._condition:
                    self._made[rel] = data
                    self._condition.notify_all()

    def end(self) -> None:
        """The build is over (done, failed or crashed): nothing more is made early."""
        with self._condition:
            self._over = True
            self._render = None
            self._made.clear()
            self._condition.notify_all()
