"""Measuring whole processes: wall time from spawn to exit, peak memory (the kernel's
ru_maxrss of the process and the sampled PSS sum over its process group), and edit-to-reload
time of a preview server, polled over HTTP on 127.0.0.1.

Every child runs in its own session, so it and everything it starts (a process pool,
Hugo's watcher) can be killed together; every wait and every poll has a deadline.
"""
from __future__ import annotations

import atexit
import http.client
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

_LIVE_GROUPS: set[int] = set()  # process groups still running, killed at exit whatever happens


@atexit.register
def _kill_leftovers() -> None:
    for group in list(_LIVE_GROUPS):
        _signal_group(group, signal.SIGKILL)


def _signal_group(group: int, sig: int) -> None:
    try:
        os.killpg(group, sig)
    except (ProcessLookupError, PermissionError):
        pass


# Where discard() moves what the benchmark removes; None: delete at once.
_trash: Path | None = None


def keep_trash_in(folder: Path | None) -> None:
    """From now on, discard() moves into `folder` (on the same file system as what it removes)."""
    global _trash
    _trash = folder
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)


def discard(path: Path) -> None:
    """Remove an old output (or a whole project) before the next measurement.

    It is moved into the trash folder, emptied when the run ends, and not deleted: on ext4
    without a journal (this kind of VM's root file system) the inode allocator skips every
    inode freed in the last minute (the kernel's recently_deleted()), scanning past each of
    them for every file it creates. A cold build of 13,000 files right after `rm -rf` of its
    previous output took 7 s more than one a minute later; that depends on what was deleted
    just before, not on the tool measured, so no measurement may follow a mass deletion."""
    if not path.exists() and not path.is_symlink():
        return
    if _trash is None:
        shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()
        return
    target = _trash / f"{len(list(_trash.iterdir())):05d}-{path.name}"
    os.rename(path, target)


class MeasureError(Exception):
    """A command failed or timed out; the message says which and shows its output's tail."""


@dataclass
class Run:
    seconds: float
    max_rss: int  # bytes: ru_maxrss, the largest single process of the tree (the kernel's figure)
    tree_rss: int  # bytes: the largest sampled sum of PSS over the process group (0 if not sampled)
    cpu: float = 0.0  # seconds of user + system time of the process and the children it waited for


class GroupSampler:
    """Samples the summed PSS of every process in one process group, every `interval` s."""

    def __init__(self, group: int, interval: float = 0.1) -> None:
        self.group = group
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> "GroupSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, group_rss(self.group))
            self._stop.wait(self.interval)


def group_rss(group: int) -> int:
    """Bytes of memory of all processes of process group `group`: the sum of their PSS
    (proportional set size), so pages a forked worker shares with its parent count once."""
    total = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                stat = handle.read()
            fields = stat[stat.rfind(b")") + 2:].split()  # state ppid pgrp ... (stat(5) from field 3)
            if len(fields) < 3 or int(fields[2]) != group:
                continue
            with open(f"/proc/{entry.name}/smaps_rollup", "rb") as handle:
                for line in handle:
                    if line.startswith(b"Pss:"):
                        total += int(line.split()[1]) * 1024
                        break
        except (OSError, ValueError):
            continue  # the process ended while we looked
    return total


def tool_environment() -> dict[str, str]:
    """The environment every measured command runs in: this one, less PYTHONDONTWRITEBYTECODE.
    A Python tool as installed has its modules compiled (pip compiles a wheel's files when
    it installs it; an editable install's are compiled on first import); with the variable
    set, as some sandboxes and CI images do, every run compiles them from source again,
    80 ms for this project's 50 modules, which no user's build pays."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run(command: list[str], cwd: Path, timeout: float, log: Path, sample: bool = False,
        env: dict[str, str] | None = None) -> Run:
    """Run `command` to completion (in `env`, default `tool_environment()`); MeasureError if it
    fails or outlives `timeout` seconds."""
    with log.open("wb") as out:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   start_new_session=True, env=env if env is not None else tool_environment())
        _LIVE_GROUPS.add(process.pid)
        watchdog = threading.Timer(timeout, _signal_group, (process.pid, signal.SIGKILL))
        watchdog.start()
        sampler = GroupSampler(process.pid) if sample else None
        try:
            if sampler:
                sampler.__enter__()
            _, status, usage = os.wait4(process.pid, 0)
            seconds = time.perf_counter() - started
        finally:
            watchdog.cancel()
            if sampler:
                sampler.__exit__()
            _signal_group(process.pid, signal.SIGKILL)  # helpers left behind by the command
            _LIVE_GROUPS.discard(process.pid)
        process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        why = "timed out" if seconds >= timeout else f"exited with {process.returncode}"
        raise MeasureError(f"{' '.join(command)} {why} after {seconds:.1f}s:\n{tail(log)}")
    return Run(seconds, usage.ru_maxrss * 1024, sampler.peak if sampler else 0, usage.ru_utime + usage.ru_stime)


def tail(log: Path, lines: int = 15) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str, timeout: float = 5.0) -> str | None:
    """The body of a 200 response, or None (not up yet, an error, a non-200)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            if response.status != 200:
                return None
            return response.read().decode("utf-8", errors="replace")
    except (urllib.error.URLError, OSError, ValueError, http.client.HTTPException):
        # HTTPException: a body cut short (IncompleteRead), as a server rebuilding mid-response sends
        return None


def wait_for_text(url: str, text: str, timeout: float, interval: float = 0.01,
                  alive: subprocess.Popen | None = None) -> float | None:
    """Poll `url` until its body contains `text`: the perf_counter time of that response,
    or None after `timeout` seconds (or when `alive` has exited)."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        body = fetch(url)
        if body is not None and text in body:
            return time.perf_counter()
        if alive is not None and alive.poll() is not None:
            return None
        time.sleep(interval)
    return None


@dataclass
class ReloadResult:
    seconds: list[float]
    startup: float  # seconds until the page was first served
    max_rss: int
    tree_rss: int


def measure_reload(command: list[str], cwd: Path, url: str, ready_text: str, page: Path, runs: int,
                   startup_timeout: float, reload_timeout: float, log: Path, settle: float = 1.0,
                   built_text: bytes | None = None) -> ReloadResult:
    """Start a preview server, wait for its first build, then `runs` times: append a line
    with a new token to `page` and time from the write to the first response of `url`
    that contains the token. `built_text`: what the server writes to its output once its
    first build is done, for a server that serves a page before (ours: the page asked
    for is made first); the edits wait for it, so that they time a rebuild."""
    with log.open("wb") as out:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   start_new_session=True, env=tool_environment())
        _LIVE_GROUPS.add(process.pid)
        seconds: list[float] = []
        try:
            with GroupSampler(process.pid, interval=0.25) as sampler:
                ready = wait_for_text(url, ready_text, startup_timeout, interval=0.1, alive=process)
                if ready is None:
                    raise MeasureError(f"{' '.join(command)}: {url} did not serve the page within "
                                       f"{startup_timeout:.0f}s:\n{tail(log)}")
                startup = ready - started
                if built_text is not None:
                    deadline = time.perf_counter() + startup_timeout
                    while built_text not in log.read_bytes():
                        if time.perf_counter() > deadline or process.poll() is not None:
                            raise MeasureError(f"{' '.join(command)}: no {built_text!r} within "
                                               f"{startup_timeout:.0f}s:\n{tail(log)}")
                        time.sleep(0.05)
                for number in range(runs):
                    time.sleep(settle)  # let the watcher go quiet after the previous rebuild
                    token = f"reload-{os.getpid()}-{number}-{time.monotonic_ns()}"
                    with page.open("a") as handle:
                        handle.write(f"\nBench edit {token}.\n")
                    written = time.perf_counter()
                    seen = wait_for_text(url, token, reload_timeout, alive=process)
                    if seen is None:
                        raise MeasureError(f"{' '.join(command)}: the edit did not show at {url} within "
                                           f"{reload_timeout:.0f}s:\n{tail(log)}")
                    seconds.append(seen - written)
        finally:
            max_rss = stop(process)
        return ReloadResult(seconds, startup, max_rss, sampler.peak)


def stop(process: subprocess.Popen, grace: float = 15.0) -> int:
    """Stop a server's whole process group (Ctrl-C first, then SIGKILL); its ru_maxrss in bytes."""
    _signal_group(process.pid, signal.SIGINT)
    deadline = time.perf_counter() + grace
    usage = None
    while time.perf_counter() < deadline:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        time.sleep(0.05)
    else:
        _signal_group(process.pid, signal.SIGKILL)
        _, status, usage = os.wait4(process.pid, 0)
    _signal_group(process.pid, signal.SIGKILL)  # whatever else of the group is left
    _LIVE_GROUPS.discard(process.pid)
    process.returncode = os.waitstatus_to_exitcode(status)
    return usage.ru_maxrss * 1024 if usage else 0


def tree_size(folder: Path) -> tuple[int, int]:
    """(bytes, files) of the regular files under `folder` (apparent sizes, as du -sb)."""
    total = files = 0
    for root, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(root, name)
            if os.path.isfile(path) and not os.path.islink(path):
                total += os.path.getsize(path)
                files += 1
    return total, files
