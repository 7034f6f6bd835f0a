"""Reading URLs for `catalog resolve` within a deadline: the user agent, how long one read may
wait, the deadline of a whole command, and the error every step of resolving raises. The
index reader (remoteindex) and the download (resolver) both read through these.
"""
from __future__ import annotations

import time
from typing import Any, Iterator

USER_AGENT = "catalog-resolver/1"
TIMEOUT = 60  # seconds one connect or read may wait
CHUNK = 1 << 16


class ResolveError(Exception):
    """The index cannot be read, the plugin is unknown, or a download failed verification."""


class Deadline:
    """When a whole command must be over: a server that sends a byte now and then never lets
    a read time out, so each read waits at most for what is left, and the time is checked
    between reads. `seconds=None`: no overall limit (each read still times out)."""

    def __init__(self, seconds: float | None = None) -> None:
        self.seconds = seconds
        self.ends = None if seconds is None else time.monotonic() + seconds

    def expired(self) -> bool:
        return self.ends is not None and time.monotonic() >= self.ends

    def wait(self, url: str, received: int, deleted: bool) -> float:
        """How long the next connect or read may wait; ResolveError once the deadline has passed."""
        if self.ends is None:
            return TIMEOUT
        left = self.ends - time.monotonic()
        if left <= 0:
            raise ResolveError(self.message(url, received, deleted))
        return min(TIMEOUT, left)

    def message(self, url: str, received: int, deleted: bool) -> str:
        return (f"cannot fetch {url}: not done within the deadline of {self.seconds:g} s ({received} bytes "
                f"received){'; download deleted' if deleted else ''}; try again, or allow more time with --deadline")


def read_chunks(response: Any, url: str, deadline: Deadline, deleted: bool) -> Iterator[bytes]:
    """The body of `response` as it arrives (read1: whatever came, not a full CHUNK), within `deadline`."""
    received = 0
    read = getattr(response, "read1", None) or response.read
    while True:
        _limit_wait(response, deadline.wait(url, received, deleted))
        chunk = read(CHUNK)
        if not chunk:
            return
        received += len(chunk)
        yield chunk


def _limit_wait(response: Any, seconds: float) -> None:
    """Make the next read of an HTTP response wait at most `seconds` (its socket's timeout;
    urllib gives no other way). A file:// response has no socket, and needs none."""
    sock = getattr(getattr(getattr(response, "fp", None), "raw", None), "_sock", None)
    if sock is not None:
        sock.settimeout(seconds)


def cut_short(received: int) -> str:
    return f"connection closed after {received} bytes, before the end of the file"
