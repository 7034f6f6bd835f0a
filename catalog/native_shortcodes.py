"""The built-in shortcodes a page calls most, run as Python when their templates are the
packaged theme's own.

`relref`, `ref` and `param` are a third to a half of the calls of a typical docs page, and
the callouts, tabs and `highlight` most of the rest. Their templates pick arguments and
fill a few lines of markup; through Jinja each call still costs a context, a render, the
macros it imports (`import ... with context` makes a module at every call) and its output
joined: ~12 us for a `relref`, more than the reference lookup it wraps, ~25-80 us for a
callout or a tab group. When every template a shortcode renders with (its own, and the
partials it imports) is byte for byte the packaged one, the call is answered by the
function below, which does what the template does: the same arguments, the same
functions of the page run (so the same diagnostics), the same escaping and the same
white space. A project that writes its own `layouts/shortcodes/note.html` (or
`partials/callout.html`), or edits the packaged theme's, gets that template, always (the
templates are recognised by their sha256, native_templates.py). tests/test_native_shortcodes.py holds
each function to its templates' output over many calls, errors included.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from jinja2.filters import do_striptags
from markupsafe import Markup, escape

from .native_templates import WrittenFrom
from .shortcodes import Call
from .template_views import _get


@dataclass(frozen=True)
class Native:
    """A shortcode's stand-in: `function(call, names)`, where `names` is what its template is
    rendered with (`paired`: the whole context, a paired call's `inner`, `nested` and `uid`
    included; else only the page run's functions, for a leaf call)."""

    function: Callable[[Call, dict[str, Any]], Markup]
    paired: bool
    templates: tuple[str, ...]  # the templates it stands for: each must be the packaged one


def _path_arg(call: Call) -> Any:
    """`get(0) if args else get("path")`."""
    return _get(call.args, call.kwargs, 0, None) if call.args else _get(call.args, call.kwargs, "path", None)


def _relref(call: Call, names: dict[str, Any]) -> Markup:
    path = _path_arg(call)
    if path is None:
        names["error"]("relref needs the path of a page", hint='write {{< relref "section/page.md" >}}')
    return escape(names["relref"](path))


def _ref(call: Call, names: dict[str, Any]) -> Markup:
    path = _path_arg(call)
    if path is None:
        names["error"]("ref needs the path of a page", hint='write {{< ref "section/page.md" >}}')
    return escape(names["ref"](path))


def _param(call: Call, names: dict[str, Any]) -> Markup:
    name = _get(call.args, call.kwargs, 0, None) or _get(call.args, call.kwargs, "name", None)
    if not name:
        names["error"]("param needs the name of a parameter", hint='write {{< param "name" >}}')
    return escape(names["go_print"](names["param"](name)))


def _callout(kind: str, label: str, keep_title: bool | None = None) -> Callable[[Call, dict[str, Any]], Markup]:
    """partials/callout.html's `callout` macro, as note.html (keep_title None: only in Liquid
    notation) and warning, tip and info.html call it."""
    def render(call: Call, names: dict[str, Any]) -> Markup:
        get = names["get"]
        uid = escape(names["uid"])
        keep = names["notation"] == "liquid" if keep_title is None else keep_title
        title = get("title") if keep else None
        if not title:
            return Markup(f'<div class="callout callout-{kind}" role="note" aria-label="{label}">\n'
                          f'{names["inner"].html}\n</div>\n')
        heading = names["markdownify"](title) if names["notation"] == "liquid" else escape(do_striptags(title))
        return Markup(f'<div class="callout callout-{kind} callout-titled" role="note" '
                      f'aria-labelledby="{uid}-title">\n<div class="callout-title" id="{uid}-title">{heading}</div>\n'
                      f'<div class="callout-body">\n{names["inner"].html}\n</div>\n</div>\n')
    return render


def _tab(call: Call, names: dict[str, Any]) -> Markup:
    get = names["get"]
    title = get("name") or get("title") or get(0) or "Tab"
    uid = escape(names["uid"])
    return Markup(f'<div class="tab-pane" id="{uid}-panel" role="tabpanel" aria-labelledby="{uid}-tab" '
                  f'tabindex="0">\n<p class="tab-pane-label">{escape(title)}</p>\n{names["inner"].html}\n</div>')


def _tabs(call: Call, names: dict[str, Any]) -> Markup:
    get = names["get"]
    tabs = [tab for tab in names["nested"] if tab.name == "tab"]
    if not tabs:
        names["warn"]("tabs has no nested tab shortcodes", hint='put each pane in {{% tab name="..." %}} ... '
                                                               '{{% /tab %}}')
        return Markup(f'{names["inner"].html}\n')
    labels = [tab.get("name") or tab.get("title") or tab.get(0) or "Tab" for tab in tabs]
    return Markup(_tab_group(tabs, labels, get("name") or get("title") or "", get("groupId") or get("groupid") or "",
                             get("id") or "") + "\n")


def _tab_group(tabs: list[Any], labels: list[Any], aria_label: Any, group: Any, group_id: Any) -> str:
    """partials/tabs.html's `tab_group` macro."""
    pieces = ['<div class="tabs" data-tabs', f' data-tab-group="{escape(group)}"' if group else "",
              f' id="{escape(group_id)}"' if group_id else "", '>\n<div class="tab-list" role="tablist"',
              f' aria-label="{escape(aria_label)}"' if aria_label else "", ">\n"]
    for index, tab in enumerate(tabs):
        uid = escape(tab.uid)
        first = index == 0
        pieces.append(f'<button type="button" class="tab" role="tab" id="{uid}-tab" aria-controls="{uid}-panel" '
                      f'aria-selected="{"true" if first else "false"}" tabindex="{"0" if first else "-1"}">'
                      f'{escape(labels[index])}</button>\n')
    pieces.append("</div>\n")
    pieces.extend(f"{escape(tab.output)}\n" for tab in tabs)
    pieces.append("</div>")
    return "".join(pieces)


def _highlight(call: Call, names: dict[str, Any]) -> Markup:
    get = names["get"]
    lang = get(0) or get("lang") or ""
    if names["notation"] == "liquid":  # Jekyll writes bare `linenos` for a line-number table
        options = ", ".join("linenos=table" if word == "linenos" else word for word in names["args"][1:])
    else:
        options = get(1) or get("options") or ""
    return escape(names["highlight"](str(names["inner"]).strip("\r\n"), lang, options))


_SHORTCODES = "shortcodes/{}.html"
_CALLOUT = "partials/callout.html"
NATIVE: dict[str, Native] = {
    "relref": Native(_relref, False, (_SHORTCODES.format("relref"),)),
    "ref": Native(_ref, False, (_SHORTCODES.format("ref"),)),
    "param": Native(_param, False, (_SHORTCODES.format("param"),)),
    "note": Native(_callout("note", "Note"), True, (_SHORTCODES.format("note"), _CALLOUT)),
    "warning": Native(_callout("warning", "Warning", True), True, (_SHORTCODES.format("warning"), _CALLOUT)),
    "tip": Native(_callout("tip", "Tip", True), True, (_SHORTCODES.format("tip"), _CALLOUT)),
    "info": Native(_callout("info", "Info", True), True, (_SHORTCODES.format("info"), _CALLOUT)),
    "tab": Native(_tab, True, (_SHORTCODES.format("tab"),)),
    "tabs": Native(_tabs, True, (_SHORTCODES.format("tabs"), "partials/tabs.html")),
    "highlight": Native(_highlight, True, (_SHORTCODES.format("highlight"),)),
}


def natives(template_file: Callable[[str], str | None]) -> dict[str, Native]:
    """The natives that may stand in for their templates: those whose every template in
    effect (`template_file(name)`: its file, None when there is none) is the one the native
    was written from (native_templates.py)."""
    written_from = WrittenFrom(template_file)
    return {name: native for name, native in NATIVE.items() if all(map(written_from, native.templates))}
