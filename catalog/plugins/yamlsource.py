"""YAML with positions: every mapping, sequence and scalar keeps the line and column it
started at (PyYAML node start marks), and a `Fields` reader reports wrong, missing and
unknown keys as diagnostics at those positions instead of raising."""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any, Callable, Iterator, NamedTuple, Union

import yaml

from ..diagnostics import Report, did_you_mean


class Pos(NamedTuple):  # a tuple: a catalog makes hundreds of thousands, a frozen dataclass costs 3x more
    line: int   # 1-based
    col: int    # 1-based


@dataclass(slots=True)
class Scalar:
    value: Any          # what YAML 1.1 makes of it (str, int, float, bool, None, date, ...)
    raw: str            # the text as written, so `version: 3.10` stays "3.10"
    plain: bool         # unquoted
    pos: Pos


@dataclass(slots=True)
class Sequence:
    items: list["Node"]
    pos: Pos


@dataclass(slots=True)
class Mapping:
    items: dict[str, tuple[Pos, "Node"]]   # key -> (position of the key, value)
    pos: Pos


Node = Union[Scalar, Sequence, Mapping]


class YamlSyntaxError(Exception):
    def __init__(self, pos: Pos, message: str) -> None:
        super().__init__(message)
        self.pos = pos
        self.message = message


# libyaml's loader composes the same nodes with the same marks about six times faster
# (a 300-plugin catalog: 24 s -> 4 s); a file it rejects is read again by the pure-Python
# loader, whose error positions and messages are the ones users know.
_FAST_LOADER = getattr(yaml, "CSafeLoader", None)


def load(text: str, path: str, report: Report) -> Node | None:
    """Parse one YAML document into located nodes; syntax errors and duplicate keys go to `report`.

    The plain YAML that plugins-index files are written in is read by fastyaml, which gives
    the same nodes or declines, and then PyYAML reads the text (the 300-plugin benchmark
    catalog: 2.7 s -> 1.2 s of CPU; 2.1 s -> 1.0 s with the collector paused, as in a build)."""
    from .fastyaml import compose   # imported here: fastyaml builds this module's nodes
    root = compose(text)
    return root if root is not None else load_with_pyyaml(text, path, report)


def load_with_pyyaml(text: str, path: str, report: Report) -> Node | None:
    """`load` by PyYAML alone: what fastyaml must equal, and what reads everything it declines."""
    if _FAST_LOADER is not None:
        fast = _FAST_LOADER(text)
        try:
            root = fast.get_single_node()
            return None if root is None else _convert(root, fast, path, report)
        except yaml.YAMLError:
            pass  # reported below, with the pure-Python loader's position
        finally:
            fast.dispose()
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return None
        return _convert(root, loader, path, report)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        pos = Pos(mark.line + 1, mark.column + 1) if mark else Pos(1, 1)
        report.error(path, pos.line, pos.col, "yaml-syntax", f"YAML syntax error: {exc.problem or exc}",
                     exc.context or "check the indentation and quoting around this position")
        return None
    except yaml.YAMLError as exc:
        report.error(path, 1, 1, "yaml-syntax", f"YAML error: {exc}")
        return None
    finally:
        loader.dispose()


_STR_TAG = "tag:yaml.org,2002:str"


def _convert(node: yaml.Node, loader: yaml.SafeLoader, path: str, report: Report) -> Node:
    mark = node.start_mark
    if isinstance(node, yaml.ScalarNode):
        # most scalars are strings: their value is the text; other tags go to the loader's
        # constructor directly (a scalar has no children, so construct_object's recursion
        # bookkeeping is not needed). A plain scalar has style None (pure Python) or "" (libyaml).
        construct = loader.yaml_constructors.get(node.tag)
        if node.tag == _STR_TAG:
            value = node.value
        elif construct is not None:
            value = construct(loader, node)
        else:  # an unknown tag: construct_object raises the loader's own error for it
            value = loader.construct_object(node, deep=True)
        return Scalar(value, str(node.value), not node.style, Pos(mark.line + 1, mark.column + 1))
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        items: dict[str, tuple[Pos, Node]] = {}
        for key_node, value_node in node.value:
            key_pos = Pos(key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if not isinstance(key_node, yaml.ScalarNode):
                report.error(path, key_pos.line, key_pos.col, "yaml-key", "a mapping key must be a plain name")
                continue
            key = str(key_node.value)
            if key in items:
                first = items[key][0]
                report.error(path, key_pos.line, key_pos.col, "yaml-duplicate-key",
                             f"key '{key}' appears twice (first at line {first.line})",
                             "YAML keeps only the last one; remove one of them")
                continue
            items[key] = (key_pos, _convert(value_node, loader, path, report))
        return Mapping(items, Pos(mark.line + 1, mark.column + 1))
    return Sequence([_convert(child, loader, path, report) for child in node.value], Pos(mark.line + 1, mark.column + 1))


def kind(node: Node | None) -> str:
    """How a value reads in a message: 'a list', 'a mapping', 'the number 3.1', 'null', ..."""
    if node is None:
        return "nothing"
    if isinstance(node, Mapping):
        return "a mapping"
    if isinstance(node, Sequence):
        return "a list"
    value = node.value
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {node.raw}"
    if isinstance(value, (int, float)):
        return f"the number {node.raw}"
    if isinstance(value, (datetime.date, datetime.datetime)):
        return f"the date {node.raw}"
    return f"the string '{node.raw}'"


class Fields:
    """Typed access to one YAML mapping; every problem becomes a diagnostic at its position.

    `ok` turns False as soon as one problem is reported, so a caller can skip building
    a half-valid value while still collecting every problem of the file.
    """

    def __init__(self, mapping: Mapping, path: str, report: Report, what: str | Callable[[], str]) -> None:
        self.mapping = mapping
        self.path = path
        self.report = report
        # 'plugin', 'release 3.0.10', ... for messages; a callable is asked only when a message
        # needs it (naming a wagon parses its URL: a catalog has 72,000 wagons and few problems)
        self._what = what
        self.ok = True

    @property
    def what(self) -> str:
        if not isinstance(self._what, str):
            self._what = self._what()
        return self._what

    @what.setter
    def what(self, value: str) -> None:
        self._what = value

    def error(self, pos: Pos, code: str, message: str, hint: str = "") -> None:
        self.ok = False
        self.report.error(self.path, pos.line, pos.col, code, message, hint)

    def key_pos(self, key: str) -> Pos:
        entry = self.mapping.items.get(key)
        return entry[0] if entry else self.mapping.pos

    def node(self, key: str, required: bool, expected: str) -> Node | None:
        entry = self.mapping.items.get(key)
        if entry is None:
            if required:
                self.error(self.mapping.pos, "plugin-missing-key", f"{self.what}: missing required key '{key}'",
                           f"add '{key}:' ({expected})")
            return None
        return entry[1]

    def string(self, key: str, required: bool = True) -> str | None:
        value = self.node(key, required, "a string")
        if value is None:
            return None
        if isinstance(value, Scalar) and value.value is not None and not isinstance(value.value, (datetime.date,)):
            text = value.raw if value.plain else str(value.value)
            if text.strip():
                return text.strip()
            self.error(value.pos, "plugin-type", f"{self.what}: '{key}' is empty", f"give '{key}' a value")
            return None
        self.error(value.pos, "plugin-type", f"{self.what}: '{key}' must be a string, got {kind(value)}",
                   "quote the value if it contains ': ' or starts with a special character")
        return None

    def integer(self, key: str, required: bool = True) -> int | None:
        value = self.node(key, required, "a whole number")
        if value is None:
            return None
        if isinstance(value, Scalar) and isinstance(value.value, int) and not isinstance(value.value, bool) \
                and value.value >= 0:
            return int(value.value)
        self.error(value.pos, "plugin-type", f"{self.what}: '{key}' must be a whole number >= 0, got {kind(value)}")
        return None

    def date(self, key: str, required: bool = True) -> datetime.date | None:
        value = self.node(key, required, "a date, YYYY-MM-DD")
        if value is None:
            return None
        if isinstance(value, Scalar):
            if isinstance(value.value, datetime.datetime):
                return value.value.date()
            if isinstance(value.value, datetime.date):
                return value.value
            try:
                return datetime.date.fromisoformat(value.raw)
            except ValueError:
                pass
        self.error(value.pos, "plugin-type", f"{self.what}: '{key}' must be a date YYYY-MM-DD, got {kind(value)}")
        return None

    def sequence(self, key: str, required: bool = True) -> list[Node] | None:
        value = self.node(key, required, "a list")
        if value is None:
            return None
        if isinstance(value, Sequence):
            return value.items
        self.error(value.pos, "plugin-type", f"{self.what}: '{key}' must be a list, got {kind(value)}",
                   "write each item on its own line starting with '- '")
        return None

    def strings(self, key: str, required: bool = True) -> list[tuple[str, Pos]] | None:
        items = self.sequence(key, required)
        if items is None:
            return None
        result = []
        for item in items:
            if isinstance(item, Scalar) and isinstance(item.value, (str, int, float)) and item.raw.strip():
                result.append((item.raw.strip(), item.pos))
            else:
                self.error(item.pos, "plugin-type", f"{self.what}: every item of '{key}' must be a string, got {kind(item)}")
        return result

    def mapping_of(self, key: str, required: bool = True) -> Mapping | None:
        value = self.node(key, required, "a mapping")
        if value is None:
            return None
        if isinstance(value, Mapping):
            return value
        self.error(value.pos, "plugin-type", f"{self.what}: '{key}' must be a mapping of keys, got {kind(value)}")
        return None

    def check_unknown(self, allowed: tuple[str, ...]) -> None:
        """Report every key nobody asked for (typos, misplaced keys)."""
        for key, (pos, _) in self.mapping.items.items():
            if key not in allowed:
                self.error(pos, "plugin-unknown-key", f"{self.what}: unknown key '{key}'",
                           did_you_mean(key, allowed) or f"allowed keys: {', '.join(allowed)}")


def each_mapping(items: list[Node], path: str, report: Report, what: str) -> Iterator[Mapping]:
    """The mappings of a list; any other item is reported."""
    for item in items:
        if isinstance(item, Mapping):
            yield item
        else:
            report.error(path, item.pos.line, item.pos.col, "plugin-type", f"each {what} must be a mapping, got {kind(item)}")
