"""The benchmark's own tools, where a mistake would skew every figure."""
from __future__ import annotations

from pathlib import Path

from benchmarks.measure import discard, keep_trash_in


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
