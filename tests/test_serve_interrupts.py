"""The preview server's rebuilds and stop, and request bodies on its connections (issue 15,
items 2 and 17).

Item 2: the preview's rebuilds fork render workers from its rebuild thread; they inherited
the server's SIGINT/SIGTERM handlers (which only note a stop request), so Pool.terminate's
SIGTERM did not end a worker waiting for the pool's queue lock, and the rebuild, then the
process at Ctrl-C, waited for it forever. A real `catalog serve` process goes through
rebuilds that fork workers (20 plugin files changed: the parallel parse; a site.toml edit:
every page rendered again by the worker pool; a page broken, then fixed), each must end
within a timeout, and a Ctrl-C to its process group must end it.

Item 17: a GET request's body used to stay on the connection and be read as the next
request. It is read and dropped now (bounded); chunked or too large, refused and closed.
"""
from __future__ import annotations

import contextlib
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest

from catalog.serve import LivePreview
from conftest import REPO
from test_serve import SITE, new_project

sys.path.insert(0, str(REPO / "benchmarks"))
from corpus import write_catalog, write_corpus  # noqa: E402

REBUILT_WITHIN = 90.0  # seconds: a rebuild of this small site takes about one


# -- item 2: rebuilds that fork workers, then Ctrl-C -------------------------------------------

def project(root: Path) -> Path:
    root.mkdir(parents=True)
    shutil.copytree(REPO / "themes" / "default", root / "themes" / "default")
    write_corpus(root, 100)  # more than parallel.MIN_PARALLEL pages: a full render uses the worker pool
    write_catalog(root, plugins=20, versions=2, wagons=1)  # more than the 16 files parsed in parallel
    set_title(root, "One")
    return root


def set_title(root: Path, title: str) -> None:
    (root / "site.toml").write_text(f'title = "{title}"\nbase_url = "https://serve.example.org/"\n'
                                    f'[params]\nproduct = "Cloudify"\n')


class Serve:
    """`catalog serve` in a process group of its own, its stderr read line by line in a thread."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.process = subprocess.Popen([sys.executable, "-m", "catalog", "serve", "--project", str(root),
                                         "--port", "0"], cwd=root, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE, text=True, start_new_session=True)
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        serving = self.next_line(r"^serving (http://\S+) ", within=REBUILT_WITHIN, what="the first build")
        self.url = re.match(r"^serving (http://\S+) ", serving).group(1)

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.put(line)
        self.lines.put("")

    def next_line(self, pattern: str, within: float, what: str) -> str:
        deadline = time.monotonic() + within
        while True:
            try:
                line = self.lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                pytest.fail(f"no end of {what} within {within:.0f} s: the preview says\n{''.join(self.seen)}")
            self.seen.append(line)
            assert line, f"the preview ended during {what}:\n{''.join(self.seen)}"
            if re.search(pattern, line):
                return line

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)


@contextlib.contextmanager
def serving(root: Path) -> Iterator[Serve]:
    serve = Serve(root)
    try:
        yield serve
    finally:
        if serve.process.poll() is None:
            serve.kill()


def workers_of(root: Path) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if str(root).encode() in (entry / "cmdline").read_bytes() \
                        and (entry / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z":
                    found.append(int(entry.name))
    return found


def test_rebuilds_that_fork_workers_end_and_ctrl_c_stops_the_preview(tmp_path):
    root = project(tmp_path / "site")
    with serving(root) as serve:
        for round in range(4):  # each rebuild used to hang about every other time
            for plugin in sorted((root / "plugins-index").glob("*.yaml")):
                with plugin.open("a") as handle:
                    handle.write(f"# edit {round}\n")
            serve.next_line(r"^rebuilt ", REBUILT_WITHIN, f"the rebuild after plugin edit {round}")
        set_title(root, "Two")  # every page again: rendered by the worker pool
        serve.next_line(r"^rebuilt 100 pages \(100 rendered\)", REBUILT_WITHIN, "the rebuild of every page")
        page = next((root / "content").rglob("page-000.md"))
        text = page.read_text()
        page.write_text("---\ntitle: [unclosed\n---\n" + text)
        serve.next_line(r"^build failed", REBUILT_WITHIN, "the build of a broken page")
        page.write_text(text)
        serve.next_line(r"^rebuilt ", REBUILT_WITHIN, "the rebuild once fixed")
        with urllib.request.urlopen(serve.url, timeout=30) as response:
            assert response.status == 200 and b"Two" in response.read()

        os.killpg(serve.process.pid, signal.SIGINT)  # Ctrl-C in its terminal
        try:
            serve.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pytest.fail(f"the preview did not stop within 30 s of Ctrl-C:\n{''.join(serve.seen)}")
        while (line := serve.lines.get(timeout=30)) != "":
            serve.seen.append(line)
        said = "".join(serve.seen)
        assert serve.process.returncode == 0, said
        assert said.rstrip().endswith("stopped") and "Traceback" not in said, said
    deadline = time.monotonic() + 10
    while workers_of(root) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert workers_of(root) == []


# -- item 17: a request's body is not a request ------------------------------------------------

@pytest.fixture
def preview(tmp_path) -> Iterator[LivePreview]:
    with LivePreview(new_project(tmp_path / "site", SITE), port=0, settle=0.05, poll_timeout=2.0,
                     say=lambda line: None) as started:
        yield started


def exchange(preview: LivePreview, data: bytes, wait: float = 3.0) -> tuple[list[str], bool]:
    """Send `data` on one connection; the status lines of what came back, and whether the server closed it."""
    with socket.create_connection(("127.0.0.1", preview.server.port), timeout=wait) as connection:
        connection.sendall(data)
        received, closed = b"", False
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            connection.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                part = connection.recv(65536)
            except socket.timeout:
                break
            if not part:
                closed = True
                break
            received += part
    return re.findall(r"HTTP/1\.1 (\d{3} [^\r]*)\r\n", received.decode("latin-1")), closed


SMUGGLED = b"GET /smuggled-path/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"


def request(headers: str, body: bytes = b"", method: str = "GET") -> bytes:
    return f"{method} / HTTP/1.1\r\nHost: 127.0.0.1\r\n{headers}\r\n".encode() + body


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_a_request_body_is_read_and_dropped_not_answered_as_a_request(preview, method):
    statuses, closed = exchange(preview, request(f"Content-Length: {len(SMUGGLED)}\r\n", SMUGGLED, method))
    assert statuses == ["301 Moved Permanently"] or statuses == ["200 OK"], statuses
    assert not closed  # the connection stays usable: the next request on it is answered
    followed, _ = exchange(preview, request(f"Content-Length: {len(SMUGGLED)}\r\n", SMUGGLED)
                           + request("Connection: close\r\n"))
    assert len(followed) == 2 and "404" not in " ".join(followed), followed


@pytest.mark.parametrize("headers,status", [
    ("Transfer-Encoding: chunked\r\n", "400 Bad Request"),
    ("Content-Length: 99999999\r\n", "413 Request Entity Too Large"),
    ("Content-Length: -5\r\n", "400 Bad Request"),
    ("Content-Length: 5\r\nContent-Length: 6\r\n", "400 Bad Request"),
], ids=["chunked", "too-large", "negative", "two-lengths"])
def test_a_body_that_cannot_be_skipped_is_refused_and_the_connection_closed(preview, headers, status):
    statuses, closed = exchange(preview, request(headers, b"5\r\nhello\r\n0\r\n\r\n" + SMUGGLED))
    assert statuses == [status] and closed
