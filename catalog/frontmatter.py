"""Front matter: split a page into its YAML (`---`) or TOML (`+++`) header and body."""
from __future__ import annotations

import re
import sys
import tomllib
from dataclasses import dataclass
from typing import Any

import yaml

from .diagnostics import LocatedError

_FENCES = {"---": "yaml", "+++": "toml"}
# libyaml's C loader reads front matter about ten times faster; same results, same errors.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# A header of a few keys holds tens of values; YAML aliases can make a few lines expand to
# billions ("billion laughs"), which every later stage (the cache hashes meta) would walk.
MAX_VALUES = 10_000
MAX_DEPTH = 50


@dataclass(frozen=True)
class FrontMatter:
    meta: dict[str, Any]
    body: str
    body_line: int  # 1-based line of the body's first line in the file
    format: str  # "yaml", "toml" or "" when there is none
    key_lines: dict[str, int]  # top-level key -> 1-based line, for located diagnostics


_KEY = re.compile(r"^[\"']?([A-Za-z_][\w.-]*)[\"']?\s*[:=]")


def _key_lines(header: str, first_line: int) -> dict[str, int]:
    lines: dict[str, int] = {}
    for number, line in enumerate(header.splitlines()):
        match = _KEY.match(line)
        if match and match.group(1) not in lines:
            lines[match.group(1)] = first_line + number
    return lines


def parse(text: str, path: str) -> FrontMatter:
    """Split `text`; raise LocatedError (located) when the header is broken."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r\n" in text:  # as a text-mode read does; a TOML header must not keep a stray '\r'
        text = text.replace("\r\n", "\n")
    newline = text.find("\n")
    first = (text if newline < 0 else text[:newline]).rstrip("\r").rstrip()
    fmt = _FENCES.get(first)
    if fmt is None:
        return FrontMatter({}, text, 1, "", {})
    # the header's lines, up to the closing fence (index: its line, 0-based); the body is the
    # rest of the text as it is (splitting and joining a whole page was a tenth of a parse)
    start = end = newline
    index = 0
    while end >= 0:
        start, index = end + 1, index + 1
        end = text.find("\n", start)
        if (text[start:] if end < 0 else text[start:end]).rstrip("\r").rstrip() == first:
            break
    else:
        raise LocatedError("front-matter-unclosed",
                           f"front matter opened with '{first}' is never closed",
                           f"add a line '{first}' after the last front matter key").at(path, 1, 1)
    header = text[newline + 1:start - 1]
    body = "" if end < 0 else text[end + 1:]
    meta = _load(header, fmt, path)
    if not isinstance(meta, dict):
        raise LocatedError("front-matter-type",
                           f"front matter must be a mapping of keys to values, got {type(meta).__name__}",
                           "write one 'key: value' per line").at(path, 2, 1)
    key_lines = _key_lines(header, 2)
    return FrontMatter(_plain(meta, path, key_lines), body, index + 2, fmt, key_lines)


def _plain(meta: dict[Any, Any], path: str, key_lines: dict[str, int]) -> dict[str, Any]:
    """The header as plain data: keys as strings (as Hugo reads them), and refused when
    YAML aliases make it refer to itself, nest too deep or expand to too many values."""
    count = 0

    def copy(value: Any, depth: int, line: int) -> Any:
        nonlocal count
        count += 1
        if count > MAX_VALUES:
            raise _too_big(path, line, f"front matter expands to more than {MAX_VALUES} values (YAML aliases?)")
        if depth > MAX_DEPTH:
            raise _too_big(path, line, f"front matter nests more than {MAX_DEPTH} levels deep "
                                       "(or a YAML alias refers to itself)")
        if isinstance(value, dict):
            return {str(key): copy(item, depth + 1, line) for key, item in value.items()}
        if isinstance(value, (list, tuple)):   # tuples: the pairs of !!omap and !!pairs
            return [copy(item, depth + 1, line) for item in value]
        if isinstance(value, (set, frozenset)):
            # !!set: a set iterates in hash order, which changes from run to run (and with it
            # the page's output and cache key); its members, sorted, are what a template can use
            return [copy(item, depth + 1, line) for item in sorted(value, key=_set_order)]
        if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > _INT_BITS:
            _check_int(value, path, line)
        return value

    return {str(key): copy(value, 1, key_lines.get(str(key), 2)) for key, value in meta.items()}


def _set_order(member: Any) -> tuple[str, str]:
    return type(member).__name__, str(member)


# An int Python cannot turn into text (more than sys.get_int_max_str_digits() digits, 4300 by
# default) breaks every later stage that prints or hashes it; 0x, 0o and 0b numbers are read
# without that limit. Below this many bits no int can reach the lowest limit (640 digits).
_INT_BITS = 2100


def _check_int(value: int, path: str, line: int) -> None:
    try:
        str(value)
    except ValueError:
        raise _number_too_long(path, line) from None


def _number_too_long(path: str, line: int) -> LocatedError:
    return LocatedError("front-matter-number",
                        f"a number of more than {sys.get_int_max_str_digits()} digits, "
                        "more than Python reads or writes",
                        "quote it to make it a string").at(path, line, 1)


def _too_big(path: str, line: int, message: str) -> LocatedError:
    return LocatedError("front-matter-size", message,
                        "write the values out: front matter is a few keys, not a data file").at(path, line, 1)


def _load(header: str, fmt: str, path: str) -> Any:
    try:
        return _load_format(header, fmt, path)
    except RecursionError:  # the parsers recurse once per level of [[[...]]]
        raise _too_big(path, 2, f"front matter nests more than {MAX_DEPTH} levels deep") from None
    except ValueError as exc:  # TOMLDecodeError and YAMLError are handled: a value Python cannot build
        if "integer string conversion" in str(exc):   # an int of more than 4300 digits
            match = re.search(r"\d{%d}" % (sys.get_int_max_str_digits() + 1), header)
            raise _number_too_long(path, header.count("\n", 0, match.start()) + 2 if match else 2) from None
        raise LocatedError("front-matter-value",
                           f"cannot read a value: {exc}",
                           "a date is YYYY-MM-DD of a day that exists; quote text").at(path, _failing_line(header), 1) from None


def _failing_line(header: str) -> int:
    """The line of the first top-level YAML value that cannot be built (2 if none is found)."""
    loader = _YAML_LOADER(header)
    try:
        root = loader.get_single_node()
        for _, value in root.value if isinstance(root, yaml.MappingNode) else ():
            try:
                loader.construct_object(value, deep=True)
            except ValueError:
                return value.start_mark.line + 2
    except yaml.YAMLError:
        pass
    finally:
        loader.dispose()
    return 2


def _load_format(header: str, fmt: str, path: str) -> Any:
    if fmt == "toml":
        try:
            return tomllib.loads(header)
        except tomllib.TOMLDecodeError as exc:
            match = re.search(r"line (\d+), column (\d+)", str(exc))
            line, col = (int(match.group(1)) + 1, int(match.group(2))) if match else (2, 1)
            raise LocatedError("front-matter-syntax",
                               f"invalid TOML front matter: {exc}",
                               "TOML strings need quotes: title = \"My page\"").at(path, line, col) from None
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
        raise LocatedError("front-matter-syntax",
                           f"invalid YAML front matter: {problem}",
                           "quote values that contain ':' or start with '{', '[', '*', '&'").at(path, line, col) from None
