"""A build stopped at each point of its publish: before, during and after the swap.

tests/test_faults.py kills builds at random moments, which in practice all fell before
the swap. Here the build itself stops at named points of `publish.Staging.publish` and
`publish.swap_in` ($CATALOG_TEST_FAULT, read only there): SIGKILLed (`POINT:kill`), or
paused (`POINT:pause`) for the test to send SIGINT or SIGTERM. Each outcome is compared
byte for byte, whole tree, with the complete output of the old and of the new sources:
it must be exactly one of them, the one expected at that point, with one line on stderr
for a signal, and the next build must publish the new site and leave nothing beside it.
Both ways of swapping are covered: one renameat2 exchange, and two renames (`no-exchange`,
as on systems without it), where a SIGKILL between the renames leaves the old site beside
the destination, put back whole by the next publish (`remove_leftovers`).
"""
from __future__ import annotations

import contextlib
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from catalog.publish import remove_leftovers
from test_faults import (WAIT, catalog_build, difference, finish, leftovers, make_project, reference, snapshot,
                         use_version)

# (faults, how the build is stopped, which site public/ must then hold)
CASES = {
    "kill-before-swap": ("before-swap:kill", "SIGKILL", "old"),
    "kill-swapped": ("swapped:kill", "SIGKILL", "new"),
    "kill-old-removed": ("old-removed:kill", "SIGKILL", "new"),
    "kill-published": ("published:kill", "SIGKILL", "new"),
    "sigint-before-swap": ("before-swap:pause", "SIGINT", "old"),
    "sigterm-before-swap": ("before-swap:pause", "SIGTERM", "old"),
    "sigint-swapped": ("swapped:pause", "SIGINT", "new"),
    "sigterm-published": ("published:pause", "SIGTERM", "new"),
    "renames-kill-between": ("no-exchange,between-renames:kill", "SIGKILL", "old-beside"),
    "renames-kill-swapped": ("no-exchange,swapped:kill", "SIGKILL", "new"),
    "renames-sigint-between": ("no-exchange,between-renames:pause", "SIGINT", "new"),
    "renames-sigterm-before": ("no-exchange,before-swap:pause", "SIGTERM", "old"),
}


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> dict:
    """A small project whose public/ holds version A, and the complete output of A and B."""
    base = tmp_path_factory.mktemp("swap")
    root = make_project(base / "site", pages=40)
    want = {version: reference(root, version, base / f"reference-{version}") for version in "AB"}
    use_version(root, "A")
    code, err = finish(catalog_build(root))
    assert code == 0, err
    assert snapshot(root / "public") == want["A"]
    return {"root": root, "want": want, "current": "A"}


def lines_of(process: subprocess.Popen) -> "queue.Queue[str]":
    """The process's stderr, line by line, read in a thread (so that waiting for a line can time out)."""
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        for line in process.stderr:
            lines.put(line)
        lines.put("")

    threading.Thread(target=read, daemon=True).start()
    return lines


def wait_for_pause(lines: "queue.Queue[str]", point: str, seen: list[str]) -> None:
    deadline = time.monotonic() + WAIT
    while True:
        line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
        seen.append(line)
        if line.strip() == f"paused at {point}":
            return
        assert line, f"the build ended without pausing at {point}: {''.join(seen)}"


@pytest.mark.parametrize("case", CASES)
def test_a_build_stopped_at_each_point_of_the_swap_leaves_exactly_the_old_or_the_new_site(sites, case):
    faults, how, expected = CASES[case]
    root, want = sites["root"], sites["want"]
    old = sites["current"]
    new = "B" if old == "A" else "A"
    use_version(root, new)
    env = {**os.environ, "CATALOG_TEST_FAULT": faults}
    process = catalog_build(root, env=env)
    lines, seen = lines_of(process), []
    if how != "SIGKILL":
        point = faults.rpartition(",")[2].partition(":")[0]
        wait_for_pause(lines, point, seen)
        os.killpg(process.pid, getattr(signal, how))
    try:
        process.wait(timeout=WAIT)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        pytest.fail(f"the build did not stop within {WAIT:.0f} s ({case})")
    while (line := lines.get(timeout=WAIT)) != "":
        seen.append(line)
    err = "".join(seen)

    if expected == "old-beside":  # killed between the two renames: no public/, the old site whole beside it
        assert not (root / "public").exists()
        beside = [root / name for name in leftovers(root) if ".old-" in name]
        assert len(beside) == 1 and snapshot(beside[0]) == want[old], leftovers(root)
        remove_leftovers(root / "public")  # what the next publish does first
        expected = "old"
    got = snapshot(root / "public")
    assert got == want[old if expected == "old" else new], (
        f"{case}: expected the {expected} site; against it: {difference(got, want[old if expected == 'old' else new])}")

    if how == "SIGKILL":
        assert process.returncode == -signal.SIGKILL, err
    else:
        signum = getattr(signal, how)
        assert process.returncode == 128 + signum, err
        assert "Traceback" not in err, err
        last = err.strip().splitlines()[-1]
        if expected == "old":
            assert last == "build interrupted; public/ left as it was", err
        else:  # the signal came during the swap, which was let finish
            assert last.startswith("build interrupted; public/ holds the new site ("), err
        assert leftovers(root) == []

    code, err = finish(catalog_build(root))  # the next build publishes the new sources, whatever was left
    assert code == 0, err
    got = snapshot(root / "public")
    assert got == want[new], difference(got, want[new])
    assert leftovers(root) == []
    sites["current"] = new
