"""`catalog resolve --download` against a server that trickles (issue 15, item 13).

A server that sends a byte now and then never lets a read time out: the download ran
on for as long as the server liked. `--deadline` (default 600 s) bounds the whole
command (index and downloads): past it the command fails with one line, exit 2, and
no file left. And SIGTERM, which used to end the process at once, leaving the hidden
`.part` file, now stops it like Ctrl-C: one line, exit 128 + the signal, nothing left.

A real local HTTP server; `catalog resolve` runs as a real process, each wait bounded.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from catalog.plugins.resolver import download, resolve
from catalog.plugins.transfer import Deadline, ResolveError
from test_download_faults import ECHO, faulty_host, site  # noqa: F401 (site: a fixture)
from test_faults import finish

ARGS = ["cloudify-echo-plugin", "--manager-version", "6.4.0", "--distribution", "centos", "--release", "core",
        "--arch", "x86_64", "--python", "py311"]


def resolve_command(base: str, dest: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "catalog", "resolve", *ARGS, "--index", base + "/",
                             "--download", str(dest), *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_a_trickling_download_stops_at_the_deadline(site, tmp_path):
    with faulty_host(site, "trickle") as base:
        started = time.monotonic()
        code, err = finish(resolve_command(base, tmp_path / "dl", "--deadline", "2"), within=60)
        took = time.monotonic() - started
    assert code == 2, err
    assert err.startswith("error: cannot fetch ") and "Traceback" not in err, err
    assert "not done within the deadline of 2 s" in err and "download deleted" in err and "--deadline" in err, err
    assert took < 30, f"stopped {took:.0f} s after starting, with a deadline of 2 s"
    assert files_in(tmp_path / "dl") == []


def test_the_deadline_bounds_reading_the_index_too(site):
    with faulty_host(site, "trickle", only=".json") as base:
        started = time.monotonic()
        with pytest.raises(ResolveError, match=r"index\.json: not done within the deadline of 1\.5 s"):
            resolve("cloudify-echo-plugin", index=base + "/", deadline=Deadline(1.5), **ECHO)
    assert time.monotonic() - started < 20


def test_the_deadline_is_for_the_whole_download(site, tmp_path):
    with faulty_host(site, "trickle") as base:
        chosen = resolve("cloudify-echo-plugin", index=base + "/", **ECHO)
        started = time.monotonic()
        with pytest.raises(ResolveError, match="not done within the deadline of 1.5 s"):
            download(chosen, tmp_path / "dl", Deadline(1.5))
    assert time.monotonic() - started < 20
    assert files_in(tmp_path / "dl") == []


def test_a_deadline_must_be_a_positive_number(site, tmp_path):
    process = resolve_command("http://127.0.0.1:9", tmp_path / "dl", "--deadline", "0")
    code, err = finish(process, within=60)
    assert code == 2 and "not a number of seconds above 0" in err and "Traceback" not in err, err


@pytest.mark.parametrize("name", ["SIGTERM", "SIGINT"])
def test_a_stopped_download_leaves_no_partial_file(site, tmp_path, name):
    dest = tmp_path / "dl"
    with faulty_host(site, "trickle") as base:
        process = resolve_command(base, dest)
        deadline = time.monotonic() + 60
        while not [n for n in files_in(dest) if n.endswith(".part")]:
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "no download started within 60 s"
            time.sleep(0.01)
        os.kill(process.pid, getattr(signal, name))
        code, err = finish(process, within=30)
    assert code == 128 + getattr(signal, name), err
    assert err.strip() == "resolve interrupted; nothing was downloaded", err
    assert files_in(dest) == []
