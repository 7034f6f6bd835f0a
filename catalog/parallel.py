"""Runs a pure per-page task on every core, in one of two ways.

`imap_indexed` forks workers once the model is built, so they inherit it (the site, the
theme, the Markdown parser) without pickling anything: only indexes go out. But a worker
writes the reference count of every inherited object it reads, and the kernel then
copies the memory page holding it; once this process writes such a page too (freeing
what it no longer needs, counting references), that page is held three times. Fine for
a few hundred tasks (the plugin catalog); for a large site, a copy of most of the model
per process (20,000 pages: workers of ~180 MB each).

`Workers` are forked before the model is made, so they share only what was there then
(the interpreter, the imported modules), and are sent their work: pickled once, holding
what every task needs, while each task brings its own data (a page's Markdown). A site
model in each worker (~45 MB at 20,000 pages), but nothing of this process to copy.

Either way results come back in order, as they are done, so the caller can write each
one away instead of holding every result at once; small jobs stay in-process, where
starting workers would cost more than it saves.

Stopping: the workers are this process's to stop (`_enter_worker`). A Ctrl-C or a SIGTERM
reaches this process only, which stops handing out work and terminates the pool; a worker
never outlives it.
"""
from __future__ import annotations

import contextlib
import ctypes
import functools
import gc
import itertools
import os
import pickle
import signal
import sys
import tempfile
import threading
from typing import Any, Callable, Iterable, Iterator, TypeVar

from . import interrupts

T = TypeVar("T")
R = TypeVar("R")

# Fewer tasks than this render serially: forking costs a few tens of milliseconds.
MIN_PARALLEL = 64
# The most tasks a worker runs before sending their results back: results of a chunk are
# held until it ends (in the worker, then in the pipe and the parent), so this bounds the
# memory of results in flight (large pages are ~100 kB), and costs ~0.1 ms per chunk.
MAX_CHUNK = 32

_task: Callable[[int], object] | None = None
_work: Callable[[Any], object] | None = None  # in a worker of Workers: the work it was last sent
_loaded: Any = None  # in a worker of Workers: a barrier that all of them reach once they have loaded the work
_STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}
_PR_SET_PDEATHSIG = 1


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _start_pool(jobs: int, initializer: Callable[..., None], initargs: tuple[Any, ...] = ()) -> Any:
    """A pool of `jobs` forked workers, each starting with `_enter_worker`, then `initializer(*initargs)`."""
    import multiprocessing  # here, as below: a build that renders nothing forks nothing (issue 20)
    context = multiprocessing.get_context("fork")
    # forked with SIGINT and SIGTERM blocked (a child inherits the mask of the thread that forks
    # it; so do the pool's threads, which fork replacements), until the worker has set its own
    # handlers: one arriving in between would otherwise run this process's handler there
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
    try:
        return _quiet_pool_class()(jobs, initializer=initializer, initargs=(os.getpid(), *initargs), context=context)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)


@functools.cache
def _quiet_pool_class() -> type:
    """multiprocessing's Pool, with a worker-handler thread that wakes only when there is
    something for it to do. The standard one also waits on the results pipe, which is
    readable from the moment a worker sends a result until the result thread has read it:
    the handler wakes, rescans the workers and waits again, over and over (a seventh of this
    process's CPU in a cold 5,000-page build, and the GIL taken from the thread writing
    pages). What it must notice still wakes it: a worker's exit (its sentinel), and the
    pool's notifier, which close(), terminate() and the task cache's emptying write to.
    (multiprocessing.pool.ThreadPool waits on the notifier alone too.)"""
    from multiprocessing.pool import Pool

    class QuietPool(Pool):
        def _get_sentinels(self) -> list[Any]:
            return [self._change_notifier._reader]  # type: ignore[attr-defined]

    return QuietPool


def _stop_pool(pool: Any, stopped: threading.Event) -> None:
    """Terminate `pool` (whatever its workers are doing); `stopped` tells the pool's task thread,
    which may be waiting in `_in_order` for a place in flight, to hand out nothing more."""
    stopped.set()
    with interrupts.deferred():  # a second Ctrl-C must not leave the pool half stopped
        pool.terminate()


def _enter_worker(parent: int) -> None:
    """First thing in a forked worker: it stops when its pool stops it, and only then.

    It dies with its parent (which a SIGKILL ends without stopping anything) instead of
    waiting for tasks forever. Where it can (Linux), it then also leaves the parent's process
    group, so a Ctrl-C at the terminal or a SIGTERM to the whole group (a cancelled CI job,
    `timeout`) reaches the parent alone, which stops the pool in order: a worker killed by
    it while waiting for a task would die holding the pool's queue lock, which
    Pool.terminate then waits for forever. SIGTERM, the pool's way to end a worker, gets its
    default action back, whatever handler the parent had (the preview server's, which only
    notes a stop request, kept workers alive through terminate); SIGINT is ignored."""
    if _die_with_parent():
        if os.getppid() != parent:  # the parent died before that took effect
            os._exit(1)
        with contextlib.suppress(OSError):
            os.setpgid(0, 0)
    # a SIGINT that came while blocked is dropped by SIG_IGN; a SIGTERM is kept, and ends the
    # worker when unblocked below: it may be the pool's terminate, which must not be lost (a
    # SIGTERM sent to the group before the setpgid ends a worker that holds no lock yet)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)


@contextlib.contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """A build allocates millions of objects that live until it ends (pages, nodes, bodies,
    plugin models). CPython's cyclic collector rescans them again and again as they pile
    up: 40-60% of a cold build's CPU time (5,000 pages: 18 s -> 6 s of rendering; the
    300-plugin catalog: 18 s -> 10 s), and in forked render workers it also touches every
    inherited page, defeating copy-on-write. The build makes little cyclic garbage, so the
    collector is paused for the build and left to catch up after (reference counting
    still frees everything else at once); peak memory stays the same."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _die_with_parent() -> bool:
    """Have the kernel SIGKILL this process when its parent ends (Linux); False where it cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        return ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL) == 0
    except (OSError, AttributeError):
        return False


def _start_worker(parent: int, collect: bool = True) -> None:
    """The build pauses the cyclic collector (cyclic_gc_paused), and a forked
    worker inherits that; but rendering a page leaves ~20 kB of reference cycles (template
    contexts, closures over the page's run), which a worker of a 20,000-page site would
    pile up by the hundred megabytes. So a worker collects again, over what it makes only:
    the inherited heap is frozen first, so the collector never scans (and never copies)
    the parent's pages. Tasks that leave no cycles say `collect=False`: parsing a large
    plugins-index file makes ~10^5 objects that live until the chunk's results go back,
    and the collector would walk them again and again for nothing (~10% of that CPU)."""
    _enter_worker(parent)
    gc.freeze()
    if collect:
        gc.enable()


def _run_chunk(indexes: range) -> list[object]:
    assert _task is not None
    return [_task(index) for index in indexes]


def _start_sent_worker(parent: int, loaded: Any) -> None:
    global _loaded
    _loaded = loaded
    _start_worker(parent)


def _load_work(path: str) -> None:
    global _work
    # the work holds a whole site model: tens of thousands of objects, which the collector
    # would otherwise scan again and again; it is loaded with the collector off, then frozen
    gc.disable()
    with open(path, "rb") as handle:
        _work = pickle.load(handle)
    gc.freeze()
    gc.enable()
    # a worker that loaded it waits for the others, so that none takes a second of these
    # tasks while another worker goes without
    _loaded.wait(timeout=600)


def _run_sent_chunk(items: list[Any]) -> bytes:
    assert _work is not None
    # pickled here and unpickled by Workers.imap, in the caller's thread: the pool unpickles
    # results in a thread of its own, which the C allocator serves from an arena of its own,
    # never reusing what the caller frees as it goes (a large site's Markdown: ~60 MB)
    return pickle.dumps([_work(item) for item in items], pickle.HIGHEST_PROTOCOL)


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
    import multiprocessing
    global _task
    jobs = default_jobs() if jobs is None else jobs
    if jobs <= 1 or count < min_parallel or "fork" not in multiprocessing.get_all_start_methods():
        yield from _in_process(task(index) for index in range(count))
        return
    # contiguous chunks: neighbouring pages share sidebar branches a worker has memoised
    size = _chunk_size(count, jobs)
    chunks = [range(start, min(start + size, count)) for start in range(0, count, size)]
    _task = task
    pool, stopped = None, threading.Event()
    try:
        with interrupts.deferred():  # an interrupt now comes once `pool` is set, to be stopped below
            pool = _start_pool(jobs, _start_worker, (collect,))
        for part in _in_order(pool, _run_chunk, chunks, jobs, stopped):
            yield from part
    finally:
        if pool is not None:
            _stop_pool(pool, stopped)
        _task = None


class Workers:
    """Worker processes that are sent their work (`imap`). `start` forks them: call it before
    making the data they will work on (a cold build does, before it loads the site). When
    `imap` has to fork them itself, later, they work the same but share (and so may come
    to hold copies of) more of this process."""

    def __init__(self, jobs: int | None = None) -> None:
        self.jobs = default_jobs() if jobs is None else jobs
        self._pool: Any = None
        self._stopped = threading.Event()

    def start(self) -> None:
        import multiprocessing
        if self._pool is None and self.jobs > 1 and "fork" in multiprocessing.get_all_start_methods():
            self._stopped = threading.Event()
            with interrupts.deferred():  # an interrupt now comes once `_pool` is set, for `close`
                barrier = multiprocessing.get_context("fork").Barrier(self.jobs)
                self._pool = _start_pool(self.jobs, _start_sent_worker, (barrier,))

    def close(self) -> None:
        if self._pool is not None:
            pool, self._pool = self._pool, None
            _stop_pool(pool, self._stopped)

    def __enter__(self) -> "Workers":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def imap(self, work: Callable[[T], R], items: Iterable[T], count: int,
             min_parallel: int = MIN_PARALLEL, ahead: int = 2) -> Iterator[R]:
        """work(item) for each of the `count` items, in order, each as soon as it (and those
        before it) is done; computed by the workers when worth it. `work` is pickled once
        (its pickled form is what every task needs: let it leave out what the items bring)
        and loaded once by each worker; `items` are pickled as they are handed out, so a
        generator of them is read only `ahead` chunks a worker ahead of the results (more
        when the caller keeps every result anyway: the workers then never wait for it)."""
        import multiprocessing
        if self.jobs <= 1 or count < min_parallel or "fork" not in multiprocessing.get_all_start_methods():
            yield from _in_process(work(item) for item in items)
            return
        self.start()
        # the workers exist already, so the work reaches them in a file, which each of them
        # loads before any item is handed out
        with tempfile.NamedTemporaryFile(prefix="catalog-work-", suffix=".pickle") as sent:
            pickle.dump(work, sent, pickle.HIGHEST_PROTOCOL)
            sent.flush()
            self._pool.map(_load_work, [sent.name] * self.jobs, chunksize=1)
        size = _chunk_size(count, self.jobs)
        source = iter(items)
        chunks = iter(lambda: list(itertools.islice(source, size)), [])
        for part in _in_order(self._pool, _run_sent_chunk, chunks, self.jobs, self._stopped, ahead):
            yield from pickle.loads(part)


def _in_process(results: Iterator[T]) -> Iterator[T]:
    for done, result in enumerate(results, 1):
        yield result
        if done % MAX_CHUNK == 0 and not gc.isenabled():
            gc.collect(0)  # the cycles the last tasks left (see _start_worker); survivors are not rescanned


def _chunk_size(count: int, jobs: int) -> int:
    # a short list of heavy tasks (plugins-index files) is split finer, to keep both cores busy
    return min(MAX_CHUNK, max(1 if count < MIN_PARALLEL else 8, -(-count // (jobs * 8))))


def _in_order(pool: Any, run: Callable[[Any], R], chunks: Iterable[Any], jobs: int,
              stopped: threading.Event, ahead: int = 2) -> Iterator[R]:
    """run(chunk) for each chunk, in order, until `stopped` is set (by whoever stops `pool`)."""
    # at most a few chunks in flight: the pool would otherwise hand out every chunk at once
    # and queue results in the parent for as long as it is slower than the workers.
    # The pool's task thread waits here for a place, and Pool.terminate waits for that thread:
    # `stopped` must be set by what stops the pool, not only when this generator is closed
    # (an interrupt raised in the caller's loop leaves it suspended, held by the traceback)
    in_flight = threading.BoundedSemaphore(ahead * jobs)
    abandoned = threading.Event()  # this generator was closed before its end

    def handed_out() -> Iterator[Any]:  # runs in the pool's task thread
        for chunk in chunks:
            while not in_flight.acquire(timeout=0.1):
                if stopped.is_set() or abandoned.is_set():
                    return
            yield chunk

    try:
        for part in pool.imap(run, handed_out(), chunksize=1):
            in_flight.release()
            yield part
    finally:
        abandoned.set()
