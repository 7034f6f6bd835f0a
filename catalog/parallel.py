"""Runs a pure per-page task on every core.

Workers are forked after the site model is built, so they inherit it (and the theme,
the Markdown parser, the bodies) without pickling anything: only page indexes go out
and rendered results come back, in order, as they are done (`imap_indexed`), so the
caller can write each one away instead of holding every result at once. Small jobs
stay in-process, where starting workers would cost more than it saves.
"""
from __future__ import annotations

import gc
import multiprocessing
import os
import threading
from typing import Callable, Iterator, TypeVar

T = TypeVar("T")

# Fewer tasks than this render serially: forking costs a few tens of milliseconds.
MIN_PARALLEL = 64
# The most tasks a worker runs before sending their results back: results of a chunk are
# held until it ends (in the worker, then in the pipe and the parent), so this bounds the
# memory of results in flight (large pages are ~100 kB), and costs ~0.1 ms per chunk.
MAX_CHUNK = 32

_task: Callable[[int], object] | None = None


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _start_worker(collect: bool) -> None:
    """The build pauses the cyclic collector (see build._cyclic_gc_paused), and a forked
    worker inherits that; but rendering a page leaves ~20 kB of reference cycles (template
    contexts, closures over the page's run), which a worker of a 20,000-page site would
    pile up by the hundred megabytes. So a worker collects again, over what it makes only:
    the inherited heap is frozen first, so the collector never scans (and never copies)
    the parent's pages. Tasks that leave no cycles say `collect=False`: parsing a large
    plugins-index file makes ~10^5 objects that live until the chunk's results go back,
    and the collector would walk them again and again for nothing (~10% of that CPU)."""
    gc.freeze()
    if collect:
        gc.enable()


def _run_chunk(indexes: range) -> list[object]:
    assert _task is not None
    return [_task(index) for index in indexes]


def map_indexed(task: Callable[[int], T], count: int, jobs: int | None = None,
                min_parallel: int = MIN_PARALLEL, collect: bool = True) -> list[T]:
    """[task(0), ..., task(count - 1)], computed by `jobs` forked workers when worth it
    (`min_parallel` tasks or more: fewer, heavier tasks can be worth a fork too).
    `collect=False` when the task makes no reference cycles (see _start_worker)."""
    return list(imap_indexed(task, count, jobs, min_parallel, collect))


def imap_indexed(task: Callable[[int], T], count: int, jobs: int | None = None,
                 min_parallel: int = MIN_PARALLEL, collect: bool = True) -> Iterator[T]:
    """task(0), ..., task(count - 1) in order, each as soon as it (and those before it) is
    done; computed by `jobs` forked workers when worth it."""
    global _task
    jobs = default_jobs() if jobs is None else jobs
    if jobs <= 1 or count < min_parallel or "fork" not in multiprocessing.get_all_start_methods():
        for index in range(count):
            yield task(index)
            if index % MAX_CHUNK == MAX_CHUNK - 1 and not gc.isenabled():
                gc.collect(0)  # the cycles the last pages left (see _start_worker); survivors are not rescanned
        return
    # contiguous chunks: neighbouring pages share sidebar branches a worker has memoised;
    # a short list of heavy tasks (plugins-index files) is split finer, to keep both cores busy
    size = min(MAX_CHUNK, max(1 if count < MIN_PARALLEL else 8, -(-count // (jobs * 8))))
    chunks = [range(start, min(start + size, count)) for start in range(0, count, size)]
    # at most a few chunks in flight: the pool would otherwise hand out every chunk at once
    # and queue results in the parent for as long as it is slower than the workers
    in_flight = threading.BoundedSemaphore(2 * jobs)
    stopped = threading.Event()

    def handed_out() -> Iterator[range]:  # runs in the pool's task thread
        for chunk in chunks:
            while not in_flight.acquire(timeout=0.1):
                if stopped.is_set():
                    return
            yield chunk

    _task = task
    try:
        with multiprocessing.get_context("fork").Pool(jobs, initializer=_start_worker, initargs=(collect,)) as pool:
            for part in pool.imap(_run_chunk, handed_out(), chunksize=1):
                in_flight.release()
                yield from part  # type: ignore[misc]
    finally:
        stopped.set()
        _task = None
