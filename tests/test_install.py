"""The installed tool, as a user gets it: a wheel built from the sources, installed into a
fresh virtual environment outside the repository, then `catalog new`, `build`, `check` and
`serve` run from an empty folder. This is what proves the default theme and the starter
ship inside the package (nothing of the checkout is reachable from there)."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import REPO

# what a wheel is built from; everything else of the checkout stays behind
SOURCES = ["pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "catalog", "themes"]


def _run(command: list[str], cwd: Path, env: dict[str, str], timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """(the venv's bin folder, an environment that reaches only the venv's `catalog`)."""
    root = tmp_path_factory.mktemp("install")
    source = root / "source"
    source.mkdir()
    for name in SOURCES:  # a copy: pip's in-tree build writes build/ and *.egg-info beside the sources
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(REPO / name, source / name)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    wheels = root / "wheels"
    built = _run([sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "-w", str(wheels), "-q"],
                 root, env)
    assert built.returncode == 0, built.stdout + built.stderr
    [wheel] = wheels.glob("plugin_catalog-*.whl")
    venv = root / "venv"  # no --system-site-packages: only what the wheel and its dependencies bring
    made = _run([sys.executable, "-m", "venv", str(venv)], root, env)
    assert made.returncode == 0, made.stderr
    bin_dir = venv / "bin"
    pip = _run([str(bin_dir / "python"), "-m", "pip", "install", "-q", str(wheel)], root, env)
    assert pip.returncode == 0, pip.stdout + pip.stderr
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    return bin_dir, env


def test_wheel_carries_the_theme_and_the_starter(installed):
    bin_dir, env = installed
    where = _run([str(bin_dir / "python"), "-c", "import catalog, catalog.theme; "
                  "print(catalog.__file__); print(catalog.theme.packaged_theme())"], bin_dir, env)
    assert where.returncode == 0, where.stderr
    package, theme = map(Path, where.stdout.split())
    assert not package.is_relative_to(REPO) and theme == package.parent / "themes" / "default"
    shipped = sorted(p.relative_to(theme).as_posix() for p in theme.rglob("*") if p.is_file())
    source = sorted(p.relative_to(REPO / "themes/default").as_posix()
                    for p in (REPO / "themes/default").rglob("*") if p.is_file())
    assert shipped == source


def test_new_build_check_serve_with_the_installed_tool(installed, tmp_path):
    bin_dir, env = installed
    catalog = str(bin_dir / "catalog")
    assert shutil.which("catalog", path=env["PATH"]) == catalog

    new = _run([catalog, "new", "demo"], tmp_path, env)
    assert (new.returncode, new.stderr) == (0, ""), new.stderr
    assert new.stdout.startswith("created demo/ with 7 files:\n")
    demo = tmp_path / "demo"

    built = _run([catalog, "build"], demo, env)
    assert built.returncode == 0, built.stderr
    # one line: the summary, with no warning before it nor a warning count in it
    [line] = built.stderr.splitlines()
    assert line.startswith("built 4 pages (4 rendered), 0 redirects, ") and line.endswith("s"), line
    assert "warning" not in line and built.stdout == ""

    checked = _run([catalog, "check", "public"], demo, env)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    [summary] = checked.stdout.splitlines()
    assert summary.startswith("checked ") and summary.endswith(": no problems"), summary

    port = _free_port()
    server = subprocess.Popen([catalog, "serve", "--port", str(port)], cwd=demo, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        status, body = _get_when_up(f"http://127.0.0.1:{port}/", server)
        assert status == 200
        assert "<title>My plugins</title>" in body and 'href="/plugins/">Plugins</a>' in body
    finally:
        server.terminate()
        try:
            out, err = server.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            out, err = server.communicate()
    assert server.returncode == 0, err
    assert f"serving http://127.0.0.1:{port}/ (Ctrl-C to stop)" in err
    assert "Traceback" not in err


_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # a proxy set for the registry is not for 127.0.0.1


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get_when_up(url: str, server: subprocess.Popen, timeout: float = 60) -> tuple[int, str]:
    """The first answer of the preview, polled until it listens (it builds first)."""
    deadline = time.monotonic() + timeout
    while True:
        if server.poll() is not None:
            pytest.fail(f"catalog serve exited with {server.returncode}: {server.stderr.read()}")
        try:
            with _DIRECT.open(url, timeout=10) as response:
                return response.status, response.read().decode("utf-8")
        except (urllib.error.URLError, ConnectionError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
