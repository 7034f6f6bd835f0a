"""Markdown renders kept between builds (catalog/markdown_memo.py).

An edit every body depends on (a shortcode template, the configuration) renders every
page again, but the Markdown of a page, rendered with its shortcodes as placeholders, is
the same text as before: its render is taken from the memo. What a writer relies on: the
site is byte for byte what a cold build makes, whatever the memo holds; a render that
depended on a shortcode's output (a placeholder inside a code block) is never reused; a
damaged, foreign or stale memo file costs only the head start.
"""
from __future__ import annotations

import pickle
import zlib
from pathlib import Path

import pytest

from catalog import pulldown
from catalog.cli import MARKDOWN_FILE, main
from catalog.markdown_memo import MIN_TEXT, MarkdownMemo

FILLER = " ".join(["Lifecycle operations run on every node instance of the deployment."] * 20)
LONG = f"## Overview\n\n{FILLER}\n\n{{{{% note %}}}}\nA *callout* body.\n{{{{% /note %}}}}\n\n{FILLER}\n"
# a shortcode inside a code block: the block's text is the shortcode's output, so this
# page's Markdown render depends on what {{< param product >}} writes
IN_CODE = f"## Install\n\n{FILLER}\n\n```sh\ninstall {{{{< param product >}}}}\n```\n\n{FILLER}\n"
CONFIG = 'title = "Memo"\nbase_url = "https://x.org/"\n[params]\nproduct = "{product}"\n'
NOTE = '<aside class="note">{{ inner.html }}</aside>\n'


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def cli_build(root: Path, *extra: str) -> None:
    assert main(["build", "--project", str(root), "--jobs", "1", *extra]) == 0


@pytest.fixture
def site(make_site):
    root = make_site({
        "layouts/shortcodes/note.html": NOTE,
        "content/_index.md": "---\ntitle: Home\n---\nHome.\n",
        "content/long.md": f"---\ntitle: Long\n---\n{LONG}",
        "content/code.md": f"---\ntitle: Code\n---\n{IN_CODE}",
    }, CONFIG.format(product="Alpha")).root
    assert len(LONG) > MIN_TEXT and len(IN_CODE) > MIN_TEXT
    return root


@pytest.fixture
def renders(monkeypatch):
    """The texts pulldown renders (the memo answers before it is called)."""
    seen: list[str] = []
    real = pulldown.render

    def counting(text, *args, **kwargs):
        seen.append(text)
        return real(text, *args, **kwargs)

    monkeypatch.setattr(pulldown, "render", counting)
    return seen


def long_renders(seen: list[str]) -> list[str]:
    return [text for text in seen if len(text) > MIN_TEXT]


def test_a_shortcode_template_edit_takes_page_markdown_from_the_memo(site, tmp_path, renders):
    cli_build(site)
    assert len(long_renders(renders)) == 2  # both pages rendered once
    (site / "layouts/shortcodes/note.html").write_text(NOTE.replace("note", "note edited"))
    renders.clear()
    cli_build(site)
    # every body was rendered again (the template changed), but long.md's Markdown was not
    assert [text for text in long_renders(renders) if "Overview" in text] == []
    built = tree(site / "public")
    assert 'class="note edited"' in built["long/index.html"].decode()
    cli_build(site, "--no-cache", "--out", str(tmp_path / "cold"))
    assert built == tree(tmp_path / "cold")


def test_a_render_that_read_a_shortcode_output_is_rendered_again(site, tmp_path, renders):
    cli_build(site)
    assert "</span>Alpha\n</code>" in (site / "public/code/index.html").read_text()
    (site / "site.toml").write_text(CONFIG.format(product="Beta"))
    renders.clear()
    cli_build(site)
    page = (site / "public/code/index.html").read_text()
    assert "</span>Beta\n</code>" in page and "Alpha" not in page
    assert [text for text in long_renders(renders) if "Install" in text]  # not taken from the memo
    cli_build(site, "--no-cache", "--out", str(tmp_path / "cold"))
    assert tree(site / "public") == tree(tmp_path / "cold")


def test_the_memo_keeps_only_what_the_sites_bodies_use(site):
    cli_build(site)
    memo = MarkdownMemo.load(site / MARKDOWN_FILE)
    assert len(memo.renders) == 1  # long.md's; code.md's depends on a shortcode's output
    (site / "content/long.md").write_text(f"---\ntitle: Long\n---\n{LONG.replace('Overview', 'Summary')}")
    cli_build(site)
    after = MarkdownMemo.load(site / MARKDOWN_FILE)
    assert len(after.renders) == 1 and after.renders.keys() != memo.renders.keys()
    (site / "content/long.md").unlink()
    cli_build(site)
    assert MarkdownMemo.load(site / MARKDOWN_FILE).renders == {}


def test_a_no_change_build_does_not_rewrite_the_memo(site):
    cli_build(site)
    before = (site / MARKDOWN_FILE).stat().st_mtime_ns
    cli_build(site)
    assert (site / MARKDOWN_FILE).stat().st_mtime_ns == before


@pytest.mark.parametrize("content", [b"", b"not a pickle", pickle.dumps({"format": 1, "code": "x", "renders": {}}),
                                     pickle.dumps([1, 2, 3])], ids=["empty", "text", "other code", "list"])
def test_a_damaged_or_foreign_memo_file_only_costs_the_head_start(site, tmp_path, renders, content):
    cli_build(site)
    (site / MARKDOWN_FILE).write_bytes(content)
    (site / "layouts/shortcodes/note.html").write_text(NOTE.replace("note", "other"))
    renders.clear()
    cli_build(site)
    assert [text for text in long_renders(renders) if "Overview" in text]  # rendered, not taken
    cli_build(site, "--no-cache", "--out", str(tmp_path / "cold"))
    assert tree(site / "public") == tree(tmp_path / "cold")
    assert len(MarkdownMemo.load(site / MARKDOWN_FILE).renders) == 1  # and written again, whole


def test_a_memo_file_of_other_code_is_not_used(site, monkeypatch):
    cli_build(site)
    assert MarkdownMemo.load(site / MARKDOWN_FILE).renders
    monkeypatch.setattr("catalog.markdown_memo._code_key", lambda: "another version")
    assert MarkdownMemo.load(site / MARKDOWN_FILE).renders == {}


def test_a_kept_render_is_what_rendering_again_writes():
    from catalog.markdown import Markdown
    text = "## Heading\n\n```python\nprint('x')\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n" + FILLER
    fresh = Markdown()
    expected, problems = fresh.render(text), fresh.last_problems
    memo = MarkdownMemo()
    first = Markdown()
    first.memo = memo
    assert first.render(text) == expected
    used, made = memo.take()
    assert len(used) == 1 and len(made) == 1
    again = Markdown()
    again.memo = pickle.loads(pickle.dumps(MarkdownMemo(dict(made))))  # as a render worker gets it
    assert again.render(text) == expected and again.last_problems == problems
    assert again.memo.take() == (used, ())  # used, nothing made
    # the dialect is part of the key: the same text as kramdown is rendered, not taken
    again.render(text, kramdown=True)
    assert again.memo.take()[1]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_memo_file_damaged_inside_a_render_is_rendered_again_and_repaired(site, tmp_path, renders, jobs):
    """A flipped byte inside a render's compressed HTML leaves the pickle readable: the
    render fails its check when used. Found by review: a traceback (zlib.error) instead of
    the build; and with render workers (enough pages), the render made again was not
    saved, so every later build rendered that page's Markdown again."""
    if jobs != "1":  # enough pages for the render workers (parallel.MIN_PARALLEL)
        for number in range(70):
            (site / f"content/many/p{number}.md").parent.mkdir(exist_ok=True)
            (site / f"content/many/p{number}.md").write_text(f"---\ntitle: P{number}\n---\nShort {number}.\n")
    cli_build(site)
    stored = pickle.loads((site / MARKDOWN_FILE).read_bytes())
    key, (packed, problems) = next(iter(stored["renders"].items()))
    damaged = bytearray(packed)
    damaged[len(damaged) // 2] ^= 0xFF
    stored["renders"][key] = (bytes(damaged), problems)
    (site / MARKDOWN_FILE).write_bytes(pickle.dumps(stored))
    (site / "layouts/shortcodes/note.html").write_text(NOTE.replace("note", "other"))
    assert main(["build", "--project", str(site), "--jobs", jobs]) == 0
    cli_build(site, "--no-cache", "--out", str(tmp_path / "cold"))
    assert tree(site / "public") == tree(tmp_path / "cold")
    # the file holds the good render again, under the same key
    assert zlib.decompress(MarkdownMemo.load(site / MARKDOWN_FILE).renders[key][0])
    (site / "layouts/shortcodes/note.html").write_text(NOTE.replace("note", "third"))
    renders.clear()
    cli_build(site)  # in this process: the next environment change takes the render from the memo
    assert [text for text in long_renders(renders) if "Overview" in text] == []
