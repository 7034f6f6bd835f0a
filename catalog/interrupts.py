"""Stopping a command on Ctrl-C or SIGTERM: promptly, with one line, nothing half done.

Python ends a process at once on SIGTERM, running no `finally`: a download's `.part`
file, a build's staging folder and its worker processes would stay behind. Under
`stop_on_signals()` both signals raise `Interrupted` in the main thread instead (a
KeyboardInterrupt, so every `except Exception` lets it through), and each command
turns it into one line and exit status 128 + the signal's number (130 for Ctrl-C).

A step that must finish once begun (the swap that publishes a site: the old site or the
new one, never a mix) runs under `deferred()`: an interrupt that comes meanwhile is held
back and raised as soon as the step is over.
"""
from __future__ import annotations

import contextlib
import signal
import threading
from types import FrameType
from typing import Iterator

SIGNALS = (signal.SIGINT, signal.SIGTERM)

_deferring = 0  # deferred() blocks the main thread is in
_pending: list[int] = []  # signals that came during them


class Interrupted(KeyboardInterrupt):
    """The command was asked to stop by `signum` (SIGINT or SIGTERM)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum
        # set by a step that completed under deferred() before the interrupt took effect
        # (a publish: the new site is in place), so the command does not say "left as it was"
        self.completed = ""

    @property
    def exit_status(self) -> int:
        return 128 + self.signum


def _interrupt(signum: int, frame: FrameType | None) -> None:
    if _deferring:
        _pending.append(signum)
        return
    raise Interrupted(signum)


@contextlib.contextmanager
def stop_on_signals() -> Iterator[None]:
    """SIGINT and SIGTERM raise `Interrupted` inside this block (main thread only: elsewhere
    signal handlers cannot be set, and it does nothing)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {signum: signal.signal(signum, _interrupt) for signum in SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """Hold back an interrupt (see `stop_on_signals`) until this block is over; then raise it,
    unless the block failed otherwise (that failure is what the command reports: it stops
    all the same). In a thread other than the main one, signals never interrupt: a no-op."""
    global _deferring
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _deferring += 1
    try:
        yield
    finally:
        _deferring -= 1
        signum = _pending[0] if _pending and not _deferring else None
        if not _deferring:
            _pending.clear()
    if signum is not None:
        raise Interrupted(signum)


def pending() -> bool:
    """Whether an interrupt is being held back by `deferred()`."""
    return bool(_pending)
