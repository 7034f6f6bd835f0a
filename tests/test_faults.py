"""Faults in the build: `catalog build` killed with SIGKILL at seeded random moments
(publishing included), a read-only output folder and a full disk. After each, `public/`
must be byte for byte the previous good site or the complete new one, never a mix, and
the next build must succeed with the right output and leave no temporary folder.

Builds run as real subprocesses (`python -m catalog build`). Nothing asserts on timing:
the kill points are spread over a measured build, and the outcome of each is checked
whatever phase it fell in. Random kills rarely fall inside the swap itself, which takes
milliseconds: tests/test_swap_faults.py stops builds at each named point of it.
"""
from __future__ import annotations

import contextlib
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import pytest

from catalog.cli import main
from conftest import REPO

sys.path.insert(0, str(REPO / "benchmarks"))
from corpus import write_catalog, write_corpus  # noqa: E402

PAGES = 240  # a few hundred pages: a build takes a moment, long enough to be killed in each phase
SEED = 20240507  # kill points are random but reproducible
KILLS_ANYTIME = 4  # uniform over the whole build
KILLS_PUBLISHING = 4  # once publishing has begun
WAIT = 120.0

Tree = dict[str, bytes | None]  # site-relative path -> bytes (None for a folder)


# -- the project and its two versions --------------------------------------------------------

def make_project(root: Path, pages: int = PAGES) -> Path:
    root.mkdir(parents=True)
    (root / "themes").mkdir()
    (root / "themes" / "default").symlink_to(REPO / "themes" / "default", target_is_directory=True)
    write_corpus(root, pages)
    write_catalog(root, plugins=6, versions=4, wagons=3)
    use_version(root, "A")
    return root


def use_version(root: Path, version: str) -> None:
    """Version A and B differ in the site title (every page changes), in a folder only each
    has (files and folders appear and vanish) and in one plugin (the index changes)."""
    (root / "site.toml").write_text(f'title = "Faults {version}"\nbase_url = "https://faults.example.org/"\n'
                                    f'[params]\nproduct = "Cloudify"\n')
    for other in "AB":
        shutil.rmtree(root / "content" / f"only-{other.lower()}", ignore_errors=True)
    only = root / "content" / f"only-{version.lower()}"
    only.mkdir()
    (only / "_index.md").write_text(f"---\ntitle: Only {version}\n---\nA section of version {version}.\n")
    (only / "page.md").write_text(f"---\ntitle: Page of {version}\n---\n## Heading {version}\n\nText.\n")
    plugin = root / "plugins-index" / "cloudify-bench000-plugin.yaml"
    text = re.sub(r'^title: .*$', f'title: "Bench version {version}"', plugin.read_text(), count=1, flags=re.M)
    plugin.write_text(text)


def snapshot(folder: Path) -> Tree:
    found: Tree = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        found[rel] = None if path.is_dir() else path.read_bytes()
    return found


def difference(got: Tree, want: Tree) -> str:
    missing = sorted(want.keys() - got.keys())
    extra = sorted(got.keys() - want.keys())
    differ = sorted(rel for rel in got.keys() & want.keys() if got[rel] != want[rel])
    return f"{len(missing)} missing {missing[:3]}, {len(extra)} extra {extra[:3]}, {len(differ)} differ {differ[:3]}"


def leftovers(folder: Path) -> list[str]:
    """Temporary folders or files a publish left beside the output."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".public"))


def catalog_build(root: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "catalog", "build", "--project", str(root), *args],
                            cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, env=env)


def finish(process: subprocess.Popen, within: float = WAIT) -> tuple[int, str]:
    """Its exit status and stderr; fails the test (killing what is left of it) if it runs on
    past `within` seconds, so that a hang fails instead of stopping the suite."""
    try:
        _, err = process.communicate(timeout=within)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        _, err = process.communicate(timeout=WAIT)
        pytest.fail(f"{' '.join(map(str, process.args[1:4]))} still running after {within:.0f} s: {err[-3000:]}")
    return process.returncode, err


def kill(process: subprocess.Popen) -> bool:
    """SIGKILL the build and its workers; True if it was still running."""
    running = process.poll() is None
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.communicate(timeout=WAIT)
    return running


def reference(root: Path, version: str, out: Path) -> Tree:
    """The complete output of `version`, built separately, without cache or manifest."""
    use_version(root, version)
    assert main(["build", "--project", str(root), "--out", str(out), "--no-cache"]) == 0
    return snapshot(out)


def marks(root: Path) -> tuple[int, int]:
    return root.stat().st_mtime_ns, (root / "public").stat().st_mtime_ns


def wait_for_publishing(root: Path, before: tuple[int, int], process: subprocess.Popen) -> None:
    """Until the project folder or public/ changes (something is being published) or the build ends."""
    while marks(root) == before and process.poll() is None:
        time.sleep(0.0005)


def measure_build(root: Path) -> tuple[float, float]:
    """Run a build to its end; returns how long it took and how long it published (from the
    first change beside or in public/ to the process's exit: the swap, the manifest, the cache)."""
    before = marks(root)
    started = time.perf_counter()
    process = catalog_build(root)
    wait_for_publishing(root, before, process)
    publishing_from = time.perf_counter()
    while process.poll() is None:
        time.sleep(0.0005)
    ended = time.perf_counter()
    code, err = finish(process)
    assert code == 0 and marks(root) != before, err
    return ended - started, ended - publishing_from


# -- killed at random moments --------------------------------------------------------------------

def test_a_killed_build_leaves_the_old_or_the_new_site_never_a_mix(tmp_path, figures):
    root = make_project(tmp_path / "site")
    want = {version: reference(root, version, tmp_path / f"reference-{version}") for version in "AB"}
    assert want["A"] != want["B"]

    use_version(root, "A")
    finish(catalog_build(root))
    use_version(root, "B")  # measure a build like the ones killed below: every file changes
    duration, publishing = measure_build(root)
    assert snapshot(root / "public") == want["B"]

    rng = random.Random(SEED)
    modes = ["anytime"] * KILLS_ANYTIME + ["publishing"] * KILLS_PUBLISHING
    rng.shuffle(modes)
    current, outcomes = "B", []
    for trial, mode in enumerate(modes):
        target = "A" if current == "B" else "B"
        use_version(root, target)
        before = marks(root)
        process = catalog_build(root)
        if mode == "anytime":
            delay = rng.uniform(0, duration)
            time.sleep(delay)
        else:  # a moment inside publishing (which also saves the manifest and the cache)
            delay = rng.uniform(0, publishing)
            wait_for_publishing(root, before, process)
            time.sleep(delay)
        was_running = kill(process)

        got = snapshot(root / "public")
        outcome = "old" if got == want[current] else "new" if got == want[target] else "MIX"
        outcomes.append(f"{mode} +{delay * 1000:.0f} ms: {outcome}" + ("" if was_running else " (had finished)"))
        assert outcome != "MIX", (f"kill {trial} ({mode}, {delay:.3f}s) left a mix of {current} and {target}: "
                                  f"against the new site {difference(got, want[target])}")

        code, err = finish(catalog_build(root))
        assert code == 0, err
        assert snapshot(root / "public") == want[target], difference(snapshot(root / "public"), want[target])
        assert leftovers(root) == []
        current = target

    figures(f"faults: {len(modes)} kills of a {PAGES}-page build ({duration:.2f}s, the last "
            f"{publishing * 1000:.0f} ms publishing): " + "; ".join(outcomes))


# -- a read-only folder, a full disk --------------------------------------------------------------

FSIZE_DRIVER = """
import resource, signal, sys
from catalog.cli import main
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead of killing
limit = int(sys.argv.pop(1))
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
sys.exit(main(sys.argv[1:]))
"""


def built_small_site(tmp_path: Path, out: Path | None = None) -> tuple[Path, Path, Tree]:
    """A small project built once (version A) into `out`; returns it, the output and its tree;
    the sources are left at version B, so the next build has every file to write."""
    root = make_project(tmp_path / "site", pages=40)
    out = out or root / "public"
    code, err = finish(catalog_build(root, "--out", str(out)))
    assert code == 0, err
    use_version(root, "B")
    return root, out, snapshot(out)


def assert_failed_cleanly(root: Path, out: Path, before: Tree, code: int, err: str, reason: str) -> None:
    assert code == 1, err
    assert "Traceback" not in err, err
    assert re.search(rf"{re.escape(str(out))}: error: cannot publish the site: {reason} \(.+\) \[publish-failed\]",
                     err), err
    assert "\n    hint: " in err and "the previous site was left as it was" in err, err
    assert "build failed: 1 error(s);" in err and "left as it was" in err, err
    assert snapshot(out) == before
    assert leftovers(out.parent) == []


def test_a_file_size_limit_fails_the_publish_cleanly(tmp_path):
    root, out, before = built_small_site(tmp_path)
    process = subprocess.run([sys.executable, "-c", FSIZE_DRIVER, "4096", "build", "--project", str(root)],
                             cwd=root, capture_output=True, text=True, timeout=WAIT)
    assert_failed_cleanly(root, out, before, process.returncode, process.stderr, "File too large")
    assert "ulimit -f" in process.stderr
    code, err = finish(catalog_build(root))  # without the limit, the same sources publish
    assert code == 0, err
    assert b"Faults B" in (out / "index.html").read_bytes()


@contextlib.contextmanager
def mounted_tmpfs(folder: Path, size: int) -> Iterator[Path]:
    folder.mkdir()
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a small file system needs root")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def used_bytes(folder: Path) -> int:
    return sum(p.stat().st_blocks * 512 for p in folder.rglob("*")) + 4096


def test_a_full_disk_fails_the_publish_cleanly(tmp_path):
    probe_root, probe_out, _ = built_small_site(tmp_path / "probe")
    size = used_bytes(probe_out) + 64 * 1024  # the old site fits; the old one and a new one do not
    with mounted_tmpfs(tmp_path / "disk", size) as disk:
        root, out, before = built_small_site(tmp_path, disk / "public")
        code, err = finish(catalog_build(root, "--out", str(out)))
        assert_failed_cleanly(root, out, before, code, err, "No space left on device")


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[str]:
    """Make `folder` read-only, for root too (a read-only bind mount); yields the expected error text."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            yield "Permission denied"
        finally:
            folder.chmod(0o755)
        return
    bind = subprocess.run(["mount", "--bind", str(folder), str(folder)], capture_output=True, text=True)
    if bind.returncode != 0:
        pytest.skip(f"cannot bind-mount here: {bind.stderr.strip()}")
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(folder)], check=True, capture_output=True)
        yield "Read-only file system"
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_a_read_only_output_folder_fails_the_publish_cleanly(tmp_path):
    (tmp_path / "www").mkdir()
    root, out, before = built_small_site(tmp_path, tmp_path / "www" / "public")
    with read_only(tmp_path / "www") as reason:
        code, err = finish(catalog_build(root, "--out", str(out)))
        assert_failed_cleanly(root, out, before, code, err, reason)
    code, err = finish(catalog_build(root, "--out", str(out)))
    assert code == 0, err
    assert b"Faults B" in (out / "index.html").read_bytes()


def test_a_second_build_of_the_project_waits_for_the_first(make_site):
    # two builds sharing a project would each rewrite the render cache and the manifest
    from catalog.locking import build_lock

    site = make_site({"content/_index.md": "---\ntitle: Home\n---\nHello\n"})
    with build_lock(site.root):  # this test is "the first build"
        process = catalog_build(site.root)
        waited = ""
        while "waiting for another build" not in waited and process.poll() is None:
            waited += process.stderr.readline()
        assert "waiting for another build of this project to finish (pid " in waited
        assert process.poll() is None and not (site.root / "public").exists()
    code, err = finish(process)
    assert code == 0, err
    assert (site.root / "public" / "index.html").is_file()
