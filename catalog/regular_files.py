"""Reading a file that must be a regular file, without ever waiting: a FIFO, socket or
device named like a page, include or data file is refused, not read (a FIFO would wait for
a writer for ever). Its own module: the content walk (content_files.py) and Jekyll's file
rules (jekyll_urls.py, which content_files imports) both read through it."""
from __future__ import annotations

import errno
import os
import stat as statmod
from typing import BinaryIO


def read_regular_file(path: str, limit: int = -1) -> bytes:
    """The bytes of `path`, which must be a regular file: opened without blocking (a FIFO would
    wait for a writer for ever) and checked on the open file, so a swap after a stat cannot
    slip a FIFO or device in."""
    with open_regular_file(path) as handle:
        return handle.read(limit)  # the first `limit` bytes, or all of them


def open_regular_file(path: str | os.PathLike[str]) -> BinaryIO:
    """`path` open for reading, when it is a regular file (else OSError, as read_regular_file):
    for a file read in a stream, such as a cache's pickles (.catalog-cache/*.pickle)."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not statmod.S_ISREG(mode):
            kind = "a FIFO" if statmod.S_ISFIFO(mode) else "a socket" if statmod.S_ISSOCK(mode) else \
                "a device" if statmod.S_ISCHR(mode) or statmod.S_ISBLK(mode) else "a folder" \
                if statmod.S_ISDIR(mode) else "a special file"
            raise OSError(errno.EINVAL, f"it is {kind}, not a regular file")
        return open(fd, "rb")  # O_NONBLOCK does not change how a regular file reads
    except BaseException:
        os.close(fd)
        raise
