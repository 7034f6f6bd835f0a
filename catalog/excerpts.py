"""Source excerpts: the line a diagnostic points at, printed under it with a caret under its
column, as rustc prints them in a terminal (Hugo shows the lines around a problem on its
error page).

    content/a.md:12:5: error: page reference "nope.md" not found [ref-not-found]
       12 | see {{< relref "nope.md" >}}
          |     ^
        hint: ...

Only terminal output shows excerpts; machine-readable output (the preview's JSON, the
overlay) keeps `Diagnostic` as it is. A file is read at most once per `SourceExcerpts`
(one per run, or per rebuild of the preview, since files change between them), and only
when a diagnostic that names it is printed.
"""
from __future__ import annotations

import os
import stat
import unicodedata
from pathlib import Path

from .diagnostics import Diagnostic, escape_controls

MAX_WIDTH = 120      # terminal columns of the shown line; a longer one is cut around the column
MAX_FILE = 8 << 20   # bytes; a larger file is not read whole to show one of its lines
TAB_WIDTH = 4        # as rustc: a tab is shown as four spaces, and the caret counts them
ELLIPSIS = "..."     # ASCII: the excerpt must print on any terminal encoding


class SourceExcerpts:
    """The source lines of the files diagnostics name, read lazily, each file once.

    `root` is the folder whose files may be shown (the project, or the built site for
    `catalog check`); the paths diagnostics name are read from `names_from` (default
    `root`: a build names 'content/a.md' from the project, a check names
    'public/a/index.html' from the working folder).
    """

    def __init__(self, root: Path, names_from: Path | None = None) -> None:
        self._root = os.path.normpath(os.path.abspath(root))
        self._names_from = os.path.abspath(names_from if names_from is not None else root)
        self._files: dict[str, list[str] | None] = {}

    def format(self, diagnostic: Diagnostic) -> str:
        """The diagnostic as printed in a terminal: with its source line when there is one."""
        return diagnostic.format(self.excerpt(diagnostic))

    def excerpt(self, diagnostic: Diagnostic) -> str:
        """The numbered source line and caret, or '' when there is nothing sure to show: no
        line (0), a file outside the root, missing, not a regular file, not UTF-8 text, or
        shorter than the line."""
        if diagnostic.line <= 0 or not diagnostic.path:
            return ""
        if diagnostic.path not in self._files:
            self._files[diagnostic.path] = self._read(diagnostic.path)
        lines = self._files[diagnostic.path]
        if lines is None or diagnostic.line > len(lines):
            return ""
        return render(lines[diagnostic.line - 1], diagnostic.line, diagnostic.col)

    def _read(self, name: str) -> list[str] | None:
        # Inside the root by its path, not after following links: the build followed them
        # already to read the file (a theme linked into themes/), so showing a line of it
        # reveals nothing new, while a name with '..' or an absolute one is not shown.
        path = os.path.normpath(os.path.join(self._names_from, name))
        if os.path.commonpath([path, self._root]) != self._root:
            return None
        try:  # non-blocking: opening a FIFO someone left in the project must not wait for a writer
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        except OSError:
            return None
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE:
                return None
            with os.fdopen(fd, "rb", closefd=False) as stream:
                data = stream.read(MAX_FILE + 1)
        except OSError:
            return None
        finally:
            os.close(fd)
        if len(data) > MAX_FILE or b"\0" in data:  # grew since, or binary
            return None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return None
        # as the stages read it (catalog.content, catalog.frontmatter): a BOM is not a column,
        # and '\r\n' and a lone '\r' end a line as '\n' does
        text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
        lines = text.split("\n")
        if text.endswith("\n"):  # the empty 'line' after the last line break is not a line
            lines.pop()
        return lines


def render(line: str, number: int, col: int) -> str:
    """`line` under its number, with a caret under character `col` (1-based, as diagnostics
    count: a tab is one character; 0 = unknown, no caret); at most MAX_WIDTH columns."""
    caret = col - 1 if 1 <= col <= len(line) + 1 else -1   # len(line) + 1: the end of the line
    # no character takes more than 6 columns nor (but the rare zero-width ones) less than 1:
    # only the characters that can be shown are looked at, so one problem in a megabyte-long
    # line (a minified JSON file that catalog check reads) costs no more than one in a short one
    low = max(0, caret - MAX_WIDTH)
    high = max(caret, 0) + MAX_WIDTH
    cells = [_cell(char) for char in line[low:high]]
    caret -= low if caret >= 0 else 0
    if caret == len(cells) and high >= len(line):
        cells.append((" ", 1))  # pointing past the last character: the caret stands after it
    start, end = _window(cells, caret, len(ELLIPSIS) * ((low > 0) + (high < len(line))))
    shown = [text for text, _ in cells[start:end]]
    if start or low:
        shown.insert(0, ELLIPSIS)
    if end < len(cells) or high < len(line):
        shown.append(ELLIPSIS)
    gutter = f"{number:>5} | "
    out = (gutter + "".join(shown)).rstrip()
    if caret >= 0:
        pad = (len(ELLIPSIS) if start or low else 0) + sum(width for _, width in cells[start:caret])
        out += f"\n{' ' * (len(gutter) - 2)}| {' ' * pad}{'^' * max(1, cells[caret][1])}"
    return out


def _cell(char: str) -> tuple[str, int]:
    """How one character is shown, and the terminal columns it takes."""
    if char == "\t":
        return " " * TAB_WIDTH, TAB_WIDTH
    escaped = escape_controls(char)   # as Diagnostic.format: '\x1b', never ESC itself
    if escaped != char:
        return escaped, len(escaped)
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return char, 0
    return char, 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _window(cells: list[tuple[str, int]], caret: int, cut: int) -> tuple[int, int]:
    """The cells [start, end) shown: all when they fit (beside the `cut` columns of the
    ellipses of a line cut already), else MAX_WIDTH columns around the caret (the line's
    start when the caret is near it, else the caret about the middle)."""
    widths = [width for _, width in cells]
    if sum(widths) + cut <= MAX_WIDTH:
        return 0, len(cells)
    room = MAX_WIDTH - 2 * len(ELLIPSIS)
    start = 0
    if caret > 0 and sum(widths[:caret + 1]) > room * 2 // 3:
        start, before = caret, widths[caret]
        while start > 0 and before + widths[start - 1] <= room // 2:
            start -= 1
            before += widths[start]
    end, used = start, 0
    while end < len(cells) and used + widths[end] <= room:
        used += widths[end]
        end += 1
    return start, max(end, min(start + 1, len(cells)))
