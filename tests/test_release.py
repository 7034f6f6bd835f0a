"""`catalog release add|yank|deprecate`: plugins-index files edited in place (only the change in
the diff, comments kept), real wagons read and checked, every refusal leaving the file as it was."""
from __future__ import annotations

import difflib
import hashlib
import http.server
import json
import shutil
from pathlib import Path
from typing import Iterator

import pytest
import yaml

from browser import serving
from catalog.build import build
from catalog.cli import main
from conftest import REPO
from plugins_fixtures.build_wagons import build_wagon, plugin_yaml
from plugins_fixtures.project import real_wagons

PLUGIN = "cloudify-echo-plugin"


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    """Release 1.2.0 of the echo plugin as a maintainer has it after `wagon create`."""
    out = tmp_path_factory.mktemp("dist")
    build_wagon(PLUGIN, "1.2.0", out, build_tag="manylinux", platform="any", python="3")
    build_wagon(PLUGIN, "1.2.0", out, build_tag="centos-Core", platform="linux_x86_64", python="311")
    (out / "plugin.yaml").write_text(plugin_yaml(PLUGIN, "1.2.0"))
    return out


ANY = "cloudify_echo_plugin-1.2.0-manylinux-py3-none-any.wgn"
CORE = "cloudify_echo_plugin-1.2.0-centos-Core-py311-none-linux_x86_64.wgn"


@pytest.fixture
def project(tmp_path) -> Path:
    """A fresh project holding the catalog's own echo plugin file (with its comments) and wagons."""
    root = tmp_path / "site"
    assert main(["new", str(root)]) == 0
    shutil.copy(REPO / "plugins-index" / f"{PLUGIN}.yaml", root / "plugins-index")
    shutil.copytree(REPO / "plugins-index" / "wagons" / PLUGIN, root / "plugins-index" / "wagons" / PLUGIN)
    page = root / "content" / "developer" / "writing_plugins" / "creating-your-own-plugin.md"  # its documentation:
    page.parent.mkdir(parents=True)
    page.write_text("---\ntitle: Creating your own plugin\n---\nHow.\n")
    return root


class Files:
    """A download server: path -> bytes; `lie` adds to the Content-Length it announces."""

    def __init__(self, files: dict[str, bytes], lie: int = 0) -> None:
        self.files, self.lie = files, lie

    def handler(self) -> type[http.server.BaseHTTPRequestHandler]:
        files = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = files.files.get(self.path.lstrip("/"))
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(body) + files.lie))
                self.end_headers()
                self.wfile.write(body)
                self.close_connection = True

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler


@pytest.fixture
def served(dist) -> Iterator[str]:
    with serving(Files({f"dl/{p.name}": p.read_bytes() for p in dist.iterdir()}).handler()) as base:
        yield base + "/dl/"


def release(project: Path, *args: str) -> int:
    return main(["release", *args, "--project", str(project)])


def index_file(project: Path) -> Path:
    return project / "plugins-index" / f"{PLUGIN}.yaml"


def added_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    """(lines added, lines removed) between two versions of a file."""
    diff = list(difflib.ndiff(before.splitlines(), after.splitlines()))
    return [d[2:] for d in diff if d.startswith("+ ")], [d[2:] for d in diff if d.startswith("- ")]


def test_release_add_with_a_local_and_a_served_wagon_adds_only_the_release(project, dist, served, capsys):
    path = index_file(project)
    before = path.read_text()
    assert release(project, "add", PLUGIN, "1.2.0", "--wagon", str(dist / ANY), served + CORE,  # one flag, two
                   "--yaml", f"cloudify_dsl_1_4={served}plugin.yaml", "--manager-versions", ">=7.0",
                   "--date", "2024-02-01") == 0
    out = capsys.readouterr().err
    core_bytes = (dist / CORE).read_bytes()
    core_sha = hashlib.sha256(core_bytes).hexdigest()
    assert f"added {PLUGIN} 1.2.0 to " in out and f"wagon {CORE}  sha256 {core_sha}  {len(core_bytes)} bytes" in out
    after = path.read_text()
    added, removed = added_lines(before, after)
    assert removed == []
    assert added == [
        "  - version: 1.2.0",
        "    date: 2024-02-01",
        '    manager_versions: ">=7.0"',
        "    yaml_files:",
        "      - dsl_version: cloudify_dsl_1_4",
        f"        url: {served}plugin.yaml",
        f"        sha256: {hashlib.sha256((dist / 'plugin.yaml').read_bytes()).hexdigest()}",
        f"        size: {(dist / 'plugin.yaml').stat().st_size}",
        "    wagons:",
        f"      - path: wagons/{PLUGIN}/1.2.0/{ANY}",
        f"      - url: {served}{CORE}",
        f"        sha256: {core_sha}",
        f"        size: {len(core_bytes)}",
    ]
    # newest first, as the file lists them; every comment is still there
    assert after.index("version: 1.2.0") < after.index("version: 1.1.0")
    assert [line for line in before.splitlines() if "#" in line] == [line for line in after.splitlines() if "#" in line]
    # the local wagon is copied where the build publishes it
    assert (project / "plugins-index" / "wagons" / PLUGIN / "1.2.0" / ANY).read_bytes() == (dist / ANY).read_bytes()
    result = build(project)
    assert not result.report.errors() and not result.report.warnings()
    index = json.loads((project / "public" / "index/v1/plugins" / f"{PLUGIN}.json").read_text())
    assert index["latest"] == "1.2.0"
    newest = index["releases"][0]
    assert {w["filename"]: w["sha256"] for w in newest["wagons"]} == {
        ANY: hashlib.sha256((dist / ANY).read_bytes()).hexdigest(), CORE: core_sha}
    # a wagon that runs everywhere is "any" to the console reading the legacy catalog
    legacy = {e["name"]: e for e in json.loads((project / "public" / "v2_plugins.json").read_text())}[PLUGIN]
    assert sorted(w["name"] for w in legacy["wagons"]) == ["Centos Core", "any"]


def test_yank_and_deprecate_add_one_key_each(project, capsys):
    path = index_file(project)
    before = path.read_text()
    assert release(project, "deprecate", PLUGIN, "1.0.0", "--use", "1.1.0") == 0
    assert release(project, "yank", PLUGIN, "1.1.0", "--reason", "logs every input twice; use 1.0.0") == 0
    after = path.read_text()
    added, removed = added_lines(before, after)
    assert removed == []
    assert added == ['    yanked: "logs every input twice; use 1.0.0"',
                     "    deprecated:", f"      replacement: {PLUGIN} >=1.1.0"]
    # each just after the release's manager_versions
    lines = after.splitlines()
    assert lines[lines.index(added[0]) - 1] == '    manager_versions: ">=7.0"'
    assert lines[lines.index(added[1]) - 1] == '    manager_versions: ">=6.0"'
    result = build(project)
    assert not result.report.errors()
    index = json.loads((project / "public" / "index/v1/plugins" / f"{PLUGIN}.json").read_text())
    by_version = {r["version"]: r for r in index["releases"]}
    assert by_version["1.1.0"]["yanked"] == {"reason": "logs every input twice; use 1.0.0"}
    assert by_version["1.0.0"]["deprecated"] == {"replacement": {"plugin": PLUGIN, "version": ">=1.1.0"}}


def refusals(dist: Path, served: str, other: Path, liar: str) -> dict[str, tuple[list[str], str]]:
    yaml_arg = ["--yaml", f"cloudify_dsl_1_4={dist / 'plugin.yaml'}"]
    return {
        "existing release": (["add", PLUGIN, "1.1.0", "--wagon", str(dist / ANY), *yaml_arg],
                             f"{PLUGIN} 1.1.0 exists already"),
        "wagon of another plugin": (["add", PLUGIN, "1.2.0", "--wagon", str(other), *yaml_arg],
                                    "a wagon of 'cloudify_wait_plugin', not of cloudify-echo-plugin"),
        "wagon of another version": (["add", PLUGIN, "1.3.0", "--wagon", str(dist / ANY), *yaml_arg],
                                     "a wagon of version 1.2.0, not of 1.3.0"),
        "size disagrees": (["add", PLUGIN, "1.2.0", "--wagon", liar + CORE, *yaml_arg],
                           "bytes but sent"),
        "renamed wagon": (["add", PLUGIN, "1.2.0", "--wagon", str(dist.parent / "renamed" / CORE.replace(
            "centos-Core", "redhat-Ootpa")), *yaml_arg], "package.json disagrees with its file name"),
        "missing download": (["add", PLUGIN, "1.2.0", "--wagon", served + "cloudify_echo_plugin-1.2.0-py3-none-any.wgn", *yaml_arg],
                             "answered 404"),
        "no yaml file": (["add", PLUGIN, "1.2.0", "--wagon", str(dist / ANY)], "give at least one --yaml"),
        "unknown dsl version": (["add", PLUGIN, "1.2.0", "--wagon", str(dist / ANY), "--yaml",
                                 f"cloudify_dsl_1_9={dist / 'plugin.yaml'}"], "unknown DSL version 'cloudify_dsl_1_9'"),
        "the build's check": (["add", PLUGIN, "1.2.0", "--wagon", str(dist / ANY), *yaml_arg,
                               "--manager-versions", "seven or later"],
                              "manager_versions 'seven or later' is not a PEP 440 specifier [plugin-specifier]"),
        "unnormalised version": (["add", PLUGIN, "1.02.0", "--wagon", str(dist / ANY), *yaml_arg],
                                 "write '1.2.0'"),
        "yank an unknown release": (["yank", PLUGIN, "9.9.9", "--reason", "x"], "has no release 9.9.9"),
        "yank twice": (["yank", PLUGIN, "1.1.0", "--reason", "a"], None),
        "deprecate for itself": (["deprecate", PLUGIN, "1.0.0", "--use", "1.0.0"], "cannot replace itself"),
        "unknown plugin": (["yank", "cloudify-echo-plugn", "1.1.0", "--reason", "x"],
                           "did you mean 'cloudify-echo-plugin'"),
    }


@pytest.mark.parametrize("case", list(refusals(Path("."), "", Path("."), "")))
def test_each_refusal_leaves_the_file_byte_identical(project, dist, served, tmp_path, capsys, case):
    name, data = real_wagons()[("cloudify-wait-plugin", "0.1.0", "redhat-Ootpa")]
    other = tmp_path / name
    other.write_bytes(data)
    renamed = dist.parent / "renamed"
    renamed.mkdir(exist_ok=True)
    shutil.copy(dist / CORE, renamed / CORE.replace("centos-Core", "redhat-Ootpa"))
    with serving(Files({CORE: (dist / CORE).read_bytes()}, lie=100).handler()) as liar:
        args, message = refusals(dist, served, other, liar + "/")[case]
        if case == "yank twice":
            assert release(project, "yank", PLUGIN, "1.1.0", "--reason", "first") == 0
            capsys.readouterr()
            message = 'is yanked already: "first"'
        path = index_file(project)
        before = path.read_bytes()
        wagons = sorted(p for p in (project / "plugins-index" / "wagons").rglob("*"))
        assert release(project, *args) == 1
    err = capsys.readouterr().err
    assert message in err and "[release-refused]" in err, err
    assert "left as it was" in err and "Traceback" not in err
    assert path.read_bytes() == before
    assert sorted(p for p in (project / "plugins-index" / "wagons").rglob("*")) == wagons  # nothing copied


def test_release_add_keeps_a_file_written_in_another_layout(project, dist):
    """A team's own file: sequences flush with their key, a 4-space nested mapping, comments."""
    path = index_file(project)
    text = ("# our echo plugin\nname: cloudify-echo-plugin\ntitle: Echo   # shown on the page\n"
            "description: Logs.\nreleases:\n- version: 1.1.0   # the current one\n  date: 2023-05-02\n"
            "  yaml_files:\n  - dsl_version: cloudify_dsl_1_4\n    path: wagons/cloudify-echo-plugin/1.1.0/plugin.yaml\n"
            "  wagons:\n  - path: wagons/cloudify-echo-plugin/1.1.0/"
            "cloudify_echo_plugin-1.1.0-manylinux-py3-none-any.wgn\n")
    path.write_text(text)
    assert release(project, "add", PLUGIN, "1.2.0", "--wagon", str(dist / ANY), "--yaml",
                   f"cloudify_dsl_1_4={dist / 'plugin.yaml'}", "--date", "2024-02-01") == 0
    after = path.read_text()
    added, removed = added_lines(text, after)
    assert removed == [] and added[0] == "- version: 1.2.0" and added[-1].startswith("  - path: wagons/")
    assert yaml.safe_load(after)["releases"][0]["version"] == "1.2.0"
