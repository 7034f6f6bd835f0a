"""Where a project's configuration comes from: its `site.toml`, else the configuration of
the Hugo or Jekyll site it is (read by `hugo` and `jekyll` into the same site.toml-shaped
values, validated by config.config_from_values), so `catalog build` runs in an existing
Hugo or Jekyll project as it is."""
from __future__ import annotations

from pathlib import Path

from ..config import CONFIG_NAME, SiteConfig, config_from_values, load_config
from ..diagnostics import Report
from . import hugo, jekyll
from .common import ForeignConfig

READERS = {"hugo": hugo, "jekyll": jekyll}


def detect(project: Path) -> str | None:
    """'hugo' or 'jekyll' for a project without site.toml whose own configuration is there."""
    for name, reader in READERS.items():
        if reader.found(project):
            return name
    return None


def read_foreign(project: Path, kind: str, report: Report) -> ForeignConfig | None:
    """The Hugo or Jekyll configuration of `project` as site.toml values (None: unreadable, reported)."""
    return READERS[kind].read(project, report)


def load_project_config(project: Path, report: Report) -> SiteConfig | None:
    """site.toml when there is one, else the project's Hugo or Jekyll configuration."""
    kind = None if (project / CONFIG_NAME).exists() else detect(project)
    if kind is None:
        return load_config(project, report)
    foreign = read_foreign(project, kind, report)
    if foreign is None:
        return None
    foreign.warn_unused(report)
    return config_from_values(foreign.values, foreign.source, foreign.locate, report)


# the project-level names whose change changes the configuration (the preview's watcher)
CONFIG_NAMES = frozenset({CONFIG_NAME, *hugo.CONFIG_FILES, hugo.CONFIG_DIR, *jekyll.CONFIG_FILES})


__all__ = ["CONFIG_NAMES", "ForeignConfig", "detect", "load_project_config", "read_foreign"]
