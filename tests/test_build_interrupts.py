"""Ctrl-C and SIGTERM during `catalog build` (issue 15, items 1 and b).

A build of a 1,500-page site is interrupted while its workers render (the staging folder
holds a few hundred pages): to the build's process alone, and to its whole process group
as a terminal's Ctrl-C or a cancelled CI job does. It must stop promptly with one line and
exit 128 + the signal's number, no traceback from it or its workers, `public/` byte for
byte the previous site, no staging folder, the build lock free and no worker left. The
interrupt used to leave the pool's task thread waiting for a place in flight that nobody
would give back: Pool.terminate waited for it forever, holding the lock.

Builds run as real subprocesses; each wait has a timeout, so a hang fails the test.
"""
from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from test_faults import catalog_build, difference, finish, leftovers, make_project, snapshot, use_version

PAGES = 1500
STOPPED_WITHIN = 30.0  # seconds from the signal to the exit (the build takes ~5 s on its own)
LOCK = Path(".catalog-cache") / "build.lock"


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> tuple[Path, dict]:
    """A 1,500-page project built once (version A); its sources are then left at version B."""
    root = make_project(tmp_path_factory.mktemp("interrupts") / "site", pages=PAGES)
    process = catalog_build(root)
    _, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    use_version(root, "B")
    return root, snapshot(root / "public")


def staged_files(root: Path) -> int:
    count = 0
    for folder in root.glob(".public.new-*"):
        for _, _, files in os.walk(folder):
            count += len(files)
    return count


def start_rendering(root: Path) -> subprocess.Popen:
    """A cold build, once its workers have rendered a few hundred pages into the staging folder."""
    process = catalog_build(root, "--no-cache")
    deadline = time.monotonic() + 120
    while staged_files(root) < 300:
        assert process.poll() is None, f"the build ended before it could be interrupted: {process.communicate()}"
        assert time.monotonic() < deadline, "the build staged no pages in 120 s"
        time.sleep(0.01)
    return process


def processes_of(root: Path) -> list[int]:
    """Live processes whose command line names this project: the build, and its workers (forked)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if str(root).encode() in command and state != "Z":
            found.append(int(entry.name))
    return found


def assert_left_as_it_was(root: Path, before: dict, code: int, err: str, signum: int) -> None:
    assert code == 128 + signum, err
    assert err.strip().splitlines()[-1] == "build interrupted; public/ left as it was", err
    assert "Traceback" not in err and "Error" not in err, err
    got = snapshot(root / "public")
    assert got == before, difference(got, before)
    assert leftovers(root) == []
    with open(root / LOCK, "a") as handle:  # free: a later build does not wait for it
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fcntl.flock(handle, fcntl.LOCK_UN)
    deadline = time.monotonic() + 10
    while processes_of(root) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert processes_of(root) == [], "a worker of the interrupted build is still running"


@pytest.mark.parametrize("name,to_group", [("SIGINT", False), ("SIGINT", True), ("SIGTERM", False),
                                           ("SIGTERM", True)],
                         ids=["sigint-process", "sigint-group", "sigterm-process", "sigterm-group"])
def test_an_interrupted_build_stops_promptly_and_leaves_the_old_site(project, name, to_group):
    root, before = project
    signum = getattr(signal, name)
    process = start_rendering(root)
    (os.killpg if to_group else os.kill)(process.pid, signum)
    code, err = finish(process, STOPPED_WITHIN)
    assert_left_as_it_was(root, before, code, err, signum)


def test_ctrl_c_while_waiting_for_the_lock(project):
    from catalog.locking import build_lock

    root, before = project
    with build_lock(root):  # another build holds it
        process = catalog_build(root)
        waited, deadline = "", time.monotonic() + 60
        while "waiting for another build" not in waited and time.monotonic() < deadline:
            waited += process.stderr.readline()
        assert "waiting for another build" in waited
        os.killpg(process.pid, signal.SIGINT)
        code, err = finish(process, STOPPED_WITHIN)
    assert_left_as_it_was(root, before, code, err, signal.SIGINT)


def test_the_next_build_after_an_interrupt_publishes(project):
    root, _ = project
    process = start_rendering(root)
    os.killpg(process.pid, signal.SIGINT)
    finish(process, STOPPED_WITHIN)
    process = catalog_build(root)
    code, err = finish(process, within=300)  # a whole build, on a machine that may be busy
    assert code == 0, err
    assert "waiting for another build" not in err
    assert b"Faults B" in (root / "public" / "index.html").read_bytes()
    assert leftovers(root) == []
