"""A diagnostic printed in a terminal shows the source line it points at, with a caret under
its column (issue 16): columns as the diagnostics count them, tabs, wide characters, long
lines, escapes, and every case where there is nothing sure to show."""
from __future__ import annotations

import argparse
import os
import random
import string
import threading
import time
from pathlib import Path

import pytest

from catalog.check import add_check_arguments, run_check
from catalog.cli import main
from catalog.diagnostics import Diagnostic
from catalog.excerpts import MAX_WIDTH, SourceExcerpts, render
from catalog.serve.epochs import PreviewSite
from conftest import write_files


def at(path: str, line: int, col: int) -> Diagnostic:
    return Diagnostic(path, line, col, "error", "ref-not-found", "page reference \"x.md\" not found", "fix it")


def excerpt(tmp_path: Path, text: str | bytes, line: int, col: int) -> str:
    # bytes: write_files would dedent a text, and the leading tabs are what is tested
    write_files(tmp_path, {"content/a.md": text.encode() if isinstance(text, str) else text})
    return SourceExcerpts(tmp_path).excerpt(at("content/a.md", line, col))


def caret_column(shown: str) -> int:
    """The terminal column (0-based) of the first caret."""
    return shown.split("\n")[1].index("^")


# -- what a build prints ------------------------------------------------------------------

def test_build_prints_the_line_and_a_caret_between_the_problem_and_its_hint(make_site, capsys):
    site = make_site({"content/a.md": '---\ntitle: A\n---\n\nsee {{< relref "nope.md" >}} here\n'})
    assert main(["build", "--project", str(site.root)]) == 1
    err = capsys.readouterr().err
    assert ('content/a.md:5:5: error: page reference "nope.md" not found [ref-not-found]\n'
            '    5 | see {{< relref "nope.md" >}} here\n'
            '      |     ^\n'
            '    hint: ') in err


def test_the_machine_readable_form_of_a_diagnostic_has_no_excerpt(make_site):
    site = make_site({"content/a.md": '---\ntitle: A\n---\nsee {{< relref "nope.md" >}}\n'})
    [diagnostic] = site.build().report.sorted()
    assert diagnostic.format().count("\n") == 1  # the problem and its hint: Diagnostic itself is unchanged
    assert SourceExcerpts(site.root).format(diagnostic).count("\n") == 3


def test_the_preview_prints_the_excerpt_of_a_failed_rebuild(make_site):
    site = make_site({"content/a.md": "---\ntitle: A\n---\n{{% note %}}\nnever closed\n"})
    said: list[str] = []
    PreviewSite(site.root, say=said.append).rebuild()
    [shown] = [line for line in said if "[shortcode-unclosed]" in line]
    assert "\n    4 | {{% note %}}\n      | ^\n    hint: " in shown


def test_check_prints_the_line_of_the_built_page(make_site, capsys, monkeypatch):
    site = make_site({"content/_index.md": "---\ntitle: Home\n---\nHome.\n"})
    assert site.build().written
    page = site.root / "public" / "index.html"
    lines = page.read_text(encoding="utf-8").split("\n")
    at_line = next(i for i, line in enumerate(lines) if line.startswith("<main")) + 1
    lines.insert(at_line, '<p><a href="/no-such-page/">x</a></p>')
    page.write_text("\n".join(lines), encoding="utf-8")
    monkeypatch.chdir(site.root)
    parser = argparse.ArgumentParser()
    add_check_arguments(parser)
    assert run_check(parser.parse_args(["public"])) == 1
    out = capsys.readouterr().out
    number = at_line + 1
    assert (f"public/index.html:{number}:13: error: " in out
            and f"\n{number:>5} | <p><a href=\"/no-such-page/\">x</a></p>\n      |             ^\n" in out), out


# -- columns -----------------------------------------------------------------------------

def test_a_tab_is_one_column_of_the_diagnostic_and_four_spaces_on_screen(tmp_path):
    shown = excerpt(tmp_path, "\tx\t{{< ref >}}\n", 1, 4)  # tab, x, tab, '{'
    assert shown == "    1 |     x    {{< ref >}}\n      |          ^"
    assert "\t" not in shown


def test_the_build_and_the_caret_count_a_tab_the_same_way(make_site, capsys):
    site = make_site({"content/a.md": '---\ntitle: A\n---\n\t- see {{< ref "nope.md" >}}\n'})
    assert main(["build", "--project", str(site.root)]) == 1
    err = capsys.readouterr().err
    assert 'content/a.md:4:8: error' in err
    assert '    4 |     - see {{< ref "nope.md" >}}\n      |           ^\n' in err


def test_wide_characters_take_two_columns(tmp_path):
    shown = excerpt(tmp_path, "見出し {{< ref >}}\n", 1, 5)
    assert caret_column(shown) == len("      | ") + 2 * 3 + 1


def test_crlf_and_a_byte_order_mark_count_as_the_build_counts_them(tmp_path):
    shown = excerpt(tmp_path, "\ufeffone\r\ntwo {{< x >}}\r\nthree\r\n".encode(), 2, 5)
    assert shown == "    2 | two {{< x >}}\n      |     ^"
    assert "\r" not in shown


def test_a_column_just_past_the_end_of_the_line_points_after_it(tmp_path):
    assert excerpt(tmp_path, "abc\n", 1, 4) == "    1 | abc\n      |    ^"


def test_an_unknown_or_impossible_column_shows_the_line_without_a_caret(tmp_path):
    assert excerpt(tmp_path, "abc\n", 1, 0) == "    1 | abc"
    assert excerpt(tmp_path, "abc\n", 1, 9) == "    1 | abc"


def test_the_line_number_gutter_grows_with_the_number():
    assert render("x", 123456, 1) == "123456 | x\n       | ^"


# -- long lines --------------------------------------------------------------------------

def test_a_long_line_is_cut_around_the_column(tmp_path):
    line = "a" * 300 + "TARGET" + "b" * 300
    source, carets = excerpt(tmp_path, line + "\n", 1, 301).split("\n")
    text = source[len("    1 | "):]
    assert text.startswith("...") and text.endswith("...")
    assert len(text) <= MAX_WIDTH
    assert text[carets.index("^") - len("      | "):].startswith("TARGET")


def test_a_long_line_with_the_column_near_its_start_keeps_its_start(tmp_path):
    source, carets = excerpt(tmp_path, "see " + "x" * 500 + "\n", 1, 5).split("\n")
    assert source.startswith("    1 | see xxx") and source.endswith("...")
    assert len(source) <= len("    1 | ") + MAX_WIDTH
    assert carets == "      |     ^"


def test_a_long_line_of_wide_characters_stays_within_the_width(tmp_path):
    source, carets = excerpt(tmp_path, "字" * 400 + "\n", 1, 200).split("\n")
    text = source[len("    1 | "):]
    assert sum(2 if char == "字" else 1 for char in text) <= MAX_WIDTH
    column = carets.index("^") - len("      | ")
    assert carets.endswith("^^")  # under the whole of the wide character
    assert text[:3] == "..." and (column - 3) % 2 == 0


def test_the_caret_stands_under_its_character_on_any_line():
    """Lines of letters, tabs, escapes and wide characters, long and short: the shown text
    stays within MAX_WIDTH columns and the caret is under the character it names."""
    rng = random.Random(2)
    shown_as = {"\t": "    ", "\x1b": "\\x1b"}
    for _ in range(2000):
        line = "".join(rng.choice(string.ascii_letters + "\t\x1b字") for _ in range(rng.randint(1, 400)))
        col = rng.randint(1, len(line))
        source, carets = render(line, 5, col).split("\n")
        text, pad = source[len("    5 | "):], carets.index("^") - len("      | ")
        columns = [2 if char == "字" else 1 for char in text]
        assert sum(columns) <= MAX_WIDTH
        at_caret, width = 0, 0
        while width < pad:
            width += columns[at_caret]
            at_caret += 1
        assert width == pad, (line, col)
        char = line[col - 1]
        if char == "\t" and not text[at_caret:].strip():
            continue  # a tab at the end of the line: trailing spaces are not printed
        assert text[at_caret:].startswith(shown_as.get(char, char)), (line, col)


def test_a_megabyte_long_line_costs_what_a_short_one_does():
    started = time.perf_counter()
    source, carets = render("a" * 2_000_000 + "TARGET" + "b" * 2_000_000, 1, 2_000_001).split("\n")
    assert time.perf_counter() - started < 0.5  # only the characters that can be shown are looked at
    assert source[carets.index("^"):].startswith("TARGET") and len(source) <= len("    1 | ") + MAX_WIDTH


# -- escapes -----------------------------------------------------------------------------

def test_escape_sequences_in_the_line_are_shown_as_escapes_and_counted(tmp_path):
    shown = excerpt(tmp_path, "\x1b[2J\u202e{{< x >}}\x07\n", 1, 6)  # ESC [ 2 J RLO '{'
    assert shown == "    1 | \\x1b[2J\\u202e{{< x >}}\\x07\n      |              ^"
    assert not any(ord(char) < 0x20 and char != "\n" or 0x7f <= ord(char) <= 0x9f or char == "\u202e"
                   for char in shown)


def test_the_caret_under_an_escaped_character_covers_its_escape(tmp_path):
    assert excerpt(tmp_path, "a\x1bb\n", 1, 2) == "    1 | a\\x1bb\n      |  ^^^^"


# -- nothing sure to show ----------------------------------------------------------------

@pytest.mark.parametrize("line", [0, 3, 99])
def test_no_line_or_a_line_past_the_end_shows_nothing(tmp_path, line):
    assert excerpt(tmp_path, "one\ntwo\n", line, 1) == ""


def test_a_missing_binary_or_non_utf8_file_shows_nothing(tmp_path):
    write_files(tmp_path, {"content/bin.md": b"abc\x00def\n", "content/latin.md": b"caf\xe9\n",
                           "content/dir/x.md": "x\n"})
    sources = SourceExcerpts(tmp_path)
    for name in ["content/gone.md", "content/bin.md", "content/latin.md", "content/dir", "", "catalog"]:
        diagnostic = at(name, 1, 1)
        assert sources.format(diagnostic) == diagnostic.format(), name


def test_a_file_outside_the_project_is_not_shown(tmp_path):
    write_files(tmp_path, {"secret.txt": "password\n", "project/site.toml": "x\n"})
    sources = SourceExcerpts(tmp_path / "project")
    assert sources.excerpt(at("../secret.txt", 1, 1)) == ""
    assert sources.excerpt(at(str(tmp_path / "secret.txt"), 1, 1)) == ""
    assert sources.excerpt(at("site.toml", 1, 1)) == "    1 | x\n      | ^"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_named_by_a_diagnostic_is_not_waited_on(tmp_path):
    os.mkfifo(tmp_path / "pipe.md")
    done: list[str] = []
    reader = threading.Thread(target=lambda: done.append(SourceExcerpts(tmp_path).excerpt(at("pipe.md", 1, 1))),
                              daemon=True)
    reader.start()
    reader.join(5)
    assert done == [""]


def test_each_file_is_read_once_and_only_when_printed(tmp_path):
    sources = SourceExcerpts(tmp_path)  # made before the file: nothing is read up front
    write_files(tmp_path, {"content/a.md": "first\nsecond\n"})
    assert sources.excerpt(at("content/a.md", 1, 1)) == "    1 | first\n      | ^"
    (tmp_path / "content/a.md").write_text("changed\n", encoding="utf-8")
    assert sources.excerpt(at("content/a.md", 2, 1)) == "    2 | second\n      | ^"  # the lines read before
