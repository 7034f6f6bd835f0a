"""The caches' pickle files (the render cache's stream, the plugin catalog's memo): read
without a traceback whatever they hold, written whole or not at all. A cache is only ever
a head start, so a file that cannot be used costs a cold build, with the reason to say."""
from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

from .regular_files import open_regular_file

# what unpickling a damaged or truncated file (or one of another version's classes) raises
UNREADABLE = (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError, ValueError,
              IndexError, KeyError, MemoryError)


def unreadable_reason(exc: BaseException) -> str:
    """Why a cache file could not be used, for the CLI's warning."""
    if isinstance(exc, EOFError) or "truncated" in str(exc):
        return "it is truncated"
    if isinstance(exc, OSError):
        return f"it cannot be read: {exc.strerror or exc}"
    return f"it is damaged ({type(exc).__name__})"


def load_pickle(path: Path, kind: type) -> Any:
    """What `path` holds if it is a `kind`, else None: a missing or unreadable cache only costs a cold build."""
    try:
        with open_regular_file(path) as handle:  # a FIFO named like the cache would wait for ever
            value = pickle.load(handle)
    except UNREADABLE:
        return None
    return value if isinstance(value, kind) else None


def save_pickles(path: Path, parts: list[Any]) -> None:
    """`parts` pickled one after the other by one pickler (its memo spans them all: what
    they share is written once, and one unpickler reads them back in this order)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    try:
        with temporary.open("wb") as handle:
            pickler = pickle.Pickler(handle, protocol=pickle.HIGHEST_PROTOCOL)
            for part in parts:
                pickler.dump(part)
        temporary.replace(path)
    except BaseException:  # a full disk: leave the previous cache, not half a new one
        temporary.unlink(missing_ok=True)
        raise
