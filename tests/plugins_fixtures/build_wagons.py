"""Build real wagons from the tiny plugin sources beside this file, with the `wagon` package.

Used by the tests (into tmp folders) and, run as a script, to rebuild the sample wagons
the repository ships in plugins-index/wagons/:

    .venv/bin/python tests/plugins_fixtures/build_wagons.py

wagon takes the platform from the command line (`--build-tag`, `--supported-platform`),
so one pure-Python source gives wagons for every platform; `build_server_os_properties`
in package.json still names the machine that built them.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent

# (plugin, version, build tag, supported platform, python versions, archive format)
SAMPLE_WAGONS = [
    ("cloudify-echo-plugin", "1.0.0", "manylinux", "any", "3", "tar.gz"),
    ("cloudify-echo-plugin", "1.1.0", "centos-Core", "linux_x86_64", "311", "tar.gz"),
    ("cloudify-echo-plugin", "1.1.0", "centos-altarch", "linux_aarch64", "311", "tar.gz"),
    ("cloudify-echo-plugin", "1.1.0", "manylinux", "any", "3", "tar.gz"),
    ("cloudify-wait-plugin", "0.1.0", "manylinux", "linux_x86_64", "311", "zip"),
]


def build_wagon(plugin: str, version: str, out_dir: Path, *, build_tag: str, platform: str,
                python: str = "311", archive_format: str = "tar.gz") -> Path:
    """Build one wagon of tests/plugins_fixtures/{plugin} into out_dir and return its path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        # pip builds in the source tree (build/, *.egg-info); keep the fixtures clean
        shutil.copytree(HERE / plugin, Path(work) / plugin, ignore=shutil.ignore_patterns("plugin.yaml"))
        before = set(out_dir.glob("*.wgn"))
        subprocess.run(
            [sys.executable, "-m", "wagon", "create", f"./{plugin}",
             "--build-tag", build_tag, "--supported-platform", platform, "--pyver", python,
             "--format", archive_format, "--output-directory", str(out_dir.resolve()), "--force",
             "--wheel-args=--no-build-isolation --no-deps --no-index"],
            cwd=work, env={**os.environ, "PLUGIN_VERSION": version}, check=True, capture_output=True, text=True)
    created = sorted(set(out_dir.glob("*.wgn")) - before) or sorted(
        out_dir.glob(f"{plugin.replace('-', '_')}-{version}-{build_tag}-*"))
    return created[0]


def plugin_yaml(plugin: str, version: str) -> str:
    """The plugin's DSL file for one release."""
    return (HERE / plugin / "plugin.yaml").read_text(encoding="utf-8").replace("{version}", version)


def rebuild_sample(destination: Path = REPO / "plugins-index" / "wagons") -> list[Path]:
    built = []
    for plugin, version, tag, platform, python, fmt in SAMPLE_WAGONS:
        folder = destination / plugin / version
        built.append(build_wagon(plugin, version, folder, build_tag=tag, platform=platform, python=python,
                                 archive_format=fmt))
        (folder / "plugin.yaml").write_text(plugin_yaml(plugin, version), encoding="utf-8")
    return built


if __name__ == "__main__":
    for path in rebuild_sample():
        print(f"{path.relative_to(REPO)}  {path.stat().st_size} bytes")
