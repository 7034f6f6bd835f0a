"""`catalog new`: the starter project it writes builds clean, and it never writes into a
folder that holds anything."""
from __future__ import annotations

from pathlib import Path

import pytest

from catalog.build import build
from catalog.check import check_site
from catalog.cli import main
from catalog.new import starter_files


def test_new_project_builds_and_checks_clean(tmp_path, capsys):
    """No themes/ folder: the packaged theme; no diagnostic at all, even under --strict."""
    target = tmp_path / "demo"
    assert main(["new", str(target)]) == 0
    out = capsys.readouterr().out
    assert f"created {target}/ with 7 files:" in out and "next: cd" in out
    assert not (target / "themes").exists()
    result = build(target, strict=True)
    assert [d.format() for d in result.report.items] == []
    assert result.written
    assert [d.format() for d in check_site(target / "public")] == []


def test_new_project_shows_each_kind_of_content(tmp_path):
    target = tmp_path / "demo"
    assert main(["new", str(target)]) == 0
    assert (target / ".gitignore").read_text().split("\n")[1:3] == ["/public/", "/.catalog-cache/"]
    build(target)
    public = target / "public"
    install = (public / "guide/install/index.html").read_text()
    assert 'class="callout callout-note"' in install  # {{% note %}}
    assert 'href="/guide/usage/#node-types"' in install  # relref with a checked #fragment
    home = (public / "index.html").read_text()
    assert 'href="/guide/"' in home and "Example orchestrator" in home  # children, param
    assert 'href="/plugins/">Plugins</a>' in home  # the site has a catalog: the header links to it
    plugin = (public / "plugins/example-plugin/index.html").read_text()
    assert 'href="/guide/install/"' in plugin  # the plugin's documentation: a page of the site
    assert (public / "index/v1/plugins/example-plugin.json").is_file()


def test_new_writes_the_files_the_package_ships(tmp_path):
    target = tmp_path / "demo"
    main(["new", str(target)])
    written = {p.relative_to(target).as_posix(): p.read_bytes() for p in target.rglob("*") if p.is_file()}
    assert written == starter_files()
    assert "gitignore" not in written  # stored without its dot, written with it


def test_new_into_an_empty_folder(tmp_path):
    assert main(["new", str(tmp_path)]) == 0
    assert (tmp_path / "site.toml").is_file()


@pytest.mark.parametrize("existing", [".gitignore", "notes.md", "content/_index.md"])
def test_new_refuses_a_folder_that_is_not_empty(tmp_path, capsys, existing):
    target = tmp_path / "demo"
    (target / existing).parent.mkdir(parents=True, exist_ok=True)
    (target / existing).write_text("mine\n")
    assert main(["new", str(target)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"catalog new: {target} is not empty (1 entry: {Path(existing).parts[0]}); ")
    assert "Traceback" not in err
    assert sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()) == [existing]
    assert (target / existing).read_text() == "mine\n"


def test_new_refuses_a_file(tmp_path, capsys):
    target = tmp_path / "demo"
    target.write_text("x")
    assert main(["new", str(target)]) == 2
    assert capsys.readouterr().err == f"catalog new: {target} exists and is not a folder; name a new folder\n"


def test_new_reports_a_folder_it_cannot_write(tmp_path, capsys):
    """An OSError while writing (here: a file where a parent folder should be; tests run as
    root, so permissions cannot be used) is a message and exit 1, not a traceback."""
    (tmp_path / "file").write_text("x")
    assert main(["new", str(tmp_path / "file" / "demo")]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"catalog new: cannot write {tmp_path / 'file'}") and "Not a directory" in err, err
