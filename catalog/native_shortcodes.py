"""The built-in shortcodes a page calls most, run as Python when their template is the
packaged theme's own.

`relref`, `ref` and `param` are a third to a half of the calls of a typical docs page, and
their templates only pick an argument and print what one function returns; through Jinja
each call still costs a context, a render and its output joined (~12 us, more than the
reference lookup it wraps). When the template in effect for such a shortcode is byte for
byte the packaged one (a project that writes its own `layouts/shortcodes/relref.html` gets
that template, always), the call is answered by the function below, which does what the
template does: the same argument, the same function of the page run (so the same
diagnostics), the same escaping. tests/test_native_shortcodes.py holds each to its
template's output over many calls, errors included.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from markupsafe import Markup, escape

from .shortcodes import Call
from .template_views import _get

# what a native shortcode is given: the call, and the page run's functions (relref, param, ...)
Native = Callable[[Call, dict[str, Any]], Markup]


def _path_arg(call: Call) -> Any:
    """`get(0) if args else get("path")`."""
    return _get(call.args, call.kwargs, 0, None) if call.args else _get(call.args, call.kwargs, "path", None)


def _relref(call: Call, functions: dict[str, Any]) -> Markup:
    path = _path_arg(call)
    if path is None:
        functions["error"]("relref needs the path of a page", hint='write {{< relref "section/page.md" >}}')
    return escape(functions["relref"](path))


def _ref(call: Call, functions: dict[str, Any]) -> Markup:
    path = _path_arg(call)
    if path is None:
        functions["error"]("ref needs the path of a page", hint='write {{< ref "section/page.md" >}}')
    return escape(functions["ref"](path))


def _param(call: Call, functions: dict[str, Any]) -> Markup:
    name = _get(call.args, call.kwargs, 0, None) or _get(call.args, call.kwargs, "name", None)
    if not name:
        functions["error"]("param needs the name of a parameter", hint='write {{< param "name" >}}')
    return escape(functions["go_print"](functions["param"](name)))


NATIVE: dict[str, Native] = {"relref": _relref, "ref": _ref, "param": _param}


def natives(shortcodes: Path | None, template_file: Callable[[str], str | None]) -> dict[str, Native]:
    """The native shortcodes that may stand in for their templates: those whose template in
    effect (`template_file(name)`: its file, None when there is none) has the bytes of the
    packaged theme's, in `shortcodes` (the packaged theme's shortcodes folder)."""
    if shortcodes is None:
        return {}
    found: dict[str, Native] = {}
    for name, function in NATIVE.items():
        used = template_file(name)
        try:
            if used is not None and Path(used).read_bytes() == (shortcodes / f"{name}.html").read_bytes():
                found[name] = function
        except OSError:
            continue  # unreadable now: the template renders it, and reports what goes wrong
    return found
