"""YAML with positions: every mapping, sequence and scalar keeps the line and column it
started at (PyYAML node start marks), and a `Fields` reader reports wrong, missing and
unknown keys as diagnostics at those positions instead of raising."""
from __future__ import annotations

import datetime
import sys
from typing import Callable, Iterator

import yaml

from ..diagnostics import Report, did_you_mean
from .fastyaml import compose
from .yamlnodes import Mapping, Node, Pos, Scalar, Sequence

# libyaml's loader composes the same nodes with the same marks about six times faster
# (a 300-plugin catalog: 24 s -> 4 s); a file it rejects is read again by the pure-Python
# loader, whose error positions and messages are the ones users know.
_FAST_LOADER = getattr(yaml, "CSafeLoader", None)


def load(text: str, path: str, report: Report) -> Node | None:
    """Parse one YAML document into located nodes; syntax errors and duplicate keys go to `report`.

    The plain YAML that plugins-index files are written in is read by fastyaml, which gives
    the same nodes or declines, and then PyYAML reads the text (the 300-plugin benchmark
    catalog: 2.7 s -> 1.2 s of CPU; 2.1 s -> 1.0 s with the collector paused, as in a build)."""
    root = compose(text)
    return root if root is not None else load_with_pyyaml(text, path, report)


def load_with_pyyaml(text: str, path: str, report: Report) -> Node | None:
    """`load` by PyYAML alone: what fastyaml must equal, and what reads everything it declines."""
    fast_error: yaml.MarkedYAMLError | None = None
    if _FAST_LOADER is not None:
        fast = _FAST_LOADER(text)
        try:
            root = fast.get_single_node()
            return None if root is None else _located(root, fast, path, report)
        except yaml.MarkedYAMLError as exc:
            fast_error = exc   # reported below, with the pure-Python loader's position if it has one
        except yaml.YAMLError:
            pass
        finally:
            fast.dispose()
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return None
        return _located(root, loader, path, report)
    except yaml.MarkedYAMLError as exc:
        _syntax_error(exc, path, report)
        return None
    except yaml.YAMLError as exc:
        report.error(path, 1, 1, "yaml-syntax", f"YAML error: {exc}")
        return None
    except RecursionError:
        # the pure-Python composer recurses once per nesting level; libyaml stops at 1000
        # levels with a located error, which is the one to give
        if fast_error is not None:
            _syntax_error(fast_error, path, report)
        else:
            report.error(path, 1, 1, "yaml-size", f"values nest more than {MAX_DEPTH} levels deep",
                         "a plugin file nests a few levels: write the values out")
        return None
    finally:
        loader.dispose()


def _syntax_error(exc: yaml.MarkedYAMLError, path: str, report: Report) -> None:
    mark = exc.problem_mark or exc.context_mark
    pos = Pos(mark.line + 1, mark.column + 1) if mark else Pos(1, 1)
    report.error(path, pos.line, pos.col, "yaml-syntax", f"YAML syntax error: {exc.problem or exc}",
                 exc.context or "check the indentation and quoting around this position")


_STR_TAG = "tag:yaml.org,2002:str"
# Aliases make a few lines stand for billions of values ("billion laughs": nine lines of ten
# aliases each); every one of them would become a node here. A plugin file repeats a value by
# alias now and then, so what aliases add beyond the text is bounded, as front matter's values
# are (frontmatter.MAX_VALUES). The text itself is bounded by the file size.
MAX_ALIASED = 10_000
# fastyaml declines more than 100 nested collections; PyYAML builds them, and converting them
# recurses once per level (an alias that contains itself: without end)
MAX_DEPTH = 100


class _TooBig(Exception):
    def __init__(self, pos: Pos, message: str) -> None:
        super().__init__(message)
        self.pos = pos
        self.message = message
        self.keyed = False


class _Budget:
    """What one document's conversion may still build: nodes reached again through an alias
    count against MAX_ALIASED."""

    __slots__ = ("seen", "aliased")

    def __init__(self) -> None:
        self.seen: set[int] = set()
        self.aliased = 0


def _located(root: yaml.Node, loader: yaml.SafeLoader, path: str, report: Report) -> Node | None:
    """`_convert`, with a document too big or too deep reported at the node where it stops."""
    try:
        return _convert(root, loader, path, report, _Budget())
    except _TooBig as exc:
        report.error(path, exc.pos.line, exc.pos.col, "yaml-size", exc.message,
                     "write the values out: a plugin file is a few hundred values, not a data file")
        return None


def _int_digits_limit() -> int:
    return sys.get_int_max_str_digits() or 1 << 62


def _convert(node: yaml.Node, loader: yaml.SafeLoader, path: str, report: Report,
             budget: _Budget | None = None, depth: int = 0) -> Node:
    mark = node.start_mark
    if budget is not None:
        if id(node) in budget.seen:        # the composer gives an alias the very node it names
            budget.aliased += 1
            if budget.aliased > MAX_ALIASED:
                raise _TooBig(Pos(mark.line + 1, mark.column + 1),
                              f"YAML aliases expand to more than {MAX_ALIASED} values")
        else:
            budget.seen.add(id(node))
    if isinstance(node, yaml.ScalarNode):
        # most scalars are strings: their value is the text; other tags go to the loader's
        # constructor directly (a scalar has no children, so construct_object's recursion
        # bookkeeping is not needed). A plain scalar has style None (pure Python) or "" (libyaml).
        construct = loader.yaml_constructors.get(node.tag)
        pos = Pos(mark.line + 1, mark.column + 1)
        try:
            if node.tag == _STR_TAG:
                value = node.value
            elif construct is not None:
                value = construct(loader, node)
            else:  # an unknown tag: construct_object raises the loader's own error for it
                value = loader.construct_object(node, deep=True)
        except ValueError as exc:  # the date 2020-02-30; an int of more than 4300 digits (Python's limit)
            text = str(node.value)
            shown = text if len(text) <= 40 else f"{text[:20]}...{text[-10:]} ({len(text)} characters)"
            if node.tag.endswith(":int"):
                reason = f"more than the {_int_digits_limit()} digits Python reads in a number"
                hint = "quote it if it is text; a size or count has a few digits"
            else:
                reason = str(exc).split(":")[0]
                hint = "quote it if it is text"
            report.error(path, pos.line, pos.col, "yaml-value", f"cannot read the value {shown}: {reason}", hint)
            value = UNREADABLE
        return Scalar(value, str(node.value), not node.style, pos)
    if depth >= MAX_DEPTH and budget is not None:
        raise _TooBig(Pos(mark.line + 1, mark.column + 1),
                      f"values nest more than {MAX_DEPTH} levels deep (or a YAML alias contains itself)")
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
            try:
                items[key] = (key_pos, _convert(value_node, loader, path, report, budget, depth + 1))
            except _TooBig as exc:
                if not exc.keyed:   # an alias's node is where its anchor is: name the key whose value it is
                    exc.pos, exc.keyed = key_pos, True
                raise
        return Mapping(items, Pos(mark.line + 1, mark.column + 1))
    return Sequence([_convert(child, loader, path, report, budget, depth + 1) for child in node.value],
                    Pos(mark.line + 1, mark.column + 1))


class _Unreadable:
    """The value of a scalar PyYAML could not build (reported already)."""

    def __repr__(self) -> str:
        return "UNREADABLE"


UNREADABLE = _Unreadable()


def kind(node: Node | None) -> str:
    """How a value reads in a message: 'a list', 'a mapping', 'the number 3.1', 'null', ..."""
    if node is None:
        return "nothing"
    if isinstance(node, Mapping):
        return "a mapping"
    if isinstance(node, Sequence):
        return "a list"
    value = node.value
    if value is UNREADABLE:
        return "a value YAML cannot read"
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
        if isinstance(entry[1], Scalar) and entry[1].value is UNREADABLE:
            self.ok = False    # reported where it was read
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
