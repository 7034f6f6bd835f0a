"""Diagnostics: the one type every stage uses to report a problem in the inputs.

A build never stops at the first problem. Each stage adds what it finds to a
`Report`; the build fails at the end if any error was reported, and prints all of
them as `path:line:col: severity: message [code]` followed by a hint.
"""
from __future__ import annotations

import bisect
import difflib
import itertools
import re
from dataclasses import dataclass, field
from typing import Iterable, Literal, TextIO

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem, located in a source file (line and column are 1-based; 0 = unknown)."""

    path: str
    line: int
    col: int
    severity: Severity
    code: str
    message: str
    hint: str = ""

    def format(self, excerpt: str = "") -> str:
        """The diagnostic as printed; control characters of the inputs it quotes are escaped.
        `excerpt` (the source line it points at, see catalog.excerpts) goes between the
        problem and its hint, as rustc prints it."""
        where = escape_controls(self.path)
        if self.line:
            where += f":{self.line}:{self.col or 1}"
        text = f"{where}: {self.severity}: {escape_controls(self.message)} [{self.code}]"
        if excerpt:
            text += f"\n{excerpt}"
        if self.hint:
            text += f"\n    hint: {escape_controls(self.hint)}"
        return text

    def as_error(self) -> "Diagnostic":
        return Diagnostic(self.path, self.line, self.col, "error", self.code, self.message, self.hint)


# Messages quote the inputs (plugin values, file names, YAML keys): a terminal obeys the
# escape sequences in them (ESC [ 2J clears the screen, OSC 0 retitles the window, CR and
# a line break can print over a line or fake one), and bidirectional overrides reorder what
# is shown. They are printed as Python escapes, '\x1b', '\n', '\u202e', never as themselves.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(char) or (
        f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")


def escape_controls(text: str, keep_newlines: bool = False) -> str:
    """`text` with every control and bidirectional-override character written as an escape
    (line breaks kept if asked: text of several lines that quotes values)."""
    if not _CONTROLS.search(text):
        return text
    if keep_newlines:
        return "\n".join(_CONTROLS.sub(_escape, line) for line in text.split("\n"))
    return _CONTROLS.sub(_escape, text)


class EscapingWriter:
    """A text stream that writes control characters (but line breaks) as escapes: for output
    that quotes values from the network, such as `catalog resolve`'s."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        return self.stream.write(escape_controls(text, keep_newlines=True))

    def flush(self) -> None:
        self.stream.flush()


class LocatedError(Exception):
    """The one problem a stage raises when it cannot go on with one input: a code, a
    message and a hint, given its position by whoever knows it (Hugo's herrors.FileError).

    Code deep inside a stage often knows what is wrong but not where (a ref resolver does
    not know which file or line asked it); it raises `LocatedError(code, message, hint)`,
    and the caller that knows the place either adds `.at(path, line, col)` and raises it
    on, or reports `err.diagnostic_at(path, line, col)`. The caller then carries on with
    the next input, so one bad page never hides the problems of the others.
    `str(err)` is the message alone, as it is quoted into other messages.
    """

    def __init__(self, code: str, message: str, hint: str = "", severity: Severity = "error") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.hint = hint
        self.severity: Severity = severity
        self.path = ""
        self.line = 0
        self.col = 0

    def at(self, path: str, line: int = 0, col: int = 0) -> "LocatedError":
        """The same problem, located (line and column 1-based, 0 = unknown); returns self,
        so `raise LocatedError(...).at(path, line, col)` reads as one statement."""
        self.path, self.line, self.col = path, line, col
        return self

    @property
    def diagnostic(self) -> Diagnostic:
        """The problem as reported, at the position it was given."""
        return Diagnostic(self.path, self.line, self.col, self.severity, self.code, self.message, self.hint)

    def diagnostic_at(self, path: str, line: int, col: int) -> Diagnostic:
        """The problem as reported, at a position only the caller knows (one it was given wins)."""
        if self.path:
            return self.diagnostic
        return Diagnostic(path, line, col, self.severity, self.code, self.message, self.hint)

    def __reduce__(self) -> tuple:
        # raised in a worker process, it crosses back pickled: keep the position and hint
        return (_rebuild, (self.code, self.message, self.hint, self.severity, self.path, self.line, self.col))


def _rebuild(code: str, message: str, hint: str, severity: Severity, path: str, line: int,
             col: int) -> LocatedError:
    return LocatedError(code, message, hint, severity).at(path, line, col)


@dataclass
class Report:
    """Collects diagnostics from every stage, without repeats."""

    items: list[Diagnostic] = field(default_factory=list)
    _seen: set[Diagnostic] = field(default_factory=set, repr=False)

    def add(self, diagnostic: Diagnostic) -> None:
        if diagnostic not in self._seen:
            self._seen.add(diagnostic)
            self.items.append(diagnostic)

    def extend(self, diagnostics: Iterable[Diagnostic]) -> None:
        for diagnostic in diagnostics:
            self.add(diagnostic)

    def error(self, path: str, line: int, col: int, code: str, message: str, hint: str = "") -> None:
        self.add(Diagnostic(path, line, col, "error", code, message, hint))

    def warning(self, path: str, line: int, col: int, code: str, message: str, hint: str = "") -> None:
        self.add(Diagnostic(path, line, col, "warning", code, message, hint))

    def sorted(self) -> list[Diagnostic]:
        return sorted(self.items)

    def errors(self, strict: bool = False) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "error" or strict]

    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "warning"]

    def failed(self, strict: bool = False) -> bool:
        return bool(self.errors(strict))


class Lines:
    """Line and column of offsets in one text: the line starts are found once, when first
    asked, so locating many problems on a long page stays linear."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts: list[int] = []

    def locate(self, offset: int) -> tuple[int, int]:
        """(1-based line, 1-based column) of `offset`."""
        if not self.starts:
            # each line's start: the running sum of the lengths before it (a third of the cost of
            # a match object per newline, and a page locates its every ref's fragment)
            self.starts = [0, *itertools.accumulate(len(line) + 1 for line in self.text.split("\n")[:-1])]
        line = bisect.bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A 'did you mean ...?' hint, or '' when nothing is close enough to suggest."""
    close = difflib.get_close_matches(word, sorted(set(choices)), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""
