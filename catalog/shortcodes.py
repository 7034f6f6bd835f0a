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
from typing import Callable, Iterator

from .diagnostics import Diagnostic, Lines

# Liquid block tags of the Jekyll sites we render, each closed by `{% endNAME %}`.
LIQUID_BLOCKS = frozenset({"inittab", "tabcontent", "info", "warning", "note", "tip", "summary", "highlight"})
_LIQUID_TAGS = LIQUID_BLOCKS | {"raw"}  # a '{% raw %}' left open is an error too

# Nesting deeper than this is an unclosed tag repeated, not a page; rendering recurses per level.
MAX_DEPTH = 32

# The scanner finds each tag's opening with one pattern and its end with another, searched
# forward once per page (see _Next): a page with many unclosed '{{<' or '{%' costs linear
# time, where one lazy regex over the whole tag rescans the rest of the page per opening.
_OPENER = re.compile(r"\{\{[<%]|\{%")
_SHORTCODE_HEAD = re.compile(r"\{\{(?P<open>[<%])\s*(?P<close>/)?\s*(?P<name>[A-Za-z0-9_][\w./-]*)")
_SHORTCODE_END = re.compile(r"[>%]\}\}")
_ESCAPE_END = re.compile(r"\*/[>%]\}\}")  # {{</* x */>}}: output literally
_RAW = re.compile(r"\{%-?\s*raw\s*-?%\}")
_ENDRAW = re.compile(r"\{%-?\s*endraw\s*-?%\}")
# Liquid's tag name (Block's FullToken, `{%\s*(\w+)\s*(.*)?%}`, in Ruby where \w and \s are
# ASCII): letters, digits and '_'. What follows the name is the tag's markup, even with no
# space between: `{%info²%}` is the tag 'info' with the markup '²'.
_LIQUID_HEAD = re.compile(r"\{%-?[ \t\n\v\f\r]*(?P<end>end)?(?P<name>[A-Za-z0-9_]+)")
_LIQUID_SPACE = " \t\n\v\f\r"
_LIQUID_END = re.compile(r"%\}")


@dataclass(slots=True)
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


@dataclass(slots=True)
class Literal:
    """Text that looks like a tag but must be output as written (escapes, {% raw %})."""

    start: int
    end: int
    text: str


@dataclass(slots=True)
class _Tag:
    """One tag as the scanner read it: a shortcode or Liquid tag, a literal, or a problem."""

    start: int
    end: int
    name: str = ""
    notation: str = ""  # "<", "%" or "liquid"
    closing: bool = False
    markup: str = ""
    self_closing: bool = False
    literal: str | None = None  # text to output as written
    problem: tuple[str, str, str] | None = None  # (code, message, hint): a tag that cannot be read
    oddity: tuple[str, str, str] | None = None  # (code, message, hint): read, as Liquid reads it, but suspect


@dataclass
class Parsed:
    calls: list[Call]  # top-level calls, in source order
    literals: list[Literal]
    problems: list[tuple[int, str, str, str]]  # (offset, code, message, hint): errors
    # markup the original engine builds through, in a way the writer likely did not mean
    warnings: list[tuple[int, str, str, str]] = field(default_factory=list)


# a quoted value as an unrolled loop (runs of plain characters between escapes): the same
# matches as "(?:[^"\\]|\\.)*", without an alternation tried at every character (5x faster)
_ARGUMENT = re.compile(r'\s*(?:([\w-]+)\s*=\s*)?(?:"([^"\\]*(?:\\.[^"\\]*)*)"|`([^`]*)`|([^\s"`]+))')


def parse_args(markup: str) -> tuple[list[str], dict[str, str]]:
    """Hugo shortcode arguments: "quoted", `raw`, bare, and name="value" pairs."""
    args: list[str] = []
    kwargs: dict[str, str] = {}
    pattern = _ARGUMENT
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
    warnings: list[tuple[int, str, str, str]] = []
    stack: list[Call] = []
    open_at: dict[tuple[str, bool], list[int]] = {}  # (name, liquid?) -> stack depths of open calls
    tags = list(_scan(text))
    lines = Lines(text)
    last_closer = {(tag.name, tag.notation == "liquid"): tag.start for tag in tags if tag.closing}

    def attach(call: Call) -> None:
        (stack[-1].children if stack else top).append(call)

    for tag in tags:
        ours = tag.notation != "liquid" or tag.name in _LIQUID_TAGS or is_paired(tag.name, "liquid") is not None
        if tag.literal is not None:
            literals.append(Literal(tag.start, tag.end, tag.literal))
            continue
        if not ours:
            continue  # not one of ours: '{% if %}' in a Jinja example stays text
        if tag.problem is not None:
            problems.append((tag.start, *tag.problem))
            continue
        if tag.oddity is not None:
            warnings.append((tag.start, *tag.oddity))
        if tag.closing:
            key = (tag.name, tag.notation == "liquid")
            if not open_at.get(key):
                problems.append((tag.start, "shortcode-stray-close",
                                 f"closing tag for '{tag.name}' has no matching opening tag",
                                 "remove it, or add the opening tag before it"))
                continue
            depth = open_at[key][-1]
            for orphan in stack[depth + 1:]:
                line = lines.locate(tag.start)[0]
                problems.append((orphan.start, "shortcode-unclosed", f"unclosed shortcode '{orphan.name}'",
                                 f"close it before the closing tag of '{tag.name}' on line {line}"))
            call = stack[depth]
            _demote(_pop_to(stack, open_at, depth + 1), call.children)
            _pop_to(stack, open_at, depth)
            call.inner_end, call.end = tag.start, tag.end
            attach(call)
        else:
            try:
                args, kwargs = (parse_liquid_args(tag.markup) if tag.notation == "liquid" else parse_args(tag.markup))
            except ValueError as exc:
                problems.append((tag.start, "shortcode-args", f"shortcode '{tag.name}': {exc}",
                                 'quote values that contain spaces: name="two words"'))
                args, kwargs = [], {}
            call = Call(tag.name, tag.notation, tag.markup.strip(), args, kwargs, tag.start, tag.end,
                        end=tag.end, inner_end=tag.end)
            paired = False if tag.self_closing else is_paired(tag.name, tag.notation)
            if paired is None:
                # an unknown name is reported by the renderer; pair it when a closing tag follows,
                # so one misspelt name gives one error, not a second "stray closing tag"
                paired = last_closer.get((tag.name, tag.notation == "liquid"), -1) > tag.start
            if paired:
                call.paired = True
                open_at.setdefault((call.name, call.notation == "liquid"), []).append(len(stack))
                stack.append(call)
            else:
                attach(call)
    for call in stack:
        closer = f"{{% end{call.name} %}}" if call.notation == "liquid" else \
            f"{{{{{call.notation} /{call.name} {'>' if call.notation == '<' else '%'}}}}}"
        problems.append((call.start, "shortcode-unclosed", f"unclosed shortcode '{call.name}'",
                         f"close it with {closer} where its content ends"))
    _demote(stack, top)
    too_deep = _prune(top)
    if too_deep is not None:
        problems.append((too_deep.start, "shortcode-nesting",
                         f"shortcodes nested more than {MAX_DEPTH} levels deep; '{too_deep.name}' and what it "
                         "holds are not rendered", "close the shortcodes opened above it"))
    problems.sort(key=lambda p: p[0])
    return Parsed(top, literals, problems, warnings)


class _Next:
    """The first match of a pattern at or after a position, for positions that grow:
    each search resumes where the last one found its match, so a whole page costs one pass."""

    def __init__(self, pattern: re.Pattern[str], text: str) -> None:
        self.pattern, self.text = pattern, text
        self.searched, self.match = -1, None  # searched when first asked: most pages need one or two

    def after(self, pos: int) -> re.Match[str] | None:
        if pos < self.searched or self.searched < 0 or (self.match is not None and self.match.start() < pos):
            self.searched, self.match = pos, self.pattern.search(self.text, pos)
        return self.match


def _scan(text: str) -> Iterator[_Tag]:
    """Every tag of `text`, in order; text that only looks like the start of a tag is skipped."""
    ends = {pattern: _Next(pattern, text) for pattern in (_SHORTCODE_END, _ESCAPE_END, _ENDRAW, _LIQUID_END)}
    pos = 0
    while (opener := _OPENER.search(text, pos)) is not None:
        start = pos = opener.start()
        pos += 1  # unless a tag is read below: look again from the next character
        if text.startswith("/*", start + 3):
            end = ends[_ESCAPE_END].after(start + 5)
            if end is not None:
                yield _Tag(start, end.end(), literal="{{" + text[start + 2] + text[start + 5:end.start()]
                           + text[end.start() + 2] + "}}")
                pos = end.end()
        elif opener.group() != "{%":
            head = _SHORTCODE_HEAD.match(text, start)
            if head is None:
                continue
            name, notation = head.group("name"), head.group("open")
            end = ends[_SHORTCODE_END].after(head.end())
            if end is None:
                closer = ">}}" if notation == "<" else "%}}"
                yield _Tag(start, head.end(), name, notation, problem=(
                    "shortcode-syntax", f"shortcode '{name}' is never closed: no '{closer}' follows",
                    f"end the tag with {closer}"))
                continue
            pos = end.end()
            if end.group()[0] != notation.replace("<", ">"):
                yield _Tag(start, pos, name, notation, problem=(
                    "shortcode-syntax", f"shortcode '{name}' opens with '{{{{{notation}' but closes with "
                    f"'{end.group()}'", "use {{< name >}} or {{% name %}}, not a mix"))
                continue
            markup = text[head.end():end.start()].rstrip()
            self_closing = markup.endswith("/")
            yield _Tag(start, pos, name, notation, bool(head.group("close")), markup.removesuffix("/"), self_closing)
        elif raw := _RAW.match(text, start):
            end = ends[_ENDRAW].after(raw.end())
            if end is None:
                yield _Tag(start, raw.end(), "raw", "liquid", problem=(
                    "shortcode-unclosed", "unclosed '{% raw %}'", "close it with {% endraw %}"))
                pos = raw.end()
                continue
            yield _Tag(start, end.end(), literal=text[raw.end():end.start()])
            pos = end.end()
        elif head := _LIQUID_HEAD.match(text, start):
            name = head.group("name")
            end = ends[_LIQUID_END].after(head.end())
            if end is None:
                yield _Tag(start, head.end(), name, "liquid", problem=(
                    "shortcode-syntax", f"tag '{name}' is never closed: no '%}}' follows", "end the tag with %}"))
                continue
            pos = end.end()
            markup = text[head.end():end.start()].removesuffix("-")
            yield _Tag(start, pos, name, "liquid", bool(head.group("end")), markup,
                       oddity=_glued_markup(text[start:pos], head.group(0).lstrip("{%-" + _LIQUID_SPACE), markup))


def _glued_markup(tag: str, name: str, markup: str) -> tuple[str, str, str] | None:
    """The warning for markup written against the tag name (`{%info²%}`), which Liquid reads
    as the name's arguments: most likely a typo, and it changes nothing visible."""
    if not markup or markup[0] in _LIQUID_SPACE:
        return None
    tag = tag if len(tag) <= 60 else tag[:57] + "..."
    return ("liquid-tag-name", f"'{tag}' is read as the tag '{name}' followed by '{markup.strip()}', as Liquid "
            "reads it", f"write {{% {name} %}} if '{markup.strip()}' is a typo, or put a space after '{name}'")


def _pop_to(stack: list[Call], open_at: dict[tuple[str, bool], list[int]], depth: int) -> list[Call]:
    """Take the calls above `depth` off the stack (and out of `open_at`), outermost first."""
    popped = stack[depth:]
    del stack[depth:]
    for call in popped:
        open_at[(call.name, call.notation == "liquid")].pop()
    return popped


def _demote(calls: list[Call], siblings: list[Call]) -> None:
    """Unclosed calls become standalone; the calls inside them move up among `siblings`,
    so the problems inside them are still found."""
    for call in calls:
        call.paired = False
        siblings.append(call)
        siblings.extend(call.children)
        call.children = []
    siblings.sort(key=lambda c: c.start)


def _prune(calls: list[Call]) -> Call | None:
    """Drop the calls nested deeper than MAX_DEPTH (rendering recurses once per level);
    returns the first one dropped."""
    first: Call | None = None
    level = [(call, 1) for call in calls]
    while level:
        call, depth = level.pop()
        if depth == MAX_DEPTH and call.children:
            dropped = min(call.children, key=lambda c: c.start)
            first = dropped if first is None or dropped.start < first.start else first
            call.children = []
        level.extend((child, depth + 1) for child in call.children)
    return first
