"""Shortcode syntax: Hugo's `{{< name >}}` / `{{% name %}}` and Jekyll's Liquid `{% tag %}`.

`parse()` turns a page body into a tree of `Call`s, pairing opening and closing
tags, and reports every unclosed, stray or mismatched tag with its position
instead of stopping at the first (Hugo stops the whole build there). Rendering the
calls is `render.py`'s job; this module only knows the syntax.
"""
from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from typing import Callable

from .diagnostics import Diagnostic

# Liquid block tags of the Jekyll sites we render, each closed by `{% endNAME %}`.
LIQUID_BLOCKS = frozenset({"inittab", "tabcontent", "info", "warning", "note", "tip", "summary", "highlight"})

_TOKEN = re.compile(
    r"\{\{(?P<esc_open>[<%])/\*(?P<esc_body>.*?)\*/(?P<esc_close>[>%])\}\}"  # {{</* x */>}}: literal
    r"|\{\{(?P<open>[<%])\s*(?P<close>/)?\s*(?P<name>[A-Za-z0-9_][\w./-]*)(?P<args>.*?)(?P<self>/)?\s*(?P<end>[>%])\}\}"
    r"|\{%-?\s*raw\s*-?%\}(?P<raw>.*?)\{%-?\s*endraw\s*-?%\}"
    r"|\{%-?\s*(?P<lend>end)?(?P<lname>[A-Za-z_]\w*)(?P<largs>(?:[^%]|%(?!\}))*?)\s*-?%\}",
    re.S,
)


@dataclass
class Call:
    """One shortcode or Liquid tag in the source, with its inner calls."""

    name: str
    notation: str  # "<", "%" or "liquid"
    markup: str  # raw argument text
    args: list[str]
    kwargs: dict[str, str]
    start: int  # offset of the opening tag
    open_end: int  # offset just after the opening tag
    end: int = 0  # offset just after the closing tag (or the opening tag when standalone)
    inner_end: int = 0  # offset of the closing tag
    paired: bool = False
    children: list["Call"] = field(default_factory=list)
    uid: str = ""  # page-unique id, given when rendered, so a parent can address a nested pane


@dataclass
class Literal:
    """Text that looks like a tag but must be output as written (escapes, {% raw %})."""

    start: int
    end: int
    text: str


@dataclass
class Parsed:
    calls: list[Call]  # top-level calls, in source order
    literals: list[Literal]
    problems: list[tuple[int, str, str, str]]  # (offset, code, message, hint)


def parse_args(markup: str) -> tuple[list[str], dict[str, str]]:
    """Hugo shortcode arguments: "quoted", `raw`, bare, and name="value" pairs."""
    args: list[str] = []
    kwargs: dict[str, str] = {}
    pattern = re.compile(r'\s*(?:([\w-]+)\s*=\s*)?(?:"((?:[^"\\]|\\.)*)"|`([^`]*)`|([^\s"`]+))')
    pos = 0
    markup = markup.strip()
    while pos < len(markup):
        match = pattern.match(markup, pos)
        if not match or match.end() == pos:
            raise ValueError(f"cannot read the arguments at: {markup[pos:]!r}")
        key, quoted, raw, bare = match.groups()
        value = (quoted.replace('\\"', '"') if quoted is not None else raw if raw is not None else bare)
        if key:
            kwargs[key] = value
        else:
            args.append(value)
        pos = match.end()
    return args, kwargs


def parse_liquid_args(markup: str) -> tuple[list[str], dict[str, str]]:
    """Liquid tag arguments as the Jekyll sites write them: parts split on '|', `key=value`."""
    args: list[str] = []
    kwargs: dict[str, str] = {}
    for part in markup.split("|"):
        part = part.strip()
        if not part:
            continue
        key, eq, value = part.partition("=")
        if eq and re.fullmatch(r"[\w-]+", key.strip()):
            kwargs[key.strip()] = value.strip().strip("\"'")
        else:
            try:
                args.extend(shlex.split(part))
            except ValueError:
                args.extend(part.split())
    return args, kwargs


def parse(text: str, is_paired: Callable[[str, str], bool | None]) -> Parsed:
    """Parse `text`. `is_paired(name, notation)` says whether a tag needs a closing tag:
    True, False, or None for an unknown name (reported by the renderer, not here)."""
    top: list[Call] = []
    literals: list[Literal] = []
    problems: list[tuple[int, str, str, str]] = []
    stack: list[Call] = []

    def attach(call: Call) -> None:
        (stack[-1].children if stack else top).append(call)

    for match in _TOKEN.finditer(text):
        if match.group("esc_open"):
            literal = "{{" + match.group("esc_open") + match.group("esc_body") + match.group("esc_close") + "}}"
            literals.append(Literal(match.start(), match.end(), literal))
            continue
        if match.group("raw") is not None:
            literals.append(Literal(match.start(), match.end(), match.group("raw")))
            continue
        if match.group("open"):
            name, closing, notation = match.group("name"), bool(match.group("close")), match.group("open")
            markup = match.group("args") or ""
            if match.group("open") != match.group("end").replace(">", "<"):
                problems.append((match.start(), "shortcode-syntax",
                                 f"shortcode '{name}' opens with '{{{{{match.group('open')}' but closes with "
                                 f"'{match.group('end')}}}}}'",
                                 "use {{< name >}} or {{% name %}}, not a mix"))
                continue
            self_closing = bool(match.group("self"))
        else:
            name = match.group("lname")
            closing = bool(match.group("lend"))
            notation, markup, self_closing = "liquid", match.group("largs") or "", False
            if name not in LIQUID_BLOCKS and is_paired(name, "liquid") is None:
                continue  # not one of ours: '{% if %}' in a Jinja example stays text
        if closing:
            closed = _close(name, notation, match, stack, problems, text)
            if closed is not None:
                attach(closed)
            continue
        try:
            args, kwargs = (parse_liquid_args(markup) if notation == "liquid" else parse_args(markup))
        except ValueError as exc:
            problems.append((match.start(), "shortcode-args", f"shortcode '{name}': {exc}",
                             'quote values that contain spaces: name="two words"'))
            args, kwargs = [], {}
        call = Call(name, notation, markup.strip(), args, kwargs, match.start(), match.end(),
                    end=match.end(), inner_end=match.end())
        paired = False if self_closing else is_paired(name, notation)
        if paired is None:
            # an unknown name is reported by the renderer; pair it when a closing tag follows,
            # so one misspelt name gives one error, not a second "stray closing tag"
            paired = _has_closer(text, match.end(), name, notation)
        if paired:
            call.paired = True
            stack.append(call)
        else:
            attach(call)
    while stack:
        call = stack.pop()
        _demote(call, stack[-1].children if stack else top)
        closer = f"{{% end{call.name} %}}" if call.notation == "liquid" else \
            f"{{{{{call.notation} /{call.name} {'>' if call.notation == '<' else '%'}}}}}"
        problems.append((call.start, "shortcode-unclosed", f"unclosed shortcode '{call.name}'",
                         f"close it with {closer} where its content ends"))
    problems.sort(key=lambda p: p[0])
    return Parsed(top, literals, problems)


def _close(name: str, notation: str, match: re.Match[str], stack: list[Call],
           problems: list[tuple[int, str, str, str]], text: str) -> Call | None:
    """Pop the call this closing tag ends; calls opened after it and never closed are reported."""
    for depth in range(len(stack) - 1, -1, -1):
        if stack[depth].name == name and (stack[depth].notation == "liquid") == (notation == "liquid"):
            break
    else:
        problems.append((match.start(), "shortcode-stray-close",
                         f"closing tag for '{name}' has no matching opening tag",
                         "remove it, or add the opening tag before it"))
        return None
    while len(stack) > depth + 1:
        orphan = stack.pop()
        _demote(orphan, stack[-1].children)
        problems.append((orphan.start, "shortcode-unclosed", f"unclosed shortcode '{orphan.name}'",
                         f"close it before the closing tag of '{name}' on line {_line(text, match.start())}"))
    call = stack.pop()
    call.inner_end = match.start()
    call.end = match.end()
    return call


def _has_closer(text: str, start: int, name: str, notation: str) -> bool:
    if notation == "liquid":
        pattern = r"\{%-?\s*end" + re.escape(name) + r"\s*-?%\}"
    else:
        pattern = r"\{\{[<%]\s*/\s*" + re.escape(name) + r"\s*[>%]\}\}"
    return re.search(pattern, text[start:]) is not None


def _demote(call: Call, siblings: list[Call]) -> None:
    """An unclosed call becomes standalone; the calls inside it move up one level, so
    the problems inside them are still found."""
    call.paired = False
    siblings.append(call)
    siblings.extend(call.children)
    call.children = []
    siblings.sort(key=lambda c: c.start)


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1
