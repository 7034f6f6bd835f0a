"""Front matter: split a page into its YAML (`---`) or TOML (`+++`) header and body."""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from typing import Any

import yaml

from .diagnostics import Diagnostic, DiagnosticError

_FENCES = {"---": "yaml", "+++": "toml"}
# libyaml's C loader reads front matter about ten times faster; same results, same errors.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class FrontMatter:
    meta: dict[str, Any]
    body: str
    body_line: int  # 1-based line of the body's first line in the file
    format: str  # "yaml", "toml" or "" when there is none
    key_lines: dict[str, int]  # top-level key -> 1-based line, for located diagnostics


def _key_lines(header: str, first_line: int) -> dict[str, int]:
    lines: dict[str, int] = {}
    for number, line in enumerate(header.splitlines()):
        match = re.match(r"^[\"']?([A-Za-z_][\w.-]*)[\"']?\s*[:=]", line)
        if match and match.group(1) not in lines:
            lines[match.group(1)] = first_line + number
    return lines


def parse(text: str, path: str) -> FrontMatter:
    """Split `text`; raise DiagnosticError (located) when the header is broken."""
    if text.startswith("\ufeff"):
        text = text[1:]
    first = text.split("\n", 1)[0].rstrip("\r").rstrip()
    fmt = _FENCES.get(first)
    if fmt is None:
        return FrontMatter({}, text, 1, "", {})
    lines = text.split("\n")
    for index in range(1, len(lines)):
        if lines[index].rstrip("\r").rstrip() == first:
            break
    else:
        raise DiagnosticError(Diagnostic(path, 1, 1, "error", "front-matter-unclosed",
                                         f"front matter opened with '{first}' is never closed",
                                         f"add a line '{first}' after the last front matter key"))
    header = "\n".join(lines[1:index])
    body = "\n".join(lines[index + 1:])
    meta = _load(header, fmt, path)
    if not isinstance(meta, dict):
        raise DiagnosticError(Diagnostic(path, 2, 1, "error", "front-matter-type",
                                         f"front matter must be a mapping of keys to values, got {type(meta).__name__}",
                                         "write one 'key: value' per line"))
    return FrontMatter(meta, body, index + 2, fmt, _key_lines(header, 2))


def _load(header: str, fmt: str, path: str) -> Any:
    if fmt == "toml":
        try:
            return tomllib.loads(header)
        except tomllib.TOMLDecodeError as exc:
            match = re.search(r"line (\d+), column (\d+)", str(exc))
            line, col = (int(match.group(1)) + 1, int(match.group(2))) if match else (2, 1)
            raise DiagnosticError(Diagnostic(path, line, col, "error", "front-matter-syntax",
                                             f"invalid TOML front matter: {exc}",
                                             "TOML strings need quotes: title = \"My page\"")) from None
    try:
        return yaml.load(header, Loader=_YAML_LOADER) or {}
    except yaml.YAMLError:
        pass
    try:  # the pure-Python loader locates errors better (the line of an unclosed '[')
        return yaml.safe_load(header) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line, col = (mark.line + 2, mark.column + 1) if mark else (2, 1)
        problem = getattr(exc, "problem", None) or str(exc)
        raise DiagnosticError(Diagnostic(path, line, col, "error", "front-matter-syntax",
                                         f"invalid YAML front matter: {problem}",
                                         "quote values that contain ':' or start with '{', '[', '*', '&'")) from None
