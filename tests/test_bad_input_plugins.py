"""A corpus of bad plugin inputs, each with the diagnostic it must give (file, line and
message), checked one by one through the plugin stage and all at once through the whole
site build, which must report every problem in one run and leave the previous `public/`
exactly as it was.

Empty, half-truncated and non-archive wagons are in test_plugins_metadata.py; the cases
here are the plugin YAML mistakes of issue 7 and the hostile archives: members that would
be extracted outside the wagon's folder, links, a huge package.json, a damaged gzip trailer,
and paths that would publish files from outside plugins-index/.
"""
from __future__ import annotations

import io
import json
import tarfile
import zipfile
from dataclasses import dataclass, field

import pytest

from plugins_fixtures.project import build_project, real_wagons, write_files
from test_site import tree

SHA = "e" * 64
REMOTE_YAML = ("      - dsl_version: cloudify_dsl_1_4\n"
               "        url: https://example.org/plugin.yaml\n"
               f"        sha256: {SHA}\n"
               "        size: 100\n")


@dataclass
class Case:
    """One bad input: the plugin it describes (its files) and the diagnostics it must give,
    as (line, text that the message contains) in plugins-index/{plugin}.yaml."""

    id: str
    version: str = "1.0.0"
    yaml_files: str = REMOTE_YAML
    wagon: str = ""               # the wagon entry's lines after '      - '; default: a remote wagon
    extra_release: str = ""       # a second release, written as is
    files: dict[str, bytes | str] = field(default_factory=dict)   # under plugins-index/
    expected: list[tuple[int, str]] = field(default_factory=list)

    @property
    def plugin(self) -> str:
        return f"cloudify-{self.id}-plugin"

    @property
    def source(self) -> str:
        return f"plugins-index/{self.plugin}.yaml"

    def wagon_name(self, tag: str = "centos-Core", platform: str = "linux_x86_64") -> str:
        return f"{self.plugin.replace('-', '_')}-1.0.0-{tag}-py311-none-{platform}.wgn"

    def project_files(self) -> dict[str, bytes | str]:
        wagon = self.wagon or (f"url: https://example.org/{self.wagon_name()}\n"
                               f"        sha256: {SHA}\n        size: 2000\n")
        text = (f"name: {self.plugin}\ntitle: Bad input\ndescription: One case of the corpus.\nreleases:\n"
                f"  - version: {self.version}\n    date: 2023-01-02\n    yaml_files:\n{self.yaml_files}"
                f"    wagons:\n      - {wagon}{self.extra_release}")
        return {self.source: text, **{f"plugins-index/{path}": data for path, data in self.files.items()}}


def tar_gz(members: list[tuple[str, bytes | None, bytes]]) -> bytes:
    """(name, data or None for a folder, tar type) members, gzipped."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data, kind in members:
            info = tarfile.TarInfo(name)
            info.type = kind
            if kind == tarfile.SYMTYPE or kind == tarfile.LNKTYPE:
                info.linkname, data = data.decode(), None
            info.size = len(data or b"")
            tar.addfile(info, io.BytesIO(data) if data else None)
    return buffer.getvalue()


def package_json(top: str, **extra: object) -> bytes:
    return json.dumps({"package_name": top, **extra}).encode()


def local_wagon_case(id: str, make: callable, message: str) -> Case:
    """A case whose local wagon (a valid file name) holds `make(top folder)`."""
    case = Case(id)
    name = case.wagon_name()
    case.wagon = f"path: wagons/{name}\n"
    case.files = {f"wagons/{name}": make(case.plugin.replace("-", "_"))}
    case.expected = [(13, f"release 1.0.0: wagon {name}: {message}")]
    return case


def _zip_with_symlink(top: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(f"{top}/package.json", package_json(top))
        link = zipfile.ZipInfo(f"{top}/wheels/evil.whl")
        link.create_system, link.external_attr = 3, 0o120777 << 16
        archive.writestr(link, "/etc/passwd")
    return buffer.getvalue()


def _echo_without_gzip_trailer(top: str) -> bytes:
    return real_wagons()[("cloudify-echo-plugin", "1.0.0", "centos-Core")][1][:-4]


FILE = tarfile.REGTYPE


def corpus() -> list[Case]:
    cases = [
        Case("version-not-pep440", version="one.two",
             expected=[(5, "release: 'one.two' is not a PEP 440 version [plugin-version]")]),
        Case("version-with-v", version="v1.0.0",
             expected=[(5, "release: version 'v1.0.0' is not in normalised form [plugin-version]")]),
        Case("version-list", version="[1, 0]",
             expected=[(5, "release: 'version' must be a string, got a list [plugin-type]")]),
        Case("duplicate-release",
             extra_release=("  - version: 1.0.0\n    date: 2023-02-03\n    yaml_files:\n" + REMOTE_YAML +
                            "    wagons:\n      - url: https://example.org/"
                            "cloudify_duplicate_release_plugin-1.0.0-manylinux-py311-none-linux_x86_64.wgn\n"
                            f"        sha256: {SHA}\n        size: 2000\n"),
             expected=[(16, "release 1.0.0 is described twice (first at line 5) [plugin-duplicate-release]")]),
        Case("unknown-arch-in-name",
             wagon=("url: https://example.org/cloudify_unknown_arch_in_name_plugin-1.0.0-centos-Core-py311-none-"
                    f"linux_sparc64.wgn\n        sha256: {SHA}\n        size: 2000\n"),
             expected=[(13, "cannot tell the architecture of platform 'linux_sparc64' [wagon-platform]")]),
        Case("unknown-arch-declared",
             wagon=("url: https://example.org/cloudify_unknown_arch_declared_plugin-1.0.0-centos-Core-py311-none-"
                    f"linux_sparc64.wgn\n        sha256: {SHA}\n        size: 2000\n        arch: sparc64\n"),
             expected=[(16, "unknown arch 'sparc64' [wagon-platform]")]),
        Case("unknown-distribution",
             wagon=("url: https://example.org/cloudify_unknown_distribution_plugin-1.0.0-py311-none-"
                    f"linux_x86_64.wgn\n        sha256: {SHA}\n        size: 2000\n"
                    "        distribution: \"centos <b>\"\n        release: core 7\n"),
             expected=[(16, "unknown distribution 'centos <b>' [wagon-platform]"),
                       (17, "unknown release 'core 7' [wagon-platform]")]),
        Case("sha256-upper-case", yaml_files=REMOTE_YAML.replace(SHA, SHA.upper()),
             expected=[(10, f"yaml file: sha256 must be 64 lower-case hex digits, got '{SHA.upper()}'")]),
        Case("sha256-short", yaml_files=REMOTE_YAML.replace(SHA, SHA[:63]),
             expected=[(10, "sha256 must be 64 lower-case hex digits")]),
        Case("sha256-wrong-for-local-file",
             yaml_files=f"      - dsl_version: cloudify_dsl_1_4\n        path: yaml/plugin.yaml\n        sha256: {SHA}\n",
             files={"yaml/plugin.yaml": "plugins: {}\n"},
             expected=[(10, f"yaml file: YAML says sha256 {SHA} but the file's sha256 is")]),
        Case("path-outside",
             yaml_files="      - dsl_version: cloudify_dsl_1_4\n        path: ../secrets/ci.yaml\n",
             expected=[(9, "yaml file: path '../secrets/ci.yaml' leads outside plugins-index/ [plugin-path]")]),
        Case("path-is-a-folder",
             yaml_files="      - dsl_version: cloudify_dsl_1_4\n        path: yaml\n",
             files={"yaml/plugin.yaml": "plugins: {}\n"},
             expected=[(9, "yaml file: path 'yaml' is not a regular file [plugin-path]")]),
        local_wagon_case("member-dotdot", lambda top: tar_gz([(f"{top}/package.json", package_json(top), FILE),
                                                               ("../evil.sh", b"rm -rf ~", FILE)]),
                         "member '../evil.sh' would be written outside the wagon's folder"),
        local_wagon_case("member-absolute", lambda top: tar_gz([(f"{top}/package.json", package_json(top), FILE),
                                                                ("/etc/cron.d/evil", b"* * * * * root x", FILE)]),
                         "member '/etc/cron.d/evil' would be written outside the wagon's folder"),
        local_wagon_case("member-symlink", lambda top: tar_gz([(f"{top}/package.json", b"/etc/passwd",
                                                                tarfile.SYMTYPE)]),
                         "member 'cloudify_member_symlink_plugin/package.json' is a symbolic link to '/etc/passwd'; "
                         "a wagon holds only plain files and folders"),
        local_wagon_case("member-hardlink", lambda top: tar_gz([(f"{top}/package.json", package_json(top), FILE),
                                                                (f"{top}/wheels/x.whl", b"/etc/shadow",
                                                                 tarfile.LNKTYPE)]),
                         "member 'cloudify_member_hardlink_plugin/wheels/x.whl' is a hard link to '/etc/shadow'"),
        local_wagon_case("zip-symlink", _zip_with_symlink,
                         "member 'cloudify_zip_symlink_plugin/wheels/evil.whl' is a symbolic link"),
        local_wagon_case("huge-package-json",
                         lambda top: tar_gz([(f"{top}/package.json", package_json(top, pad=" " * (2 << 20)), FILE)]),
                         "cloudify_huge_package_json_plugin/package.json has 2097216 bytes, more than the 1048576 a package.json may have"),
        local_wagon_case("deep-package-json",
                         lambda top: tar_gz([(f"{top}/package.json", b"[" * 100_000, FILE)]),
                         "cloudify_deep_package_json_plugin/package.json is not valid JSON: nested more than 500 levels deep"),
        local_wagon_case("gzip-trailer-cut", _echo_without_gzip_trailer, "corrupt or truncated tar.gz archive"),
        local_wagon_case("too-many-members", lambda top: tar_gz(
                             [(f"{top}/package.json", package_json(top), FILE)] +
                             [(f"{top}/{number}", b"", FILE) for number in range(10_000)]),
                         "more than 10000 members; a wagon holds a package.json and its wheels"),
        Case("size-too-long",
             wagon=(f"url: https://example.org/cloudify_size_too_long_plugin-1.0.0-centos-Core-py311-none-"
                    f"linux_x86_64.wgn\n        sha256: {SHA}\n        size: {'9' * 5000}\n"),
             expected=[(15, "more than the 4300 digits Python reads in a number [yaml-value]")]),
    ]
    return cases


CORPUS = corpus()


@pytest.mark.parametrize("case", CORPUS, ids=[case.id for case in CORPUS])
def test_each_bad_input_gives_its_diagnostic(tmp_path, case):
    if case.id == "path-outside":
        write_files(tmp_path, {"secrets/ci.yaml": "token: hunter2\n"})
    write_files(tmp_path, case.project_files())
    built = build_project(tmp_path)
    errors = built.report.errors()
    for line, message in case.expected:
        assert any(d.path == case.source and d.line == line and message in d.message + f" [{d.code}]"
                   for d in errors), f"{case.source}:{line}: {message}\n" + "\n".join(built.messages)
    assert all(d.hint for d in errors), "\n".join(built.messages)   # each says what to do
    assert not any(case.plugin in path for path in built.files)      # and nothing of it is published


def test_all_bad_inputs_in_one_run_and_public_left_as_it_was(make_site):
    good = real_wagons()[("cloudify-echo-plugin", "1.0.0", "centos-Core")]
    site = make_site({
        "content/_index.md": "---\ntitle: Home\n---\nHome.\n",
        f"plugins-index/wagons/{good[0]}": good[1],
        "plugins-index/cloudify-echo-plugin.yaml": (
            "name: cloudify-echo-plugin\ntitle: Echo\ndescription: Echo.\nreleases:\n"
            "  - version: 1.0.0\n    date: 2023-01-02\n    yaml_files:\n" + REMOTE_YAML +
            f"    wagons:\n      - path: wagons/{good[0]}\n"),
    })
    result = site.build()
    assert not result.report.items, "\n".join(site.messages(result))
    before = tree(site.root / "public")

    site.write({"secrets/ci.yaml": "token: hunter2\n"})
    for case in CORPUS:
        site.write(case.project_files())
    result = site.build()
    assert result.report.failed()
    found = {(d.path, d.line, d.message + f" [{d.code}]") for d in result.report.errors()}
    for case in CORPUS:
        for line, message in case.expected:
            assert any(path == case.source and at == line and message in text for path, at, text in found), \
                f"{case.source}:{line}: {message}"
    assert tree(site.root / "public") == before
    # and no half-built site beside it
    assert [p.name for p in site.root.iterdir() if p.name.startswith(("public", ".public"))] == ["public"]
