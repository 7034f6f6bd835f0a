"""Shared test helpers: whole sites written inline as {path: text}, built with the real theme."""
from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Callable

import pytest

from benchmarks.realcorpus import SHARED  # noqa: F401 (../shared/, for the tests that read it)
from catalog.build import BuildResult, build

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = 'title = "Test site"\nbase_url = "https://docs.example.org/"\n'


def write_files(root: Path, files: dict[str, str | bytes]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


class SiteBuilder:
    """A project folder in tmp_path that uses the repository's real default theme."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def write(self, files: dict[str, str | bytes]) -> "SiteBuilder":
        write_files(self.root, files)
        return self

    def build(self, **options) -> BuildResult:
        return build(self.root, **options)

    def read(self, rel: str) -> str:
        return (self.root / "public" / rel).read_text(encoding="utf-8")

    def exists(self, rel: str) -> bool:
        return (self.root / "public" / rel).exists()

    def messages(self, result: BuildResult) -> list[str]:
        return [d.format() for d in result.report.sorted()]


@pytest.fixture
def make_site(tmp_path: Path) -> Callable[..., SiteBuilder]:
    """make_site({path: text}, config=...) -> a project ready to build."""

    def make(files: dict[str, str | bytes], config: str = DEFAULT_CONFIG) -> SiteBuilder:
        root = tmp_path / "site"
        root.mkdir(exist_ok=True)
        (root / "themes").mkdir(exist_ok=True)
        theme_link = root / "themes" / "default"
        if not theme_link.exists():
            theme_link.symlink_to(REPO / "themes" / "default", target_is_directory=True)
        write_files(root, {"site.toml": config, **files})
        return SiteBuilder(root)

    return make


def build_ok(builder: SiteBuilder, **options) -> BuildResult:
    """Build and fail the test with every diagnostic when the build reports any problem."""
    result = builder.build(**options)
    assert not result.report.items, "\n".join(builder.messages(result))
    assert result.written
    return result


# -- figures: numbers a test measured (load, kill points), shown after the run ------------------

_FIGURES: list[str] = []


@pytest.fixture
def figures() -> Callable[[str], None]:
    """show(line): print a measured figure (seen with -s) and repeat it in the terminal summary."""

    def show(line: str) -> None:
        print(line)
        _FIGURES.append(line)

    return show


def pytest_terminal_summary(terminalreporter) -> None:
    if _FIGURES:
        terminalreporter.section("figures")
        for line in _FIGURES:
            terminalreporter.write_line(line)
