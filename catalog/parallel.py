"""Runs a pure per-page task on every core.

Workers are forked after the site model is built, so they inherit it (and the theme,
the Markdown parser, the bodies) without pickling anything: only page indexes go out
and rendered results come back, in order. Small jobs stay in-process, where starting
workers would cost more than it saves.
"""
from __future__ import annotations

import multiprocessing
import os
from typing import Callable, TypeVar

T = TypeVar("T")

# Fewer tasks than this render serially: forking costs a few tens of milliseconds.
MIN_PARALLEL = 64

_task: Callable[[int], object] | None = None


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _run_chunk(indexes: range) -> list[object]:
    assert _task is not None
    return [_task(index) for index in indexes]


def map_indexed(task: Callable[[int], T], count: int, jobs: int | None = None,
                min_parallel: int = MIN_PARALLEL) -> list[T]:
    """[task(0), ..., task(count - 1)], computed by `jobs` forked workers when worth it
    (`min_parallel` tasks or more: fewer, heavier tasks can be worth a fork too)."""
    global _task
    jobs = default_jobs() if jobs is None else jobs
    if jobs <= 1 or count < min_parallel or "fork" not in multiprocessing.get_all_start_methods():
        return [task(index) for index in range(count)]
    # contiguous chunks: neighbouring pages share sidebar branches a worker has memoised
    size = max(1 if count < MIN_PARALLEL else 8, -(-count // (jobs * 8)))
    chunks = [range(start, min(start + size, count)) for start in range(0, count, size)]
    _task = task
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            parts = pool.map(_run_chunk, chunks, chunksize=1)
    finally:
        _task = None
    return [result for part in parts for result in part]  # type: ignore[misc]
