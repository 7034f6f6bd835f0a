"""The benchmark's own tools, where a mistake would skew every figure."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from benchmarks.measure import MeasureError, discard, keep_trash_in, run


def test_discard_moves_old_outputs_aside_until_the_run_ends(tmp_path: Path) -> None:
    (tmp_path / "public" / "a").mkdir(parents=True)
    (tmp_path / "public" / "a" / "index.html").write_text("old site")
    (tmp_path / "cache.bin").write_bytes(b"x")
    keep_trash_in(tmp_path / ".trash")
    try:
        discard(tmp_path / "public")
        discard(tmp_path / "cache.bin")
        discard(tmp_path / "never-built")  # nothing there: nothing to do
        # gone from where the next build looks, but not deleted: no mass deletion before a measurement
        assert sorted(p.name for p in tmp_path.iterdir()) == [".trash"]
        kept = sorted((tmp_path / ".trash").iterdir())
        assert [p.name for p in kept] == ["00000-public", "00001-cache.bin"]
        assert (kept[0] / "a" / "index.html").read_text() == "old site"
    finally:
        keep_trash_in(None)
    (tmp_path / "public").mkdir()
    discard(tmp_path / "public")  # without a trash folder: deleted at once
    assert not (tmp_path / "public").exists()


def test_update_catalog_replaces_only_the_catalog_section() -> None:
    from benchmarks.run import replace_catalog_section
    report = ("# Benchmarks\n\n## Results\n\n| site | 1 s |\n\n## Catalog index\n\n| old catalog |\n\n"
              "## Notes from this run\n\n- a note\n")
    updated = replace_catalog_section(report, "scripts/bench --update-catalog", ["- CPU: x", "- date: today"],
                                      "| new catalog |", ["catalog index output: 1 MB"])
    assert "| site | 1 s |" in updated and "- a note" in updated  # the full run's sections stay
    assert "| old catalog |" not in updated
    section = updated.split("## Catalog index", 1)[1].split("## Notes", 1)[0]
    assert "| new catalog |" in section and "scripts/bench --update-catalog" in section and "- date: today" in section
    assert "- CPU: x" not in section  # the machine is described once, at the top
    # a report without the section gets one, before the notes
    added = replace_catalog_section(report.replace("## Catalog index\n\n| old catalog |\n\n", ""), "c", [], "| t |", [])
    assert added.index("## Catalog index") < added.index("## Notes from this run")


def test_update_catalog_refreshes_the_copy_of_the_notes() -> None:
    from benchmarks.report import NOTES
    from benchmarks.run import replace_catalog_section
    heading = NOTES.read_text().splitlines()[0]
    report = f"# Benchmarks\n\n## Catalog index\n\n| old |\n\n{heading}\n\nan old finding\n"
    updated = replace_catalog_section(report, "c", [], "| new |", [])
    assert "an old finding" not in updated
    assert updated.endswith(NOTES.read_text().rstrip() + "\n")


def test_measured_commands_keep_their_compiled_bytecode(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")  # as this sandbox and some CI images set it
    check = [sys.executable, "-c", "import os, sys; sys.exit('PYTHONDONTWRITEBYTECODE' in os.environ)"]
    run(check, tmp_path, 60, tmp_path / "log")  # exits 0 only without the variable
    with pytest.raises(MeasureError):  # the check can fail: a command given the variable sees it
        run(check, tmp_path, 60, tmp_path / "log", env={"PYTHONDONTWRITEBYTECODE": "1"})


def test_refresh_notes_copies_the_notes_and_measures_nothing(tmp_path: Path) -> None:
    from benchmarks.report import NOTES
    from benchmarks.run import main
    first_line = NOTES.read_text().splitlines()[0]
    report = tmp_path / "BENCHMARKS.md"
    report.write_text(f"# Benchmarks\n\n## Results\n\n| cold | 1 s |\n\n{first_line}\n\nold findings\n")
    assert main(["--refresh-notes", "--out", str(report)]) == 0
    text = report.read_text()
    assert text.startswith("# Benchmarks\n\n## Results\n\n| cold | 1 s |\n\n")  # the measured part stays
    assert "old findings" not in text and text.endswith(NOTES.read_text().rstrip() + "\n")


def test_a_response_cut_short_is_not_yet_the_page(tmp_path: Path) -> None:
    """A preview server rebuilding mid-response (Hugo's did, in a full run) sends part of a
    body: the poller tries again instead of ending the benchmark."""
    import http.server
    import threading

    from benchmarks.measure import fetch

    class CutShort(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            self.wfile.write(b"<html>")  # then the connection closes

        def log_message(self, *args) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), CutShort)
    threading.Thread(target=server.handle_request, daemon=True).start()
    try:
        assert fetch(f"http://127.0.0.1:{server.server_address[1]}/", timeout=5) is None
    finally:
        server.server_close()


def test_targets_table_has_issue_20_template_edit_and_real_content_rows():
    from benchmarks.report import Cell, targets_table
    results = {("cold", 5000, "ours"): Cell([10.0, 11.0]), ("cold", 5000, "hugo"): Cell([12.0]),
               ("layout", 5000, "ours"): Cell([5.0]), ("shortcode", 5000, "ours"): Cell([10.5, 12.0]),
               ("real_page", 0, "ours"): Cell([0.0046, 0.0051], note="CPU 4.4 ms, 420 pages")}
    rows = {line.split(" | ")[0].lstrip("| "): line for line in targets_table(results, [5000]).splitlines()}
    layout = rows["rebuild after editing the page template at most a cold build (5,000 pages)"]
    assert "5.00 s vs cold 10.00 s: 0.50x" in layout and layout.endswith("| yes |")
    shortcode = rows["rebuild after editing the shortcode template every page uses at most a cold build (5,000 pages)"]
    assert "10.50 s vs cold 10.00 s: 1.05x" in shortcode and shortcode.endswith("| no |")
    real = rows["real-content corpus: cold build at most 5 ms a page on one core (whole process, wall)"]
    assert "4.6 ms a page (CPU 4.4 ms, 420 pages)" in real and real.endswith("| yes |")
    assert rows["cold full build at most 0.5x Hugo's (5,000 pages)"].endswith("| no |")
    # without the real corpus (--skip-real) there is no row for it
    del results[("real_page", 0, "ours")]
    assert "real-content" not in targets_table(results, [5000])
