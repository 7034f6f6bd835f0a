"""catalog serve under load: many concurrent clients speaking raw HTTP/1.1 on loopback
(keep-alive and one-shot connections, GET and HEAD, pages, assets, the index, redirects,
404s, and open tabs long-polling for reloads) while the sources are edited, so that
rebuilds, good and failed, land in the middle of the traffic.

Asserted: no 5xx, no reset or cut connection, no partial page, and every HTML page of
one epoch only (its menu and its body name the same edit, and every page served with
the same epoch number names the same edit). The figures (requests, rebuilds, errors,
p50/p99 latency) are printed and repeated in the terminal summary; no timing is
asserted.
"""
from __future__ import annotations

import asyncio
import json
import random
import re
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from catalog.serve import LivePreview
from conftest import REPO
from test_serve import new_project

sys.path.insert(0, str(REPO / "benchmarks"))
from corpus import write_catalog, write_corpus  # noqa: E402

CLIENTS = 64  # concurrent connections fetching files
TABS = 4  # open tabs long-polling /__catalog/events
REQUESTS = 4000  # at least this many, in total
EDITS = 10  # the edits made during the load; every fifth breaks the build
SEED = 1117
WAIT = 60.0  # bound of every single wait
DEADLINE = 600.0  # bound of the whole load

EDITED = "content/section-00/_index.md"  # a section page: its title is in every page's menu
BROKEN = "---\ntitle: Broken\n---\n{{< warning >}}\nNever closed.\n"
VERSION = re.compile(rb"Edit (\d+) ")


def edited_text(version: int) -> str:
    body = "".join(f"Paragraph {n} of edit {version} here.\n\n" for n in range(120))
    return f"---\ntitle: Edit {version} Section\nweight: 1\n---\nSection text, Edit {version} body.\n\n{body}"


Target = tuple[str, str, int, bool]  # method, request target, expected status, names the edit


@dataclass
class Figures:
    latencies: list[float] = field(default_factory=list)  # seconds, long polls excluded
    by_status: dict[int, int] = field(default_factory=dict)
    polls: int = 0
    errors: list[str] = field(default_factory=list)  # 5xx, resets, cut bodies, unexpected statuses
    partial: list[str] = field(default_factory=list)  # HTML that is not one whole page of one epoch
    epoch_versions: dict[int, int] = field(default_factory=dict)  # epoch number -> edit it shows

    @property
    def requests(self) -> int:
        return sum(self.by_status.values())

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000 if ordered else 0.0


async def exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, method: str, target: str,
                   close: bool) -> tuple[int, dict[str, str], bytes]:
    """One request on an open connection; the status, the headers and the whole body."""
    writer.write(f"{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                 f"Connection: {'close' if close else 'keep-alive'}\r\n\r\n".encode("latin-1"))
    await writer.drain()
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), WAIT)
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {name.lower(): value.strip() for name, _, value in (line.partition(":") for line in lines[1:] if line)}
    length = int(headers["content-length"])
    body = b"" if method == "HEAD" else await asyncio.wait_for(reader.readexactly(length), WAIT)
    return status, headers, body


def check_page(figures: Figures, target: str, body: bytes, versioned: bool) -> None:
    """A whole page, of one epoch: complete document and, for a page with the site menu
    (`versioned`), one edit named throughout, the same as every other page served with
    that epoch number names."""
    if not (body.startswith(b"<!DOCTYPE html>") and body.rstrip().endswith(b"</html>")):
        figures.partial.append(f"{target}: not a complete HTML document ({len(body)} bytes)")
        return
    if not versioned:
        return
    epoch = re.search(rb'data-epoch="(\d+)"', body)
    versions = set(VERSION.findall(body))
    if epoch is None or len(versions) != 1:
        figures.partial.append(f"{target}: epoch {epoch and epoch.group(1)!r}, edits named {sorted(versions)}")
        return
    number, version = int(epoch.group(1)), int(versions.pop())
    if figures.epoch_versions.setdefault(number, version) != version:
        figures.partial.append(f"{target}: epoch {number} served with edit {version} and with edit "
                               f"{figures.epoch_versions[number]}")


async def client(port: int, targets: list[Target], rng: random.Random, figures: Figures,
                 done: asyncio.Event) -> None:
    """Fetches random targets over keep-alive connections of random length until `done`."""
    while not done.is_set():
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        requests_left = rng.choice([1, 1, 2, 5, 20])
        try:
            while requests_left and not done.is_set():
                requests_left -= 1
                method, target, expected, versioned = rng.choice(targets)
                started = time.perf_counter()
                try:
                    status, headers, body = await exchange(reader, writer, method, target, close=not requests_left)
                except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, asyncio.TimeoutError,
                        ValueError, KeyError, IndexError) as exc:
                    figures.errors.append(f"{method} {target}: {exc!r}")
                    break
                figures.latencies.append(time.perf_counter() - started)
                figures.by_status[status] = figures.by_status.get(status, 0) + 1
                if status != expected:
                    figures.errors.append(f"{method} {target}: status {status}, expected {expected}")
                elif method == "GET" and headers["content-type"].startswith("text/html"):
                    check_page(figures, target, body, versioned)
        finally:
            writer.close()
            try:
                await writer.wait_closed()
            except OSError as exc:
                figures.errors.append(f"closing: {exc!r}")


async def tab(port: int, server_id: str, figures: Figures, done: asyncio.Event) -> None:
    """An open tab: long-polls for the next build, as livereload.js does."""
    generation = -1
    while not done.is_set():
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            status, _, body = await exchange(reader, writer, "GET", f"/__catalog/events?server={server_id}"
                                             f"&epoch=&generation={generation}&path=/", close=True)
            figures.polls += 1
            if status != 200:
                figures.errors.append(f"events: status {status}")
            else:
                generation = json.loads(body)["generation"]
        except (OSError, asyncio.IncompleteReadError, asyncio.TimeoutError, ValueError) as exc:
            figures.errors.append(f"events: {exc!r}")
        finally:
            writer.close()


async def editor(preview: LivePreview, figures: Figures, done: asyncio.Event) -> tuple[int, int]:
    """Edits the sources EDITS times, each once the previous rebuild is over, then lets the
    load run until REQUESTS were made; returns (builds, failed builds)."""
    failed = 0
    for version in range(1, EDITS + 1):
        before = preview.site.status.generation
        broken = version % 5 == 0
        (preview.project / EDITED).write_text(BROKEN if broken else edited_text(version), encoding="utf-8")
        deadline = time.monotonic() + WAIT
        while preview.site.status.generation == before:
            assert time.monotonic() < deadline, f"no rebuild after edit {version}"
            await asyncio.sleep(0.02)
        failed += preview.site.status.failed
        await asyncio.sleep(0.05)
    deadline = time.monotonic() + DEADLINE
    while figures.requests + len(figures.errors) < REQUESTS:
        assert time.monotonic() < deadline, f"only {figures.requests} requests in {DEADLINE}s"
        await asyncio.sleep(0.05)
    done.set()
    return preview.site.status.generation - 1, failed


async def load(preview: LivePreview, targets: list[Target]) -> tuple[Figures, int, int, float]:
    figures, done = Figures(), asyncio.Event()
    rng = random.Random(SEED)
    started = time.perf_counter()
    workers = [asyncio.create_task(client(preview.server.port, targets, random.Random(rng.random()), figures, done))
               for _ in range(CLIENTS)]
    workers += [asyncio.create_task(tab(preview.server.port, preview.server.server_id, figures, done))
                for _ in range(TABS)]
    rebuilds, failed = await editor(preview, figures, done)
    await asyncio.wait_for(asyncio.gather(*workers), WAIT)
    return figures, rebuilds, failed, time.perf_counter() - started


def listen_overflows() -> int | None:
    """Connections the kernel's accept queues dropped so far (Linux, system-wide), or None."""
    try:
        lines = Path("/proc/net/netstat").read_text().splitlines()
    except OSError:
        return None
    for names, values in zip(lines[::2], lines[1::2]):
        if names.startswith("TcpExt:"):
            counters = dict(zip(names.split()[1:], values.split()[1:]))
            return int(counters.get("ListenOverflows", 0))
    return None


def test_preview_under_load_while_rebuilding(tmp_path, figures):
    root = new_project(tmp_path / "site", {})
    write_corpus(root, 120)
    write_catalog(root, plugins=8, versions=3, wagons=3)
    (root / "site.toml").write_text('title = "Load"\nbase_url = "https://load.example.org/"\n'
                                    '[params]\nproduct = "Cloudify"\n')
    (root / EDITED).write_text(edited_text(0), encoding="utf-8")
    preview = LivePreview(root, port=0, settle=0.05, poll_timeout=2.0, say=lambda line: None).start()
    try:
        files = preview.site.status.epoch.files
        pages = sorted(rel for rel in files if rel.endswith("index.html"))  # docs, catalog and alias pages
        targets: list[Target] = [("GET", "/" + rel.removesuffix("index.html"), 200, b"Edit 0 " in files[rel])
                                 for rel in pages[::3]]
        targets += [("HEAD", "/" + pages[1].removesuffix("index.html"), 200, False),
                    ("GET", "/" + next(rel for rel in files if rel.endswith(".css")), 200, False),
                    ("GET", "/index/v1/index.json", 200, False), ("GET", "/search-index.json", 200, False),
                    ("GET", "/plugins/catalog", 200, False),
                    ("GET", "/plugins?name=cloudify-bench001-plugin", 200, False),
                    ("GET", "/" + pages[2].removesuffix("/index.html"), 301, False),
                    ("GET", "/no/such/page/", 404, b"Edit 0 " in files["404.html"]),
                    ("GET", "/__catalog/livereload.js", 200, False)]
        assert sum(versioned for *_, versioned in targets) > 20
        # a burst of connections must fit the listen backlog: beyond it Linux drops the handshake's
        # last ACK and the request waits seconds of SYN-ACK retries (seen here as 53 s with a backlog of 5)
        assert preview.server.request_queue_size >= CLIENTS + TABS
        overflows = listen_overflows()
        result, rebuilds, failed, seconds = asyncio.run(load(preview, targets))
        overflows = None if overflows is None else listen_overflows() - overflows
    finally:
        preview.close()

    figures(f"serve load: {result.requests} requests + {result.polls} long polls by {CLIENTS} clients and "
            f"{TABS} tabs in {seconds:.1f}s, {rebuilds} rebuilds ({failed} failed), "
            f"{len(result.epoch_versions)} epochs seen in pages, {len(result.errors)} errors, "
            f"{len(result.partial)} partial pages, latency p50 {result.percentile(0.5):.1f} ms "
            f"p99 {result.percentile(0.99):.1f} ms max {result.percentile(1.0):.1f} ms, "
            f"statuses {dict(sorted(result.by_status.items()))}, listen queue overflows (whole system) "
            f"{'unknown' if overflows is None else overflows}")
    assert result.errors == []
    assert result.partial == []
    assert result.requests >= REQUESTS
    assert rebuilds >= EDITS and failed == EDITS // 5
    assert len(result.epoch_versions) > 1  # pages of several epochs were served during the load
