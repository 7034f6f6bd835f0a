"""Issue 15: inputs crafted by an attacker or left by a careless user. Each gives a located
diagnostic (file:line, code, hint) and never a traceback, a hang or unbounded memory; a build
that fails keeps the previous public/.

Inputs that hung or exhausted memory before the fix run `catalog` in a child process with a
time and memory limit, so that a regression fails the test instead of stopping the suite.
"""
from __future__ import annotations

import builtins
import hashlib
import io
import json
import os
import resource
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path

import pytest

import catalog
from catalog import frontmatter
from catalog.diagnostics import Diagnostic, LocatedError
from catalog.highlight import highlight, parse_options
from catalog.plugins.resolver import download, resolve
from catalog.plugins.transfer import ResolveError
from catalog.plugins.wagonarchives import MAX_MEMBERS, WagonArchiveError, read_wagon

from conftest import build_ok
from plugins_fixtures.project import build_ok as build_plugins_ok
from plugins_fixtures.project import publish, static_host, wagon_project
from test_bad_input_docs import tree
from test_bad_input_plugins import REMOTE_YAML

HOME = {"content/_index.md": "---\ntitle: Home\n---\nHome.\n"}
DIGITS = "1" * 5000   # more than Python's 4300-digit int/str limit
ESC = "\x1b"


def run_catalog(args: list[str], cwd: Path, timeout: float = 60, memory: int = 1 << 30,
                env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`catalog ARGS` in a child limited to `timeout` seconds and `memory` bytes of address space."""
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    package_root = Path(catalog.__file__).resolve().parent.parent   # the catalog this test imported
    child_env = {**os.environ, "PYTHONPATH": str(package_root), **(env or {})}
    result = subprocess.run([sys.executable, "-m", "catalog", *args], cwd=cwd, capture_output=True, text=True,
                            timeout=timeout, preexec_fn=limit, env=child_env)
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    return result


def failed_build_keeps_public(site, files: dict[str, str | bytes], timeout: float = 60) -> str:
    """Build `site` (good), add `files`, build again in a child: it must fail, say why, and keep public/."""
    build_ok(site)
    before = tree(site.root / "public")
    site.write(files)
    result = run_catalog(["build"], site.root, timeout)
    assert result.returncode == 1, result.stdout + result.stderr
    assert tree(site.root / "public") == before
    return result.stderr


def plugin_yaml(name: str, extra: str) -> str:
    return f"name: {name}\ntitle: T\ndescription: D\n{extra}"


# -- 3. plugin YAML aliases that expand without end ---------------------------------------------

BOMB = "x-a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"x-{b}: &{b} [{', '.join(['*' + a] * 10)}]\n" for a, b in zip("abcdefghi", "bcdefghij"))


def test_plugin_yaml_alias_bomb_is_refused_without_expanding_it(make_site):
    site = make_site(HOME)
    err = failed_build_keeps_public(site, {"plugins-index/cloudify-bomb-plugin.yaml":
                                           plugin_yaml("cloudify-bomb-plugin", BOMB + "categories: *j\n")}, timeout=30)
    assert ("plugins-index/cloudify-bomb-plugin.yaml:7:1: error: YAML aliases expand to more than 10000 values "
            "[yaml-size]\n    7 | x-d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n      | ^\n    hint: ") in err


@pytest.mark.parametrize("text, line, message", [
    ("categories: &a [*a]\n", 4, "values nest more than 100 levels deep (or a YAML alias contains itself)"),
    ("categories: " + "[" * 900 + "]" * 900 + "\n", 4, "values nest more than 100 levels deep"),
    ("categories: " + "[" * 50_000 + "\n", 4, "YAML syntax error: exceeded maximum nesting depth"),
])
def test_plugin_yaml_nesting_and_self_reference_are_located(tmp_path, text, line, message):
    from catalog.diagnostics import Report
    from catalog.plugins import yamlsource

    report = Report()
    assert yamlsource.load(plugin_yaml("p", text), "p.yaml", report) is None
    [diagnostic] = report.items
    assert (diagnostic.line, diagnostic.code in ("yaml-size", "yaml-syntax")) == (line, True), diagnostic.format()
    assert message in diagnostic.message and diagnostic.hint


# -- 5. integers of more than 4300 digits -------------------------------------------------------

@pytest.mark.parametrize("header, line", [
    (f"---\ntitle: A\nn: {DIGITS}\n---\n", 3),
    (f"+++\ntitle = 'A'\nn = {DIGITS}\n+++\n", 3),
    (f"---\ntitle: A\nn: 0x{'f' * 5000}\n---\n", 3),      # read fine, cannot be printed
    (f"+++\ntitle = 'A'\nn = 0x{'f' * 5000}\n+++\n", 3),
    (f"---\ntitle: A\nn: 0b{'1' * 20000}\n---\n", 3),
])
def test_front_matter_number_too_long_is_located(header, line):
    with pytest.raises(LocatedError) as caught:
        frontmatter.parse(header + "body\n", "content/p.md")
    diagnostic = caught.value.diagnostic
    assert (diagnostic.line, diagnostic.code) == (line, "front-matter-number"), diagnostic.format()


def test_front_matter_date_that_does_not_exist_is_located():
    with pytest.raises(LocatedError) as caught:
        frontmatter.parse("---\ntitle: A\ntags: [a]\ndate: 2020-02-30\n---\n", "content/p.md")
    assert caught.value.diagnostic.format() == (
        "content/p.md:4:1: error: cannot read a value: day is out of range for month [front-matter-value]\n"
        "    hint: a date is YYYY-MM-DD of a day that exists; quote text")


def test_front_matter_number_in_a_build_keeps_public(make_site):
    site = make_site(HOME)
    err = failed_build_keeps_public(site, {"content/p.md": f"---\ntitle: A\nweight: 0x{'f' * 5000}\n---\n"})
    assert "content/p.md:3:1: error: a number of more than 4300 digits" in err


def test_plugin_size_too_long_is_located(make_site):
    site = make_site(HOME)
    err = failed_build_keeps_public(site, {"plugins-index/cloudify-n-plugin.yaml": plugin_yaml(
        "cloudify-n-plugin", "releases:\n  - version: 1.0.0\n    date: 2023-01-02\n    yaml_files:\n" + REMOTE_YAML +
        f"    wagons:\n      - url: https://example.org/x.wgn\n        sha256: {'e' * 64}\n"
        f"        size: {DIGITS}\n")})
    assert ("plugins-index/cloudify-n-plugin.yaml:15:15: error: cannot read the value 11111111111111111111..."
            "1111111111 (5000 characters): more than the 4300 digits Python reads in a number [yaml-value]") in err


def tar_gz(members: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def test_wagon_package_json_number_too_long():
    data = tar_gz([("p/package.json", b'{"package_name": "p",\n "n": ' + DIGITS.encode() + b"}")])
    with pytest.raises(WagonArchiveError, match=r"p/package.json is not valid JSON: a number of more than 4300 "
                                                r"digits: line 2 column 7"):
        read_wagon(data)


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """A built site with the real echo wagons: its index, hosted files and pages."""
    built = build_plugins_ok(wagon_project(tmp_path_factory.mktemp("project")))
    return publish(built.files, tmp_path_factory.mktemp("published"))


def copy_of(site: Path, tmp_path: Path) -> Path:
    import shutil

    return Path(shutil.copytree(site, tmp_path / "copy"))


@pytest.mark.parametrize("text, where, message", [
    ('{"schema_version": "1.0",\n "n": ' + DIGITS + "}", "2:7", "a number of more than 4300 digits"),
    ("[" * 100_000, "1:501", "nested more than 500 levels deep"),
])
def test_check_reads_hostile_json_with_a_located_error(published, tmp_path, text, where, message):
    site = copy_of(published, tmp_path)
    (site / "index/v1/index.json").write_text(text)
    result = run_catalog(["check", str(site)], tmp_path)
    assert result.returncode == 1
    assert f"{site}/index/v1/index.json:{where}: error: not valid JSON: {message} [json-invalid]" in result.stdout


@pytest.mark.parametrize("text, message", [
    ('{"schema_version": "1.0", "plugins": [], "n": ' + DIGITS + "}", "a number of more than 4300 digits"),
    ("[" * 100_000, "nested more than 500 levels deep"),
])
def test_resolve_reads_a_hostile_root_file_with_an_error(tmp_path, text, message):
    (tmp_path / "index.json").write_text(text)
    result = run_catalog(["resolve", "cloudify-echo-plugin", "--manager-version", "7.0", "--distribution", "centos",
                          "--release", "core", "--arch", "x86_64", "--python", "py311",
                          "--index", str(tmp_path / "index.json")], tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: {(tmp_path / 'index.json').as_uri()} is not valid JSON: {message}")


# -- 6. deep nesting (the plugin YAML cases are above) ------------------------------------------

def test_wagon_package_json_nested_too_deep():
    with pytest.raises(WagonArchiveError, match="nested more than 500 levels deep: line 1 column 501"):
        read_wagon(tar_gz([("p/package.json", b"[" * 100_000)]))


# -- 9. archives of very many members -----------------------------------------------------------

def test_tar_wagon_with_too_many_members_is_refused_early():
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for number in range(3 * MAX_MEMBERS):
            tar.addfile(tarfile.TarInfo(f"p/{number}"))
    started = time.perf_counter()
    with pytest.raises(WagonArchiveError, match=f"more than {MAX_MEMBERS} members"):
        read_wagon(buffer.getvalue())
    assert time.perf_counter() - started < 2


def test_zip_wagon_with_too_many_members_is_refused_before_its_directory_is_read():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for number in range(MAX_MEMBERS + 1):
            archive.writestr(f"p/{number}", b"")
    with pytest.raises(WagonArchiveError, match=f"more than {MAX_MEMBERS} members"):
        read_wagon(buffer.getvalue())


def test_too_many_members_in_a_build_is_located(make_site):
    site = make_site(HOME)
    name = "cloudify_m_plugin-1.0.0-centos-Core-py311-none-linux_x86_64.wgn"
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for number in range(MAX_MEMBERS + 1):
            tar.addfile(tarfile.TarInfo(f"cloudify_m_plugin/{number}"))
    err = failed_build_keeps_public(site, {
        f"plugins-index/wagons/{name}": buffer.getvalue(),
        "plugins-index/cloudify-m-plugin.yaml": plugin_yaml(
            "cloudify-m-plugin", "releases:\n  - version: 1.0.0\n    date: 2023-01-02\n    yaml_files:\n" + REMOTE_YAML +
            f"    wagons:\n      - path: wagons/{name}\n")})
    assert f"plugins-index/cloudify-m-plugin.yaml:13:9: error: release 1.0.0: wagon {name}: more than " \
           f"{MAX_MEMBERS} members" in err


# -- 10. hl_lines ranges ------------------------------------------------------------------------

def test_hl_lines_ranges_are_clamped_to_the_block():
    html = highlight("a\nb\nc\n", "text", {"hl_lines": "2-99999999999"})
    assert html.count('class="hll"') == 2
    assert parse_options({"hl_lines": "1-10000000 4 9-20"}).hl_lines == ((1, 10000000),)
    html = highlight("a\nb\n", "text", {"hl_lines": "1-" + "9" * 5000})   # past Python's int limit too
    assert html.count('class="hll"') == 2


def test_hl_lines_huge_range_in_a_page_builds_quickly(make_site):
    site = make_site({**HOME, "content/p.md": "---\ntitle: P\n---\n"
                      '{{< highlight text "hl_lines=1-99999999999" >}}\none\ntwo\n{{< /highlight >}}\n'})
    result = run_catalog(["build"], site.root, timeout=30, memory=1 << 30)
    assert result.returncode == 0, result.stderr
    assert site.read("p/index.html").count('class="hll"') == 2


# -- 11. special files --------------------------------------------------------------------------

def test_content_fifo_and_broken_links_are_located_errors(make_site):
    site = make_site(HOME)
    build_ok(site)
    before = tree(site.root / "public")
    content = site.root / "content"
    os.mkfifo(content / "fifo.md")
    (content / "dangling.md").symlink_to("nowhere.md")
    (content / "loop.md").symlink_to("loop.md")
    result = run_catalog(["build"], site.root, timeout=30)
    assert result.returncode == 1
    assert result.stderr.splitlines()[::2] == [
        "content/dangling.md: error: cannot read the file: a symbolic link that cannot be followed "
        "(no such file or directory) [file-unreadable]",
        "content/fifo.md: error: cannot read the file: it is a FIFO, not a regular file [file-unreadable]",
        "content/loop.md: error: cannot read the file: a symbolic link that cannot be followed "
        "(too many levels of symbolic links) [file-unreadable]",
        "build failed: 3 error(s); public/ left as it was",
    ]
    assert tree(site.root / "public") == before


def test_unreadable_content_file_is_a_located_error(make_site, monkeypatch):
    site = make_site({**HOME, "content/p.md": "---\ntitle: P\n---\n"})
    build_ok(site)
    (site.root / "content/p.md").write_text("---\ntitle: Q\n---\n")   # read again: changed

    def refusing(real_open):   # as chmod 0 does, for anyone but root
        def refuse(path, *args, **kwargs):
            if str(path).endswith("content/p.md"):
                raise PermissionError(13, "Permission denied", str(path))
            return real_open(path, *args, **kwargs)
        return refuse

    monkeypatch.setattr(os, "open", refusing(os.open))
    monkeypatch.setattr(builtins, "open", refusing(builtins.open))
    result = site.build(jobs=1)
    assert [d.format() for d in result.report.errors()] == [
        "content/p.md: error: cannot read the file: Permission denied [file-unreadable]\n"
        "    hint: a content file is a regular file the build can read: fix this one or remove it"]


def test_plugin_path_symlink_loop_is_located(make_site):
    site = make_site(HOME)
    build_ok(site)
    before = tree(site.root / "public")
    (site.root / "plugins-index/wagons").mkdir(parents=True)
    (site.root / "plugins-index/wagons/loop.wgn").symlink_to("loop.wgn")
    site.write({"plugins-index/cloudify-l-plugin.yaml": plugin_yaml(
        "cloudify-l-plugin", "releases:\n  - version: 1.0.0\n    date: 2023-01-02\n    yaml_files:\n" + REMOTE_YAML +
        "    wagons:\n      - path: wagons/loop.wgn\n")})
    result = run_catalog(["build"], site.root)
    assert result.returncode == 1
    assert "plugins-index/cloudify-l-plugin.yaml:13:9: error: release 1.0.0: " in result.stderr
    assert "path 'wagons/loop.wgn' cannot be followed" in result.stderr
    assert tree(site.root / "public") == before


def test_check_reports_special_files_instead_of_reading_them(published, tmp_path):
    site = copy_of(published, tmp_path)
    os.mkfifo(site / "fifo.html")
    (site / "dangling.html").symlink_to("nowhere.html")
    (site / "loop.html").symlink_to("loop.html")
    result = run_catalog(["check", str(site)], tmp_path, timeout=30)
    assert result.returncode == 1
    assert [line for line in result.stdout.splitlines() if "file-unreadable" in line] == [
        f"{site}/dangling.html: error: not checked: a symbolic link that cannot be followed "
        "(no such file or directory) [file-unreadable]",
        f"{site}/fifo.html: error: not checked: a FIFO [file-unreadable]",
        f"{site}/loop.html: error: not checked: a symbolic link that cannot be followed "
        "(too many levels of symbolic links) [file-unreadable]",
    ]


# -- 12. URL paths: url, slug and file names ----------------------------------------------------

@pytest.mark.parametrize("files, expected", [
    ({"content/u.md": '---\ntitle: U\nurl: "/x/\\n/* https://evil.example/ 302!\\n/y/"\n---\n'},
     ("content/u.md", 3, "from its url")),
    ({"content/s.md": '---\ntitle: S\n\nslug: "a\\nb"\n---\n'}, ("content/s.md", 4, "from its slug")),
    ({"content/a\nb.md": "---\ntitle: N\n---\n"}, ("content/a\nb.md", 1, "from its file name")),
    ({"content/q?x#y.md": "---\ntitle: Q\n---\n"}, ("content/q?x#y.md", 1, "from its file name")),
    ({"content/d/_index.md": '---\ntitle: D\nurl: "/d?x/"\n---\n'}, ("content/d/_index.md", 3, "from its url")),
])
def test_page_urls_are_validated_like_aliases(make_site, files, expected):
    site = make_site(HOME)
    build_ok(site)
    before = tree(site.root / "public")
    site.write(files)
    result = site.build(jobs=1)
    found = [(d.path, d.line, d.message) for d in result.report.errors() if d.code == "url-invalid"]
    assert [(path, line) for path, line, _ in found] == [expected[:2]], site.messages(result)
    assert expected[2] in found[0][2] and "holds a control character, '?' or '#'" in found[0][2]
    assert tree(site.root / "public") == before


# -- 14. a remote index cannot reach local files ------------------------------------------------

def _point_wagon_at(site: Path, url: str, data: bytes) -> None:
    """Make the echo plugin's wagons name `url` (with the sha256 and size of `data`), root file updated."""
    plugin = site / "index/v1/plugins/cloudify-echo-plugin.json"
    document = json.loads(plugin.read_text())
    for release in document["releases"]:
        for wagon in release["wagons"]:
            wagon.update(url=url, sha256=hashlib.sha256(data).hexdigest(), size=len(data))
    plugin.write_text(json.dumps(document))
    root = site / "index/v1/index.json"
    index = json.loads(root.read_text())
    entry = next(p for p in index["plugins"] if p["name"] == "cloudify-echo-plugin")
    entry["file"].update(sha256=hashlib.sha256(plugin.read_bytes()).hexdigest(), size=plugin.stat().st_size)
    root.write_text(json.dumps(index))


ECHO = dict(manager_version="6.4.0", distribution="centos", release="core", arch="x86_64", python_tag="py311")


def test_remote_index_cannot_name_a_local_file(published, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_bytes(b"token=hunter2\n")
    site = copy_of(published, tmp_path)
    _point_wagon_at(site, secret.as_uri(), secret.read_bytes())
    with static_host(site) as base:
        chosen = resolve("cloudify-echo-plugin", index=base, **ECHO)
        with pytest.raises(ResolveError, match=f"refusing {secret.as_uri()}: an index read from {base}.* may only "
                                               "name http or https URLs, not file"):
            download(chosen, tmp_path / "dl")
    assert not (tmp_path / "dl").exists() or not list((tmp_path / "dl").iterdir())
    # a local index may name local files
    chosen = resolve("cloudify-echo-plugin", index=str(site), **ECHO)
    assert chosen.wagon.url == secret.as_uri()


def test_remote_root_file_cannot_name_a_local_plugin_file(published, tmp_path):
    site = copy_of(published, tmp_path)
    local = site / "index/v1/plugins/cloudify-echo-plugin.json"
    root = site / "index/v1/index.json"
    index = json.loads(root.read_text())
    next(p for p in index["plugins"] if p["name"] == "cloudify-echo-plugin")["file"]["path"] = local.as_uri()
    root.write_text(json.dumps(index))
    with static_host(site) as base:
        with pytest.raises(ResolveError, match=f"refusing {local.as_uri()}"):
            resolve("cloudify-echo-plugin", index=base, **ECHO)


# -- 15. escape sequences in diagnostics --------------------------------------------------------

def test_diagnostic_escapes_control_characters():
    diagnostic = Diagnostic("a\nb.md", 3, 1, "error", "x", f"value {ESC}]0;pwned\a {ESC}[2J\r ok \u202e",
                            f"hint {ESC}[32mbuilt")
    assert diagnostic.format() == ("a\\nb.md:3:1: error: value \\x1b]0;pwned\\x07 \\x1b[2J\\r ok \\u202e [x]\n"
                                   "    hint: hint \\x1b[32mbuilt")


def test_plugin_values_cannot_drive_the_terminal(make_site):
    site = make_site(HOME)
    evil = f"{ESC}]0;pwned{ESC}\\\\{ESC}[2J{ESC}[1A"
    err = failed_build_keeps_public(site, {"plugins-index/cloudify-e-plugin.yaml": plugin_yaml(
        "cloudify-e-plugin", f'releases: "{evil.replace(ESC, chr(92) + "e")}"\n')})
    assert ESC not in err
    assert "\\x1b]0;pwned\\x1b\\\\x1b[2J\\x1b[1A" in err


def test_resolve_output_escapes_the_index_values(published, tmp_path):
    site = copy_of(published, tmp_path)
    plugin = site / "index/v1/plugins/cloudify-echo-plugin.json"
    document = json.loads(plugin.read_text())
    for release in document["releases"]:
        release["yanked"] = {"reason": f"{ESC}[2J{ESC}]0;owned\a"}
    plugin.write_text(json.dumps(document))
    _point_wagon_at(site, "https://example.org/x.wgn", b"x")   # only to update the root's digest
    result = run_catalog(["resolve", "cloudify-echo-plugin", "--manager-version", "6.4.0", "--distribution",
                          "centos", "--release", "core", "--arch", "x86_64", "--python", "py311",
                          "--index", str(site)], tmp_path)
    assert result.returncode == 1
    assert ESC not in result.stderr and "\a" not in result.stderr
    assert "yanked: \\x1b[2J\\x1b]0;owned\\x07" in result.stderr


# -- 16. !!set in front matter ------------------------------------------------------------------

def test_yaml_set_becomes_a_sorted_list():
    parsed = frontmatter.parse("---\ntags: !!set {zeta, alpha, mid}\npairs: !!pairs [a: 1, b: [2]]\n---\n", "p.md")
    assert parsed.meta == {"tags": ["alpha", "mid", "zeta"], "pairs": [["a", 1], ["b", [2]]]}


def test_yaml_set_output_does_not_depend_on_hash_order(make_site):
    site = make_site({**HOME, "content/p.md": "---\ntitle: P\ntags: !!set {" +
                      ", ".join(f"t{n}" for n in range(40)) + "}\n---\n{{< param tags >}}\n"})
    pages = set()
    for seed in ("1", "2", "3"):   # str hashes, and so a set's order, change with the seed
        result = run_catalog(["build", "--no-cache"], site.root, env={"PYTHONHASHSEED": seed})
        assert result.returncode == 0, result.stderr
        pages.add(site.read("p/index.html"))
    assert len(pages) == 1
    assert "[t0 t1 t10 t11 " in pages.pop()   # sorted as text (printed as Hugo prints a list)
    run_catalog(["build"], site.root, env={"PYTHONHASHSEED": "4"})
    again = run_catalog(["build"], site.root, env={"PYTHONHASHSEED": "5"})
    assert "(0 rendered)" in again.stderr + again.stdout   # and the cache holds
