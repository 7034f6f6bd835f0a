"""The resolver: each selection rule, each reason a release is excluded, reading our index
from a folder and over HTTP (with its own integrity checks), and verified downloads."""
from __future__ import annotations

import argparse
import datetime
import hashlib
import json

import pytest

from catalog.plugins.model import Deprecation, Release, Wagon, YamlFile
from catalog.plugins.remoteindex import index_url
from catalog.plugins.resolvecmd import add_resolve_arguments, run_resolve
from catalog.plugins.resolver import NothingFits, Target, download, parse_version_spec, resolve, select
from catalog.plugins.transfer import ResolveError
from plugins_fixtures.project import build_ok, publish, real_wagons, static_host, wagon_project

CENTOS = Target("6.4.0", "centos", "core", "x86_64", "py36")


def wagon(distribution: str, release: str | None, arch: str = "x86_64", python: tuple[str, ...] = ("py36",)) -> Wagon:
    tag = "manylinux" if distribution == "manylinux" else f"{distribution}-{release}"
    name = f"cloudify_demo_plugin-1.0-{tag}-{'.'.join(python)}-none-linux_{arch}.wgn"
    return Wagon(filename=name, sha256="0" * 64, size=1, url=f"https://example.org/{name}", distribution=distribution,
                 release=release, arch=arch, platform=f"linux_{arch}", python_tags=python, build_tag=tag)


YAML = (YamlFile(filename="plugin.yaml", sha256="0" * 64, size=1, url="https://example.org/plugin.yaml",
                 dsl_version="cloudify_dsl_1_3"),)


def release(version: str, *wagons: Wagon, manager: str | None = None, yanked: str | None = None,
            deprecated: Deprecation | None = None, yaml: bool = True) -> Release:
    return Release(version=version, date=datetime.date(2023, 1, 1), yaml_files=YAML if yaml else (),
                   wagons=wagons or (wagon("centos", "core"),), manager_versions=manager, yanked=yanked,
                   deprecated=deprecated)


def pick(releases: list[Release], spec: str | None = None, target: Target = CENTOS):
    return select("cloudify-demo-plugin", releases, parse_version_spec(spec), target)


# -- rules ----------------------------------------------------------------------------------

def test_highest_release_inside_the_specifier():
    releases = [release("3.0.0"), release("2.1.0"), release("2.0.0")]
    assert pick(releases).version == "3.0.0"
    chosen = pick(releases, ">=2,<3")
    assert chosen.version == "2.1.0"
    assert chosen.skipped[0].format() == "3.0.0: version 3.0.0 is outside '<3,>=2'"
    assert pick(releases, "2.0.0").version == "2.0.0"  # a bare version means ===, as in plugin:NAME?version=


def test_pre_releases_only_when_asked_for():
    releases = [release("3.0.0rc1"), release("2.1.0")]
    chosen = pick(releases)
    assert chosen.version == "2.1.0"
    assert chosen.skipped[0].reasons == ("pre-release (name a pre-release in --version to allow it)",)
    assert pick(releases, ">=3.0.0rc1").version == "3.0.0rc1"


def test_yanked_releases_are_never_chosen():
    chosen = pick([release("2.0.0", yanked="breaks upgrades"), release("1.0.0")])
    assert chosen.version == "1.0.0"
    assert chosen.skipped[0].reasons == ("yanked: breaks upgrades",)
    with pytest.raises(NothingFits):
        pick([release("2.0.0", yanked="breaks upgrades")], "==2.0.0")


def test_manager_version_must_be_admitted():
    releases = [release("3.0.0", manager=">=7.0"), release("2.0.0", manager=">=5.1,<7"), release("1.0.0")]
    chosen = pick(releases)
    assert chosen.version == "2.0.0"
    assert chosen.skipped[0].reasons == ("supports manager versions '>=7.0', not 6.4.0",)
    assert pick(releases, target=Target("7.1.0", "centos", "core", "x86_64", "py36")).version == "3.0.0"
    assert pick(releases, target=Target("4.6", "centos", "core", "x86_64", "py36")).version == "1.0.0"


def test_release_without_yaml_files_is_skipped():
    chosen = pick([release("2.0.0", yaml=False), release("1.0.0")])
    assert chosen.version == "1.0.0" and chosen.skipped[0].reasons == ("has no DSL yaml files",)


def test_exact_distribution_wins_over_manylinux_listed_first():
    chosen = pick([release("1.0.0", wagon("manylinux", None), wagon("centos", "core"))])
    assert chosen.wagon.distribution == "centos"
    assert chosen.reasons[-1] == "platform: Centos Core wagon for x86_64 py36 (exact distribution and release)"


def test_manylinux_fallback_for_the_same_architecture_only():
    wagons = (wagon("redhat", "ootpa"), wagon("manylinux", None, "aarch64"), wagon("manylinux", None, "x86_64"))
    chosen = pick([release("1.0.0", *wagons)])
    assert (chosen.wagon.distribution, chosen.wagon.arch) == ("manylinux", "x86_64")
    assert chosen.reasons[-1] == "platform: no centos core wagon; manylinux wagon for x86_64 py36 (fallback)"
    arm = Target("6.4.0", "centos", "altarch", "aarch64", "py36")
    assert pick([release("1.0.0", *wagons)], target=arm).wagon.arch == "aarch64"


def test_architecture_is_checked_on_exact_matches_too():
    wagons = (wagon("centos", "core", "aarch64"), wagon("manylinux", None, "x86_64"))
    chosen = pick([release("1.0.0", *wagons)])
    assert chosen.wagon.distribution == "manylinux"
    assert chosen.reasons[-1] == ("platform: the centos core wagons are for aarch64 py36; "
                                  "manylinux wagon for x86_64 py36 (fallback)")


def test_python_tag_must_fit():
    py311 = Target("7.0", "centos", "core", "x86_64", "py311")
    generic = wagon("manylinux", None, "any", ("py3",))
    assert pick([release("1.0.0", wagon("centos", "core"), generic)], target=py311).wagon is generic
    with pytest.raises(NothingFits):
        pick([release("1.0.0", wagon("centos", "core"))], target=py311)


def test_nothing_fits_names_every_excluding_rule_per_release():
    releases = [
        release("4.0.0rc1"),
        release("3.0.0", yanked="bad build"),
        release("2.5.0", manager=">=7"),
        release("2.0.0", wagon("redhat", "maipo"), wagon("manylinux", None, "aarch64")),
        release("1.5.0", yaml=False),
        release("1.0.0"),
    ]
    with pytest.raises(NothingFits) as caught:
        pick(releases, ">=1.5")
    assert str(caught.value) == "no release of cloudify-demo-plugin fits centos core x86_64 py36, manager 6.4.0, version '>=1.5'"
    assert [e.format() for e in caught.value.excluded] == [
        "4.0.0rc1: pre-release (name a pre-release in --version to allow it)",
        "3.0.0: yanked: bad build",
        "2.5.0: supports manager versions '>=7', not 6.4.0",
        "2.0.0: no centos core or manylinux wagon for x86_64 py36 (has: Redhat Maipo x86_64 py36, manylinux aarch64 py36)",
        "1.5.0: has no DSL yaml files",
        "1.0.0: version 1.0.0 is outside '>=1.5'",
    ]


def test_deprecated_release_is_chosen_with_a_warning():
    chosen = pick([release("1.0.0", deprecated=Deprecation("cloudify-new-plugin", ">=2", "use the SDK"))])
    assert chosen.warnings == ["cloudify-demo-plugin 1.0.0 is deprecated: use cloudify-new-plugin >=2 (use the SDK)"]


@pytest.mark.parametrize("spec", ["=>1", "banana"])
def test_bad_specifier_is_an_error(spec):
    with pytest.raises(ResolveError, match="not a PEP 440 version or specifier"):
        parse_version_spec(spec)


# -- reading the index ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Our index built from real wagons, published into a folder."""
    built = build_ok(wagon_project(tmp_path_factory.mktemp("project")))
    return publish(built.files, tmp_path_factory.mktemp("site"))


ECHO = dict(manager_version="6.4.0", distribution="centos", release="core", arch="x86_64", python_tag="py311")


@pytest.mark.parametrize("where", ["", "index/v1", "index/v1/index.json"])
def test_index_from_a_folder_or_file(site, where):
    chosen = resolve("cloudify-echo-plugin", index=str(site / where), **ECHO)
    assert chosen.version == "2.0.0"
    assert chosen.wagon.url == (site / "wagons/cloudify-echo-plugin/2.0.0" / chosen.wagon.filename).as_uri()


def test_missing_index_and_unknown_plugin(site, tmp_path):
    with pytest.raises(ResolveError, match="no index.json or index/v1/index.json in this folder"):
        index_url(str(tmp_path))
    with pytest.raises(ResolveError, match="did you mean 'cloudify-echo-plugin'"):
        resolve("cloudify-echo-plugn", index=str(site), **ECHO)


def _copy(site, tmp_path):
    import shutil

    shutil.copytree(site, tmp_path / "copy")
    return tmp_path / "copy"


def test_plugin_file_must_match_the_root(site, tmp_path):
    copy = _copy(site, tmp_path)
    path = copy / "index/v1/plugins/cloudify-echo-plugin.json"
    path.write_text(path.read_text().replace('"version": "1.0.0"', '"version": "1.0.1"'))
    with pytest.raises(ResolveError, match="differs from the root file's .* a cache is stale"):
        resolve("cloudify-echo-plugin", index=str(copy), **ECHO)


def _set_schema_version(copy, version: str) -> None:
    plugin = copy / "index/v1/plugins/cloudify-echo-plugin.json"
    plugin.write_text(plugin.read_text().replace('"schema_version": "1.0"', f'"schema_version": "{version}"'))
    root = copy / "index/v1/index.json"
    document = json.loads(root.read_text())
    document["schema_version"] = version
    entry = next(p for p in document["plugins"] if p["name"] == "cloudify-echo-plugin")
    entry["file"].update(sha256=hashlib.sha256(plugin.read_bytes()).hexdigest(), size=plugin.stat().st_size)
    root.write_text(json.dumps(document))


def test_newer_minor_schema_warns_newer_major_fails(site, tmp_path):
    copy = _copy(site, tmp_path)
    _set_schema_version(copy, "1.3")
    chosen = resolve("cloudify-echo-plugin", index=str(copy), **ECHO)
    assert chosen.version == "2.0.0"
    assert any("schema_version 1.3 is newer than 1.0; reading it anyway" in w for w in chosen.warnings)
    _set_schema_version(copy, "2.0")
    with pytest.raises(ResolveError, match="schema_version 2.0 is newer than the 1.0 this client reads; upgrade"):
        resolve("cloudify-echo-plugin", index=str(copy), **ECHO)


# -- downloads over HTTP ------------------------------------------------------------------

def test_download_over_http_verifies_and_keeps_the_files(site, tmp_path):
    with static_host(site) as base:
        chosen = resolve("cloudify-echo-plugin", index=base, version_spec="<2", **ECHO)
        assert chosen.wagon.url.startswith(base + "wagons/cloudify-echo-plugin/1.0.0/")
        files = download(chosen, tmp_path / "dl")
    assert [p.name for p in files] == [chosen.wagon.filename, "plugin.yaml"]
    assert files[0].read_bytes() == real_wagons()[("cloudify-echo-plugin", "1.0.0", "centos-Core")][1]
    assert sorted(p.name for p in (tmp_path / "dl").iterdir()) == sorted(p.name for p in files)


@pytest.mark.parametrize("tamper, message", [
    (lambda data: data[:-1] + bytes([data[-1] ^ 1]), "sha256 mismatch: the index says"),
    (lambda data: data[:-10], "size mismatch: the index says"),
    (lambda data: data + b"extra", "more than the"),
])
def test_tampered_wagon_is_deleted_and_fails(site, tmp_path, tamper, message):
    copy = _copy(site, tmp_path)
    with static_host(copy) as base:
        chosen = resolve("cloudify-echo-plugin", index=base, **ECHO)
        served = copy / "wagons/cloudify-echo-plugin/2.0.0" / chosen.wagon.filename
        served.write_bytes(tamper(served.read_bytes()))
        with pytest.raises(ResolveError, match=message):
            download(chosen, tmp_path / "dl")
    assert list((tmp_path / "dl").iterdir()) == []  # nothing half-verified is left behind


def test_failed_yaml_download_removes_the_verified_wagon_too(site, tmp_path):
    copy = _copy(site, tmp_path)
    with static_host(copy) as base:
        chosen = resolve("cloudify-echo-plugin", index=base, **ECHO)
        (copy / "wagons/cloudify-echo-plugin/2.0.0/plugin.yaml").unlink()
        with pytest.raises(ResolveError, match="HTTP 404"):
            download(chosen, tmp_path / "dl")
    assert list((tmp_path / "dl").iterdir()) == []


# -- command line ---------------------------------------------------------------------------

def run(argv: list[str], capsys) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser(prog="catalog resolve")
    add_resolve_arguments(parser)
    code = run_resolve(parser.parse_args(argv))
    out, err = capsys.readouterr()
    return code, out, err


PLATFORM = ["--manager-version", "6.4.0", "--distribution", "redhat", "--release", "ootpa", "--arch", "aarch64",
            "--python", "py311"]


def test_cli_prints_the_choice_and_why(site, capsys, tmp_path):
    code, out, err = run(["cloudify-echo-plugin", *PLATFORM, "--index", str(site), "--download", str(tmp_path)], capsys)
    assert code == 0, err
    assert out.splitlines()[:2] == ["cloudify-echo-plugin 2.0.0",
                                    "  wagon:  cloudify_echo_plugin-2.0.0-manylinux-py311-none-linux_aarch64.wgn"]
    assert "  - platform: no redhat ootpa wagon; manylinux wagon for aarch64 py311 (fallback)" in out
    assert f"downloaded {tmp_path / 'cloudify_echo_plugin-2.0.0-manylinux-py311-none-linux_aarch64.wgn'}" in out


def test_cli_json_output(site, capsys):
    code, out, _ = run(["cloudify-echo-plugin", *PLATFORM, "--index", str(site), "--json", "--version", "==1.0.0"],
                       capsys)
    document = json.loads(out)
    assert code == 0 and document["version"] == "1.0.0" and document["wagon"]["arch"] == "aarch64"
    assert document["skipped"] == [{"version": "2.0.0", "reasons": ["version 2.0.0 is outside '==1.0.0'"]}]


def test_cli_nothing_fits_exits_1_with_every_reason(site, capsys):
    argv = ["cloudify-wait-plugin", *PLATFORM, "--index", str(site)]
    code, out, err = run(argv, capsys)
    assert code == 1 and out == ""
    assert err.splitlines() == [
        "error: no release of cloudify-wait-plugin fits redhat ootpa aarch64 py311, manager 6.4.0:",
        "  0.1.0: no redhat ootpa or manylinux wagon for aarch64 py311 (has: Redhat Ootpa x86_64 py311)",
    ]


def test_cli_index_problems_exit_2(capsys, tmp_path, monkeypatch):
    monkeypatch.delenv("CATALOG_INDEX", raising=False)
    code, _, err = run(["cloudify-echo-plugin", *PLATFORM], capsys)
    assert code == 2 and "no index given" in err
    code, _, err = run(["cloudify-echo-plugin", *PLATFORM, "--index", "http://127.0.0.1:9/index.json"], capsys)
    assert code == 2 and err.startswith("error: cannot fetch http://127.0.0.1:9/index.json")
