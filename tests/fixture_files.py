"""Fixture files in markdown-it-py's format (`title / . / input / . / expected / .`), read
with its own reader, for the Markdown and the shortcode fixture tests."""
from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from markdown_it.utils import read_fixture_file


class Fixture(NamedTuple):
    path: Path
    line: int  # 1-based line of the title
    title: str
    source: str
    expected: str


def read_fixtures(path: Path) -> list[Fixture]:
    # read_fixture_file gives the 0-based line of the '.' after the title: the title's 1-based line
    return [Fixture(path, line, title, source, expected) for line, title, source, expected in read_fixture_file(path)]
