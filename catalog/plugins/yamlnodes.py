"""The located nodes a plugin file's YAML is read into: every mapping, sequence and scalar
keeps the line and column it started at. Both readers build them, PyYAML's path
(yamlsource) and the fast path (fastyaml), so they live apart from both: neither reader
imports the other's module for them."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple, Union


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
