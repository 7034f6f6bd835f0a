"""`catalog import legacy`: the real published plugins.json and v2_plugins.json into a fresh
project, offline and against a local server holding real wagons; then `catalog release refresh`."""
from __future__ import annotations

import email.utils
import hashlib
import http.server
import json
import re
import time
from pathlib import Path

import pytest
import yaml

from browser import serving
from catalog.build import build
from catalog.cli import main
from conftest import SHARED
from plugins_fixtures.project import real_wagons

REFERENCE = SHARED / "reference-data"  # the checkout keeps no copy: the files are shared
CATALOGS = [REFERENCE / "plugins.json", REFERENCE / "v2_plugins.json"]
REMOTE = "http://repository.cloudifysource.org/cloudify/wagons/"
pytestmark = pytest.mark.skipif(not CATALOGS[0].is_file(), reason="reference data not available")


def fresh_project(root: Path) -> Path:
    assert main(["new", str(root)]) == 0
    return root


def import_legacy(project: Path, *catalogs: Path, options: tuple[str, ...] = ("--offline",)) -> int:
    return main(["import", "legacy", *map(str, catalogs), "--project", str(project), *options])


def index_files(project: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((project / "plugins-index").glob("cloudify-*.yaml"))}


def test_offline_import_of_the_real_catalogs_builds_with_one_warning_per_unverified_file(tmp_path, capsys):
    project = fresh_project(tmp_path / "site")
    assert import_legacy(project, *CATALOGS, options=("--offline", "--date", "2022-03-17")) == 0
    err = capsys.readouterr().err
    # the plugin listed twice under two titles is merged, with a warning naming both, in each file
    duplicates = [line for line in err.splitlines() if "[legacy-duplicate]" in line]
    assert len(duplicates) == 2 and all("'OpenStackV3'" in line and "'OpenStack'" in line for line in duplicates)
    assert re.search(r"plugins\.json:\d+:1: warning: cloudify-serverless-plugin lists no wagons: not imported "
                     r"\[legacy-no-wagons\]", err)
    assert "imported 18 plugins (72 wagons, 36 yaml files)" in err

    files = index_files(project)
    assert len(files) == 18 and "cloudify-serverless-plugin.yaml" not in files
    openstack = yaml.safe_load(files["cloudify-openstack-plugin.yaml"])
    assert openstack["title"] == "OpenStackV3"
    [release] = openstack["releases"]
    assert release["version"] == "3.3.4" and str(release["date"]) == "2022-03-17"
    assert [(y["dsl_version"], y["url"].rsplit("/", 1)[1]) for y in release["yaml_files"]] == [
        ("cloudify_dsl_1_3", "plugin.yaml"), ("cloudify_dsl_1_4", "v2_plugin.yaml")]
    assert len(release["wagons"]) == 4  # merged, not doubled
    altarch = release["wagons"][1]
    assert altarch == {"url": REMOTE + "cloudify-openstack-plugin/3.3.4/"
                              "cloudify_openstack_plugin-3.3.4-centos-altarch-py36-none-linux_aarch64.wgn",
                       "sha256": "unknown", "distribution": "centos", "release": "altarch", "arch": "aarch64",
                       "python": ["py36"]}
    assert "catalog release refresh cloudify-openstack-plugin" in files["cloudify-openstack-plugin.yaml"].decode()

    result = build(project)
    assert not result.report.errors()
    warnings = result.report.warnings()
    assert {w.code for w in warnings} == {"plugin-unverified"}
    wagon_warnings = [w for w in warnings if "clients cannot verify this wagon" in w.message]
    assert len(wagon_warnings) == 72 and len(warnings) == 72 + 36
    assert all(w.message.endswith("no sha256: clients cannot verify this wagon") for w in wagon_warnings)
    public = project / "public"
    # the index marks them; the legacy files list them as before (they had md5 URLs only anyway)
    aws = json.loads((public / "index/v1/plugins/cloudify-aws-plugin.json").read_text())
    assert all(w["unverified"] is True and "sha256" not in w for w in aws["releases"][0]["wagons"])
    page = (public / "plugins/cloudify-aws-plugin/index.html").read_text()
    assert page.count("unknown: not verified") == 6 and "size unknown" in page  # the page says so too
    legacy = json.loads((public / "v2_plugins.json").read_text())
    assert len(legacy) == 18 + 1  # and the starter's example plugin
    ours = {e["name"]: e for e in legacy}["cloudify-aws-plugin"]
    original = {e["name"]: e for e in json.loads(CATALOGS[1].read_text())}["cloudify-aws-plugin"]
    assert [w["url"] for w in ours["wagons"]] == [w["url"] for w in original["wagons"]]
    assert [w["name"] for w in ours["wagons"]] == [w["name"] for w in original["wagons"]]
    assert ours["yaml"] == original["yaml"] and ours["title"] == original["title"]


def test_importing_twice_writes_the_same_files(tmp_path, capsys):
    project = fresh_project(tmp_path / "site")
    assert import_legacy(project, *CATALOGS) == 0
    first = index_files(project)
    assert import_legacy(project, *CATALOGS) == 0
    assert index_files(project) == first
    assert "0 file(s) written, 18 unchanged" in capsys.readouterr().err


def test_an_edited_file_is_not_replaced_without_force(tmp_path, capsys):
    project = fresh_project(tmp_path / "site")
    assert import_legacy(project, *CATALOGS) == 0
    edited = project / "plugins-index" / "cloudify-aws-plugin.yaml"
    edited.write_text(edited.read_text() + "# a maintainer's note\n")
    before = index_files(project)
    assert import_legacy(project, *CATALOGS) == 1
    assert "plugins-index/cloudify-aws-plugin.yaml exists already with other content [import-exists]" in \
        capsys.readouterr().err
    assert index_files(project) == before
    assert import_legacy(project, *CATALOGS, options=("--offline", "--force")) == 0
    assert "# a maintainer's note" not in edited.read_text()


def test_a_broken_catalog_is_located_and_nothing_is_written(tmp_path, capsys):
    project = fresh_project(tmp_path / "site")
    broken = tmp_path / "plugins.json"
    broken.write_text('[\n  {"name": "Cloudify AWS", "title": "AWS", "version": "1", "wagons": []},\n  {"oops"\n]\n')
    assert import_legacy(project, broken) == 1
    err = capsys.readouterr().err
    assert f"{broken}:4:1: error: not valid JSON: Expecting ':' delimiter [legacy-json]" in err
    assert "nothing written" in err
    bad_entry = tmp_path / "v2_plugins.json"
    bad_entry.write_text('[\n  {"name": "Cloudify AWS", "title": "AWS", "version": "1", "wagons": []}\n]\n')
    assert import_legacy(project, bad_entry) == 1
    assert f"{bad_entry}:2:1: error: entry Cloudify AWS: plugin name 'Cloudify AWS' must be lower-case" in \
        capsys.readouterr().err
    assert not index_files(project)


# -- against a server holding real wagons --------------------------------------------------------

class Repository:
    """A stand-in for repository.cloudifysource.org: every .wgn path answers a real wagon (built
    with `wagon`), every .yaml path a DSL file; Last-Modified is fixed."""

    def __init__(self) -> None:
        name, self.wagon = real_wagons()[("cloudify-wait-plugin", "0.1.0", "redhat-Ootpa")]
        self.dsl = b"plugins:\n  wait:\n    executor: central_deployment_agent\n    package_name: cloudify-wait-plugin\n"
        self.requests: list[str] = []

    def handler(self) -> type[http.server.BaseHTTPRequestHandler]:
        repository = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                repository.requests.append(self.path)
                body = repository.wagon if self.path.endswith(".wgn") else repository.dsl \
                    if self.path.endswith(".yaml") else None
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Last-Modified", email.utils.formatdate(1647500000, usegmt=True))  # 2022-03-17
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler


def local_catalogs(tmp_path: Path, base: str) -> list[Path]:
    """The real catalogs with their repository URLs pointing at the local server."""
    copies = []
    for catalog in CATALOGS:
        copy = tmp_path / catalog.name
        copy.write_text(catalog.read_text().replace("http://repository.cloudifysource.org/", base + "/"))
        copies.append(copy)
    return copies


def test_import_with_a_reachable_repository_fills_every_sha256_and_size(tmp_path, capsys):
    repository = Repository()
    project = fresh_project(tmp_path / "site")
    with serving(repository.handler()) as base:
        assert import_legacy(project, *local_catalogs(tmp_path, base), options=()) == 0
    assert "could not be downloaded" not in capsys.readouterr().err
    wagon_sha = hashlib.sha256(repository.wagon).hexdigest()
    dsl_sha = hashlib.sha256(repository.dsl).hexdigest()
    entries = 0
    for name, data in index_files(project).items():
        plugin = yaml.safe_load(data)
        assert b"unknown" not in data, name
        for release in plugin["releases"]:
            assert str(release["date"]) == "2022-03-17"  # the server's Last-Modified
            for wagon in release["wagons"]:
                assert (wagon["sha256"], wagon["size"]) == (wagon_sha, len(repository.wagon))
                entries += 1
            for dsl in release["yaml_files"]:
                assert (dsl["sha256"], dsl["size"]) == (dsl_sha, len(repository.dsl))
    assert entries == 72
    assert len(set(repository.requests)) == 72 + 36  # each file once, though listed in both catalogs
    result = build(project)
    assert not result.report.errors() and not result.report.warnings()


def test_refresh_fills_in_what_an_offline_import_left_unknown(tmp_path, capsys):
    repository = Repository()
    project = fresh_project(tmp_path / "site")
    with serving(repository.handler()) as base:
        assert import_legacy(project, *local_catalogs(tmp_path, base)) == 0  # --offline
        path = project / "plugins-index" / "cloudify-aws-plugin.yaml"
        before = path.read_text()
        assert len(re.findall(r"^ +sha256: unknown", before, re.M)) == 6
        assert main(["release", "refresh", "cloudify-aws-plugin", "--project", str(project)]) == 0
    assert "filled in sha256 and size of 6 file(s)" in capsys.readouterr().err
    after = path.read_text()
    assert "sha256: unknown" not in after
    # only the digest lines changed: the layout, key order and the header comment stay
    changed = [line for line in after.splitlines() if line not in before.splitlines()]
    assert [line for line in before.splitlines() if line not in after.splitlines() and "unknown" not in line
            ] == ["# `catalog release refresh cloudify-aws-plugin` downloads them and fills in sha256 and size."]
    assert len(changed) == 12 and all(re.fullmatch(r" {8}(sha256: [0-9a-f]{64}|size: \d+)", c) for c in changed)
    assert after.splitlines()[:2] == before.splitlines()[:2]
    assert "catalog release refresh" not in after  # the import's note about them is done with
    assert not [w for w in build(project).report.warnings() if "cloudify-aws-plugin" in w.path]


def test_refresh_without_network_says_why_and_leaves_the_file(tmp_path, capsys):
    project = fresh_project(tmp_path / "site")
    with serving(Repository().handler()) as base:
        pass  # the port is closed again: nothing answers there
    assert import_legacy(project, *local_catalogs(tmp_path, base)) == 0
    path = project / "plugins-index" / "cloudify-gcp-plugin.yaml"
    before = path.read_bytes()
    assert main(["release", "refresh", "cloudify-gcp-plugin", "--project", str(project)]) == 1
    err = capsys.readouterr().err
    assert "none of the 6 file(s) could be downloaded" in err and "[release-refused]" in err
    assert path.read_bytes() == before


def test_resolve_chooses_an_unverified_wagon_but_refuses_to_download_it(tmp_path, capsys):
    project = fresh_project(tmp_path / "site")
    assert import_legacy(project, *CATALOGS) == 0
    assert not build(project).report.errors()
    capsys.readouterr()
    args = ["resolve", "cloudify-aws-plugin", "--manager-version", "6.4.0", "--distribution", "centos",
            "--release", "core", "--arch", "x86_64", "--python", "py36", "--index", str(project / "public")]
    assert main(args) == 0  # the choice itself is fine: the index says which wagon fits
    assert "cloudify_aws_plugin-3.0.10-centos-Core-py36-none-linux_x86_64.wgn" in capsys.readouterr().out
    assert main([*args, "--download", str(tmp_path / "dl")]) != 0
    err = capsys.readouterr().err
    assert "the index has no sha256 for it, so a download cannot be verified" in err and "Traceback" not in err
    assert not (tmp_path / "dl").exists() or not any((tmp_path / "dl").iterdir())


def test_an_unreachable_repository_is_tried_once_and_the_import_says_why(tmp_path, capsys):
    project = fresh_project(tmp_path / "site")
    with serving(Repository().handler()) as base:
        pass  # closed again: connections are refused
    started = time.monotonic()
    assert import_legacy(project, *local_catalogs(tmp_path, base), options=()) == 0
    assert time.monotonic() - started < 20  # one refused connection, not one per file
    err = capsys.readouterr().err
    assert "108 file(s) could not be downloaded: they say `sha256: unknown`" in err
    assert "cannot download it: [Errno 111] Connection refused" in err and "... and 103 more" in err
    assert all(text.count(b"sha256: unknown   #") == 6 for text in index_files(project).values())
