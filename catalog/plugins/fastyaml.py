"""The fast path of `yamlsource.load`: the plain block subset of YAML that plugins-index
files are written in, read line by line into the very nodes PyYAML's path builds (values,
raw text, plainness, every position), or declined (None) so that PyYAML reads the text.

Why not rapidyaml: ryml parses the 300-plugin benchmark catalog in 0.17 s, but it does not
say where a node starts, it is a YAML 1.2 parser with its own rules for indentation, plain
scalars and errors, and it writes every parse error on the C stderr. So each position, and
"PyYAML would accept this and build that", must be checked against the text anyway; that
check is a parser of its own, and once it exists ryml's tree only adds cost (0.46 s to parse
the catalog and walk its tree through SWIG, before any checking) and guarantees nothing more.

What is accepted, and why PyYAML (libyaml or pure Python, YAML 1.1) reads it the same way:
- printable text without tab, CR, NEL, U+2028/9, BOM or control characters, which PyYAML
  and this reader could count or break differently;
- block mappings, one key per line at the mapping's column; block sequences, one `-` per
  entry at the sequence's column; compact entries (`- key: value`, `- - item`); a
  sequence at its key's column (YAML's indentless sequence). A line deeper than every open
  value is declined: PyYAML would fold it into the scalar above or report an error;
- single-line scalars: plain ones whose end is not in doubt (no `: ` or ` #` inside, no
  indicator first, no `---`/`...`), quoted ones without escapes, `''` or line breaks, so
  that their text is their value;
- single-line flow collections (`[a, b]`, `{k: v}`) of such scalars, no trailing comma;
- comments after a space, blank lines.
A plain scalar gets the tag of PyYAML's implicit resolvers (YAML 1.1: `yes` and `on` are
booleans; `~`, `0o17`, `012`, `1_000`, `1:30`, `2020-01-02`, `.inf`) and the value of
PyYAML's own SafeConstructor for it.

Declined, for PyYAML to read or to report: tags, anchors, aliases, `?` keys, merge keys,
block scalars, multi-line scalars or flows, a key or value without text (null), duplicate
keys, `---`/`...` documents, a scalar as the whole document, a value PyYAML cannot build
(the date 2020-02-30), more than 100 nested collections, any line outside the grammar.
Declining changes speed, never a result; tests/test_yamlsource_fast.py holds it to that.
What PyYAML makes of a plain scalar (its tag and value) is catalog.plugins.yamlscalars'.
"""
from __future__ import annotations

import re
from typing import Any

from . import yamlnodes
from .yamlscalars import LOADER, Decline, construct_plain, plain_value, value_table

_ASCII_ALLOWED = bytes(b for b in range(128) if b == 10 or 32 <= b < 127)
_UNSAFE = re.compile("[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")

# A plain scalar's first character: no indicator, no space; `-` and `.` only where they
# cannot be `- `, `---` or `...`.
_FIRST = r"""(?:[^-?:,\[\]{}#&*!|>'"%@`. \n]|-(?=[0-9A-Za-z._])|\.(?!\.\.))"""
# Block context: `:` only before a non-space, `#` only after a non-space, inner spaces only
# before more of the scalar, so the scalar ends where PyYAML's scan_plain ends it.
_PLAIN = _FIRST + r"(?:[^ \n:]++|:(?=[^ \n])| ++(?=[^ \n#:]|:[^ \n]))*+"
# Flow context: none of `,[]{}:#?` at all.
_PLAIN_FLOW = _FIRST + r"(?:[^ \n,\[\]{}:#?]++| ++(?=[^ \n,\[\]{}:#?]))*+"
_DQUOTED = r'"([^"\\\n]*)"'
_SQUOTED = r"'([^'\n]*)'"
_REST = r" *(?:(?<= )#.*)?$"        # what may follow a line's last token

# Any content line: indentation, block entries, a key, a value (a flow collection runs to
# the end of the line and is read by _flow).
_LINE = re.compile(
    r"( *)((?:-(?: +|$))*)"
    rf"((?:({_PLAIN})|{_DQUOTED}|{_SQUOTED}) *:(?: +|$))?"
    rf"(?:({_PLAIN})|{_DQUOTED}|{_SQUOTED}|([\[{{].*))?" + _REST)
# The usual line, with five groups instead of ten: [- ]key:[ value], a plain key, a plain
# or quoted value (quotes included).
_PAIR = re.compile(rf"""( *)(- +)?({_PLAIN}):(?:( +)({_PLAIN}|"[^"\\\n]*"|'[^'\n]*'))?""" + _REST)
_FLOW_SCALAR = re.compile(rf"(?:({_PLAIN_FLOW})|{_DQUOTED}|{_SQUOTED})")
_FLOW_COLON = re.compile(r" *: +")
_SPACES = re.compile(r" *")
_END = re.compile(_REST)

_MAP, _SEQ = 0, 1
# PyYAML's path converts nodes recursively: hundreds of nested collections raise RecursionError
_MAX_DEPTH = 100


def compose(text: str) -> yamlnodes.Node | None:
    """The document's located nodes, equal to what PyYAML's path of `yamlsource.load` builds;
    None to decline (PyYAML's path must read it)."""
    if text.isascii():
        if text.encode().translate(None, _ASCII_ALLOWED):   # what is left is not allowed
            return None
    elif _UNSAFE.search(text):
        return None
    resolvers = LOADER.yaml_implicit_resolvers
    if LOADER.yaml_path_resolvers or resolvers.get(None):   # tags that depend on more than the first character
        return None
    values = value_table(resolvers)
    if values is None:
        return None
    try:
        return _Reader(values).read(text.split("\n"))
    except Decline:
        return None


class _Reader:
    """Lines to nodes, with a stack of the open block collections.

    A frame is [kind, column, items (a dict or a list), pending, indentless]: pending is
    the (key, key position) whose value is still to come in a mapping, True for an entry
    whose value is still to come in a sequence, None when all have their values.
    """

    def __init__(self, values: dict[str, tuple[Any, list[str], int]]) -> None:
        self.values = values   # see value_table
        self.stack: list[list] = []
        self.root: yamlnodes.Node | None = None

    def read(self, lines: list[str]) -> yamlnodes.Node | None:
        # Most lines are the next `key: value` of the innermost mapping or `- key: value`,
        # the next entry of the innermost sequence; they are read here, with `items` and
        # `map_col` for the innermost mapping when it waits for its next key (else -1), and
        # every other line by self.line().
        Scalar, Sequence, Mapping = yamlnodes.Scalar, yamlnodes.Sequence, yamlnodes.Mapping
        Pos, new_pos = yamlnodes.Pos, tuple.__new__    # Pos(...) without NamedTuple's Python __new__
        match_pair = _PAIR.match
        construct, MAP, SEQ = construct_plain, _MAP, _SEQ
        values = self.values
        stack = self.stack
        items: dict = {}
        map_col = -1
        for number, line in enumerate(lines, 1):
            m = match_pair(line)
            if m is not None:
                indent, dash, key, spaces, value = m.groups()
                col = len(indent)
                if col != map_col or dash is not None:
                    while stack and stack[-1][3] is None and stack[-1][1] > col:
                        stack.pop()        # the collections this line ends
                    top = stack[-1] if stack else None
                    if dash is None:
                        if top is not None and top[0] == MAP and top[1] == col and top[3] is None:
                            map_col, items = col, top[2]   # the next key of an outer mapping
                    elif top is not None and top[3] is not None and top[0] == MAP and col >= top[1]:
                        # the first entry of the sequence that is the awaited value of a key
                        node = Sequence([], new_pos(Pos, (number, col + 1)))
                        top[2][top[3][0]] = (top[3][1], node)
                        top[3] = None
                        top = [SEQ, col, node.items, None, col == top[1]]
                        stack.append(top)
                        if len(stack) > _MAX_DEPTH:
                            raise Decline
                    if dash is not None and top is not None and top[0] == SEQ and top[1] == col and top[3] is None:
                        col = map_col = col + len(dash)   # the next entry: a mapping, with this key first
                        node = Mapping({}, new_pos(Pos, (number, col + 1)))
                        top[2].append(node)
                        items = node.items
                        stack.append([MAP, col, items, None, False])
                        if len(stack) > _MAX_DEPTH:
                            raise Decline
                        dash = None
                if dash is None and col == map_col:
                    if key in items or key == "<<" or len(key) > 1000:
                        raise Decline     # a duplicate key (PyYAML's path reports it), a merge key, a key
                                           # longer than PyYAML's simple keys (1024 characters)
                    key_pos = new_pos(Pos, (number, col + 1))
                    if value is None:      # the value is on the next lines
                        stack[-1][3] = (key, key_pos)
                        map_col = -1
                        continue
                    pos = new_pos(Pos, (number, col + len(key) + len(spaces) + 2))
                    first = value[0]
                    if first == '"' or first == "'":
                        value = value[1:-1]
                        items[key] = (key_pos, Scalar(value, value, False, pos))
                    else:
                        entry = values.get(first)
                        if entry is not None:    # plain_value, inline
                            hit = entry[0](value)
                            if hit is not None:
                                index = hit.lastindex
                                # at most 640 digits: the lowest int/str limit Python can be set to;
                                # a longer int goes to construct_plain, which declines what PyYAML refuses
                                if index == entry[2] and value.isdigit() and first != "0" and len(value) <= 640:
                                    built: Any = int(value)   # construct_yaml_int's decimal branch
                                else:
                                    built = construct(entry[1][index - 1], value)
                                items[key] = (key_pos, Scalar(built, value, True, pos))
                                continue
                        items[key] = (key_pos, Scalar(value, value, True, pos))
                    continue
            self.line(number, line)
            top = stack[-1] if stack else None
            if top is not None and top[0] == MAP and top[3] is None:
                map_col, items = top[1], top[2]
            else:
                map_col = -1
        for frame in stack:
            if frame[3] is not None:
                raise Decline             # a null value at the end
        return self.root

    def line(self, number: int, line: str) -> None:
        """Any line: blank, a comment, or block entries, a key and a value in the forms of _LINE."""
        m = _LINE.match(line)
        if m is None:
            if line.lstrip(" ").startswith("#"):
                return
            raise Decline
        indent, dashes, keypart, kp, kd, ks, vp, vd, vs, flow = m.groups()
        if not dashes and keypart is None and vp is None and vd is None and vs is None and flow is None:
            return                         # blank, or a comment
        Pos = yamlnodes.Pos
        col = len(indent)
        stack = self.stack
        top = stack[-1] if stack else None
        # the open collection that the line's first token belongs to
        while top is not None:
            if top[3] is not None:         # waiting for a value: it starts deeper, or is an indentless sequence
                if col > top[1] or (dashes and col == top[1] and top[0] == _MAP):
                    break
                raise Decline             # a null value
            if top[1] > col:
                stack.pop()
                top = stack[-1] if stack else None
                continue
            if top[1] == col:
                if top[0] == _MAP:
                    if keypart is not None and not dashes:
                        break
                elif dashes:
                    break
                elif top[4]:               # an indentless sequence ends at its mapping's next key
                    stack.pop()
                    top = stack[-1]
                    continue
            raise Decline                 # deeper than any open value, or the wrong kind of entry
        else:
            if self.root is not None:
                raise Decline             # more after the document's collection
        # block entries: the first continues its sequence or starts one, the others nest
        for offset, char in enumerate(dashes):
            if char == "-":
                column = col + offset
                if top is not None and top[0] == _SEQ and top[1] == column and top[3] is None:
                    top[3] = True
                    continue
                node = yamlnodes.Sequence([], Pos(number, column + 1))
                self.attach(node)
                indentless = top is not None and top[0] == _MAP and top[1] == column
                top = [_SEQ, column, node.items, True, indentless]
                stack.append(top)
                if len(stack) > _MAX_DEPTH:
                    raise Decline
        col += len(dashes)
        if keypart is not None:
            key = kp if kp is not None else kd if kd is not None else ks
            if not key or key == "<<" and kp is not None or len(keypart) > 1000:
                raise Decline             # an empty key, a merge key, a key too long for PyYAML
            key_pos = Pos(number, col + 1)
            if top is not None and top[0] == _MAP and top[1] == col and top[3] is None:
                if key in top[2]:
                    raise Decline         # a duplicate key
                top[3] = (key, key_pos)
            else:
                node = yamlnodes.Mapping({}, key_pos)
                self.attach(node)
                top = [_MAP, col, node.items, (key, key_pos), False]
                stack.append(top)
                if len(stack) > _MAX_DEPTH:
                    raise Decline
            col += len(keypart)
        if vp is not None:
            node = yamlnodes.Scalar(plain_value(vp, self.values), vp, True, Pos(number, col + 1))
        elif vd is not None or vs is not None:
            text = vd if vd is not None else vs
            node = yamlnodes.Scalar(text, text, False, Pos(number, col + 1))
        elif flow is not None:
            node, end = _flow(line, col, number, self.values, len(stack) + 1)
            if _END.match(line, end) is None:
                raise Decline
        else:
            return                         # the value is on the next lines
        if top is None and isinstance(node, yamlnodes.Scalar):
            raise Decline                 # a scalar document: PyYAML may fold the next lines into it
        self.attach(node)

    def attach(self, node: yamlnodes.Node) -> None:
        """`node` becomes the value that the innermost collection waits for, or the document."""
        top = self.stack[-1] if self.stack else None
        if top is None:
            if self.root is not None:
                raise Decline
            self.root = node
            return
        pending = top[3]
        if pending is None:
            raise Decline
        if top[0] == _MAP:
            top[2][pending[0]] = (pending[1], node)
        else:
            top[2].append(node)
        top[3] = None


def _flow(line: str, start: int, number: int, values: dict, depth: int) -> tuple[yamlnodes.Node, int]:
    """The single-line flow collection at line[start], and the index after it."""
    if depth > _MAX_DEPTH:
        raise Decline
    pos = yamlnodes.Pos(number, start + 1)
    is_seq = line[start] == "["
    closer = "]" if is_seq else "}"
    items: Any = [] if is_seq else {}
    i = _SPACES.match(line, start + 1).end()
    if not line.startswith(closer, i):
        while True:
            if is_seq:
                value, i = _flow_item(line, i, number, values, depth)
                items.append(value)
            else:
                m = _FLOW_SCALAR.match(line, i)
                if m is None:
                    raise Decline
                plain, dquoted, squoted = m.groups()
                key = plain if plain is not None else dquoted if dquoted is not None else squoted
                colon = _FLOW_COLON.match(line, m.end())
                if not key or key in items or key == "<<" and plain is not None or colon is None \
                        or colon.end() - i > 1000:
                    raise Decline
                key_pos = yamlnodes.Pos(number, i + 1)
                value, i = _flow_item(line, colon.end(), number, values, depth)
                items[key] = (key_pos, value)
            i = _SPACES.match(line, i).end()
            if line.startswith(closer, i):
                break
            if not line.startswith(",", i):
                raise Decline
            i = _SPACES.match(line, i + 1).end()
    node = yamlnodes.Sequence(items, pos) if is_seq else yamlnodes.Mapping(items, pos)
    return node, i + 1


def _flow_item(line: str, i: int, number: int, values: dict, depth: int) -> tuple[yamlnodes.Node, int]:
    if line.startswith(("[", "{"), i):
        return _flow(line, i, number, values, depth + 1)
    m = _FLOW_SCALAR.match(line, i)
    if m is None:
        raise Decline
    plain, dquoted, squoted = m.groups()
    pos = yamlnodes.Pos(number, i + 1)
    if plain is not None:
        return yamlnodes.Scalar(plain_value(plain, values), plain, True, pos), m.end()
    text = dquoted if dquoted is not None else squoted
    return yamlnodes.Scalar(text, text, False, pos), m.end()
