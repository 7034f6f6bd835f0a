"""What a build returns: its report, its counts and timings, and the files it made.
Its own module: the full build (build.py) and the preview's fast path (incremental.py)
both return one, and neither imports the other for it."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from .build_state import BuildState
from .diagnostics import Report


@dataclass
class BuildResult:
    report: Report
    output: Path
    pages: int = 0
    redirects: int = 0
    files: int = 0
    seconds: float = 0.0
    written: bool = False
    rendered: int = 0  # page bodies rendered (not taken from the cache)
    files_written: int = 0  # files actually written (unchanged ones are left alone)
    stages: dict[str, float] = field(default_factory=dict)  # seconds per pipeline stage
    peak_rss: dict[str, int] = field(default_factory=dict)  # bytes: this process's peak so far, after each stage
    # every file, by site path: planned in memory (write=False), else read from the published
    # site; empty when a build that was to publish failed
    outputs: Mapping[str, bytes] = field(default_factory=dict)
    state: BuildState | None = None  # when asked for (`keep_state`) and every stage ran
