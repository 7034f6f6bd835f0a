"""A `catalog build` with nothing changed (issue 20): besides the render cache, the CLI keeps
the parsed content files and the highlighting stylesheet in .catalog-cache/, and the cache
keeps each body's element ids; a warm build reads, parses and recomputes none of them, and
publishes the same bytes as a cold build."""
from __future__ import annotations

import os
import pickle
import shutil
from pathlib import Path

import pytest

from catalog import content_files
from catalog.assets import STYLESHEET_FILE, highlight_stylesheet
from catalog.body import Body
from catalog.cli import SOURCES_FILE, main
from catalog.content_files import SourceMemo
from catalog.diagnostics import Report
from catalog.highlight import stylesheet, stylesheet_key

FILES = {
    "content/_index.md": "---\ntitle: Home\n---\nSee [steps]({{< ref \"guide/install.md#steps\" >}}) and "
                         "[nowhere]({{< ref \"guide/install.md#nope\" >}}).\n",
    "content/guide/_index.md": "---\ntitle: Guide\nweight: 1\n---\nThe guide.\n",
    "content/guide/install.md": "---\ntitle: Install\n---\n## Steps\n\n```python\nprint('hi')\n```\n",
    "content/guide/use.md": "---\ntitle: Use\nweight: 2\n---\nUse it.\n",
}


def cli_build(root: Path, *extra: str) -> int:
    return main(["build", "--project", str(root), *extra])


def published(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def same_as_cold(root: Path, tmp_path: Path, name: str) -> dict[str, bytes]:
    """The warm build's output, asserted byte-identical to a cold build's of the same sources."""
    assert cli_build(root, "--no-cache", "--out", str(tmp_path / name)) in (0, 1)
    warm = published(root / "public")
    assert warm == published(tmp_path / name)
    return warm


@pytest.fixture
def reads(monkeypatch) -> dict[str, list[str]]:
    """The content files SourceMemo reads and parses, by path."""
    seen: dict[str, list[str]] = {"read": [], "parsed": []}
    real_read, real_parse = content_files.read_regular_file, content_files._read_page
    monkeypatch.setattr(content_files, "read_regular_file",
                        lambda path, *rest: seen["read"].append(path) or real_read(path, *rest))
    monkeypatch.setattr(content_files, "_read_page",
                        lambda data, digest, rel, *rest: seen["parsed"].append(rel) or real_parse(data, digest, rel, *rest))
    monkeypatch.setattr(SourceMemo, "RACY_NS", 0)  # trust a stat at once, not only 2 s after the write
    return seen


def test_a_build_reads_and_parses_only_the_content_files_that_changed(make_site, tmp_path, reads):
    site = make_site(FILES)
    assert cli_build(site.root) == 0
    assert len(reads["parsed"]) == 4 and (site.root / SOURCES_FILE).is_file()
    reads["read"].clear(), reads["parsed"].clear()
    saved = (site.root / SOURCES_FILE).stat().st_mtime_ns

    assert cli_build(site.root) == 0
    assert reads == {"read": [], "parsed": []}
    assert (site.root / SOURCES_FILE).stat().st_mtime_ns == saved  # nothing changed: not written again
    same_as_cold(site.root, tmp_path, "cold-1")

    use = site.root / "content/guide/use.md"
    use.write_text(use.read_text().replace("title: Use", "title: Using"))  # every page's sidebar shows it
    reads["read"].clear(), reads["parsed"].clear()
    assert cli_build(site.root) == 0
    assert reads == {"read": [str(use)], "parsed": ["guide/use.md"]}
    assert "Using" in same_as_cold(site.root, tmp_path, "cold-2")["guide/use/index.html"].decode()

    # an edit that keeps the size and puts the mtime back: the ctime still tells
    before = use.stat()
    use.write_text(use.read_text().replace("Use it.", "Use me."))
    os.utime(use, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert use.stat().st_size == before.st_size and use.stat().st_mtime_ns == before.st_mtime_ns
    reads["read"].clear(), reads["parsed"].clear()
    assert cli_build(site.root) == 0
    assert reads["parsed"] == ["guide/use.md"]
    assert "Use me." in same_as_cold(site.root, tmp_path, "cold-3")["guide/use/index.html"].decode()

    use.unlink()  # a page gone is gone from the memo too
    assert cli_build(site.root) == 0
    assert str(use) not in SourceMemo.load(site.root / SOURCES_FILE).files
    assert "guide/use/index.html" not in same_as_cold(site.root, tmp_path, "cold-4")


def test_a_failed_build_keeps_what_it_parsed_and_reports_the_same_problems(make_site, reads, capsys):
    site = make_site({**FILES, "content/bad.md": "---\ntitle: Bad\nweight: heavy\n---\nx\n"})
    assert cli_build(site.root) == 1
    first = capsys.readouterr().err
    assert "content/bad.md:3:1: error: 'weight' must be an integer" in first
    reads["parsed"].clear()
    assert cli_build(site.root) == 1
    assert reads["parsed"] == [] and capsys.readouterr().err == first  # the memo keeps the diagnostics


def test_a_memo_of_other_code_or_unreadable_is_not_used(make_site, monkeypatch, reads):
    site = make_site(FILES)
    assert cli_build(site.root) == 0
    monkeypatch.setattr(content_files, "_code_key", lambda: "another version of the code")
    assert SourceMemo.load(site.root / SOURCES_FILE).files == {}
    reads["parsed"].clear()
    assert cli_build(site.root) == 0
    assert len(reads["parsed"]) == 4  # parsed again, and saved for this version
    assert len(SourceMemo.load(site.root / SOURCES_FILE).files) == 4
    (site.root / SOURCES_FILE).write_bytes(pickle.dumps({"code": "x"})[:5])  # cut short
    assert SourceMemo.load(site.root / SOURCES_FILE).files == {}
    assert cli_build(site.root) == 0 and (site.root / "public/guide/install/index.html").is_file()


def test_a_memo_entry_is_for_the_names_it_was_parsed_under(tmp_path):
    """The same file seen under another name (content_dir "./content" for "content"): its
    page and diagnostics name the new one."""
    path = tmp_path / "p.md"
    path.write_text("---\ntitle: One\nweight: x\n---\nbody\n")
    memo = SourceMemo()
    report = Report()
    assert memo.page(str(path), "p.md", "content/p.md", report) is None
    assert [d.path for d in report.items] == ["content/p.md"]
    path.write_text("---\ntitle: One\n---\nbody\n")
    assert memo.page(str(path), "p.md", "content/p.md", Report()).source == "content/p.md"
    assert memo.page(str(path), "p.md", "./content/p.md", Report()).source == "./content/p.md"


def test_the_highlighting_stylesheet_is_kept_under_its_key(make_site, tmp_path):
    site = make_site(FILES)
    assert cli_build(site.root) == 0
    kept = site.root / ".catalog-cache" / STYLESHEET_FILE
    header = f"/* {stylesheet_key()} */\n".encode()
    assert kept.read_bytes() == header + stylesheet().encode()
    published_css = list((site.root / "public/css").glob("pygments.*.css"))
    assert [path.read_bytes() for path in published_css] == [stylesheet().encode()]

    kept.write_bytes(header + b".highlight { color: red; }\n")  # the copy under the current key is used
    assert cli_build(site.root) == 0
    assert b"color: red" in next((site.root / "public/css").glob("pygments.*.css")).read_bytes()

    kept.write_bytes(b"/* pygments 0.1 friendly github-dark 0 */\n.highlight { color: red; }\n")
    assert cli_build(site.root) == 0  # made again: another Pygments, or another highlight.py
    assert kept.read_bytes() == header + stylesheet().encode()
    assert [path.read_bytes() for path in (site.root / "public/css").glob("pygments.*.css")] == \
        [stylesheet().encode()]
    same_as_cold(site.root, tmp_path, "cold")


def test_the_stylesheet_without_a_cache_folder_a_writable_one_or_a_key(make_site, tmp_path, monkeypatch):
    site = make_site(FILES)
    assert cli_build(site.root, "--no-cache") == 0
    assert not (site.root / ".catalog-cache" / STYLESHEET_FILE).exists()
    assert highlight_stylesheet(None) == stylesheet().encode()
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    assert highlight_stylesheet(blocked) == stylesheet().encode()
    # Pygments' version unreadable (an install in a zip file): made every time, never kept
    from catalog import assets
    monkeypatch.setattr(assets, "stylesheet_key", lambda: None)
    assert highlight_stylesheet(tmp_path / "cache") == stylesheet().encode()
    assert not (tmp_path / "cache").exists()


def test_a_cached_body_keeps_its_ids_so_the_fragment_check_does_not_unpack_it(make_site, tmp_path, monkeypatch,
                                                                          capsys):
    site = make_site(FILES)
    assert cli_build(site.root) == 0
    first = capsys.readouterr().err
    assert 'no heading with id "nope"' in first
    unpacked: list[Body] = []
    real = Body.full_html
    monkeypatch.setattr(Body, "full_html", lambda body: unpacked.append(body) or real(body))
    assert cli_build(site.root) == 0
    assert capsys.readouterr().err.splitlines()[:-1] == first.splitlines()[:-1]  # the same warning
    assert unpacked == []


def test_unchanged_attachments_and_content_files_are_not_read_again(make_site, tmp_path, reads, monkeypatch):
    site = make_site({**FILES, "content/guide/use.files/data.bin": b"\x00one",
                      "content/guide/pic.png": b"\x89PNG one", "content/guide/table.html": "<p>one</p>\n"})
    assert cli_build(site.root) == 0
    opened: list[str] = []
    real = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes",
                        lambda path: opened.append(path.name) or real(path) if "content" in path.parts else real(path))
    assert cli_build(site.root) == 0
    assert opened == ["table.html"]  # an HTML file may be rewritten (relativeURLs): it is read every time
    same_as_cold(site.root, tmp_path, "cold-1")

    data = site.root / "content/guide/use.files/data.bin"
    before = data.stat()
    data.write_bytes(b"\x00two")  # the same size, the mtime put back: the ctime tells
    os.utime(data, ns=(before.st_atime_ns, before.st_mtime_ns))
    opened.clear()
    assert cli_build(site.root) == 0
    assert sorted(opened) == ["data.bin", "table.html"]
    assert (site.root / "public/guide/use.files/data.bin").read_bytes() == b"\x00two"
    same_as_cold(site.root, tmp_path, "cold-2")

    shutil.rmtree(site.root / "public")  # the published copies gone: every file is read again
    opened.clear()
    assert cli_build(site.root) == 0
    assert sorted(opened) == ["data.bin", "pic.png", "table.html"]
    assert (site.root / "public/guide/pic.png").read_bytes() == b"\x89PNG one"
