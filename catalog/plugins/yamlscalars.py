"""What PyYAML makes of a plain scalar, for the fast path (fastyaml): the implicit resolvers
of the loader yamlsource reads with, as one table per first character, and the value its
SafeConstructor builds; and Decline, which the fast path raises wherever it is not certain
that PyYAML reads the text the same way.
"""
from __future__ import annotations

import re
from typing import Any

import yaml

# the loader yamlsource reads with: its implicit resolvers and constructors make the values
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CONSTRUCTOR = yaml.SafeLoader("")   # SafeConstructor's methods read nothing of the loader's state
_STR_TAG = "tag:yaml.org,2002:str"
_SAFE_INT = yaml.constructor.SafeConstructor.construct_yaml_int


class Decline(Exception):
    """Not certain that PyYAML reads this text the same way."""


# see value_table; keyed by the resolver lists and the tags construct_yaml_int builds
_VALUE_TABLES: dict[tuple, dict[str, tuple[Any, list[str], int]] | None] = {}


def value_table(resolvers: dict) -> dict[str, tuple[Any, list[str], int]] | None:
    """First character -> (match, tags, int): PyYAML's implicit resolvers for a plain scalar
    that starts with it, as one alternation tried in the same order (PyYAML's resolve loops
    over them), whose match's lastindex is the index of the tag, and the index of the tag
    that construct_yaml_int builds (0: none); None if a pattern has groups or flags that an
    alternation would not keep."""
    key = (tuple((first, id(entries), len(entries)) for first, entries in resolvers.items()),
           tuple(tag for tag, construct in LOADER.yaml_constructors.items() if construct is _SAFE_INT))
    if key not in _VALUE_TABLES:
        _VALUE_TABLES[key] = _build_value_table(resolvers)
    return _VALUE_TABLES[key]


def _build_value_table(resolvers: dict) -> dict[str, tuple[Any, list[str], int]] | None:
    table = {}
    for first, entries in resolvers.items():
        patterns = []
        for _, regexp in entries:
            verbose = regexp.flags & re.VERBOSE
            if regexp.groups or regexp.flags & ~(re.VERBOSE | re.UNICODE) or verbose and "#" in regexp.pattern:
                return None
            patterns.append(f"({'(?x:' if verbose else '(?:'}{regexp.pattern}))")
        if patterns:
            tags = [tag for tag, _ in entries]
            decimal = next((number for number, tag in enumerate(tags, 1)
                            if LOADER.yaml_constructors.get(tag) is _SAFE_INT), 0)
            table[first] = (re.compile("|".join(patterns)).match, tags, decimal)
    return table


def plain_value(raw: str, table: dict[str, tuple[Any, list[str], int]]) -> Any:
    """What PyYAML makes of a plain scalar."""
    entry = table.get(raw[0])
    if entry is None:
        return raw
    m = entry[0](raw)
    return raw if m is None else construct_plain(entry[1][m.lastindex - 1], raw)


def construct_plain(tag: str, raw: str) -> Any:
    """The value that PyYAML's SafeConstructor makes of a plain scalar with this implicit tag."""
    if tag == _STR_TAG:
        return raw
    construct = LOADER.yaml_constructors.get(tag)
    if construct is None:   # merge `<<`, value `=`: PyYAML's path says what it makes of them
        raise Decline
    try:
        return construct(_CONSTRUCTOR, yaml.ScalarNode(tag, raw))
    except Exception:       # e.g. the date 2020-02-30: PyYAML's path raises it
        raise Decline from None
