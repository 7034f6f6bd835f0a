"""The progress line on stderr for builds that take more than a moment.

On a terminal the line updates in place (the elapsed time) and is erased when the
build ends, leaving only the summary line; elsewhere (a log file, CI) one "still
building" line is printed so the output stays readable.
"""
from __future__ import annotations

import contextlib
import sys
import threading
import time
from typing import IO, Iterator


class Progress:
    """Shows `running(label)` builds that outlast `delay` seconds."""

    def __init__(self, stream: IO[str] | None = None, delay: float = 1.0, interval: float = 0.25) -> None:
        self.stream = stream
        self.delay, self.interval = delay, interval

    @contextlib.contextmanager
    def running(self, label: str) -> Iterator["ProgressLine"]:
        line = ProgressLine(self.stream or sys.stderr, label, self.delay, self.interval)
        line.start()
        try:
            yield line
        finally:
            line.stop()


class ProgressLine:
    """One build's line, drawn from its own thread until `stop`."""

    def __init__(self, stream: IO[str], label: str, delay: float, interval: float) -> None:
        self.stream, self.label, self.delay, self.interval = stream, label, delay, interval
        self._done = threading.Event()
        self._shown = False
        self._started = time.monotonic()
        self._thread = threading.Thread(target=self._run, name="catalog-serve-progress", daemon=True)
        self._tty = bool(getattr(stream, "isatty", lambda: False)())

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._done.set()
        self._thread.join()
        if self._shown and self._tty:
            self._write("\r\x1b[K")

    def _run(self) -> None:
        if self._done.wait(self.delay):
            return
        if not self._tty:
            self._write(f"{self.label}... (this takes a while)\n")
            self._shown = True
            return
        while not self._done.is_set():
            elapsed = time.monotonic() - self._started
            self._write(f"\r\x1b[K{self.label}... {elapsed:.1f}s")
            self._shown = True
            self._done.wait(self.interval)

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # a closed or broken stream must not break the build
            pass
