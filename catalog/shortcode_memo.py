"""Shortcode output remembered by its arguments, for templates that read nothing else.

A DocDock page calls `icon` or `emoticon` many times, often with the same arguments on
many pages, and each call costs a Jinja context, the template's imports and its body
(`{{< icon "fa-cog" >}}` ~40 us, most of a shortcode-heavy page's time). Such a call's
output is a function of its arguments when its template reads nothing of the page, the
site or the call's place: then the first call's output serves every later call with the
same name, notation and arguments, for the life of the body renderer (one build; a
template edit makes a new one).

Which templates qualify is read from their syntax tree: every name a template (or a
template it includes or imports) reads must be one of the call's own (`get`, `args`,
`kwargs`, `name`, `markup`, `notation`), `error` or `warn`, Jinja's own `range`, `dict`,
`cycler`, `joiner` or `namespace`, or a name neither the call's context nor the globals
provide (its own variables, or undefined whatever the page); the `random` filter rules a
template out. A call whose render reported anything (`warn`,
`error`, a failure) is not remembered, so each such call reports at its own place.
"""
from __future__ import annotations

from typing import Any, Hashable

import jinja2
from jinja2 import nodes
from markupsafe import Markup

from .shortcodes import Call

# what a call's output may depend on: its own arguments, and functions that only report
_CALL_NAMES = frozenset({"get", "args", "kwargs", "name", "markup", "notation", "error", "warn"})
# Jinja's own globals that give the same result for the same input (not lipsum: random text)
_PURE_GLOBALS = frozenset({"range", "dict", "cycler", "joiner", "namespace"})
_IMPURE_FILTERS = frozenset({"random"})
# enough for every distinct icon of a large site; past it new outputs are not kept
MAX_ENTRIES = 20_000


class ShortcodeMemo:
    """Outputs of pure shortcode calls of one body renderer, by (name, notation, arguments)."""

    def __init__(self, env: jinja2.Environment) -> None:
        self._env = env
        self._pure: dict[str, bool] = {}  # template name -> reads only its call
        self._outputs: dict[Hashable, Markup] = {}

    @staticmethod
    def key(call: Call) -> Hashable | None:
        """The call's key; None for a paired call (its inner content is the page's)."""
        if call.paired:
            return None
        return call.name, call.notation, call.markup, tuple(call.args), tuple(call.kwargs.items())

    def get(self, key: Hashable) -> Markup | None:
        return self._outputs.get(key)

    def put(self, key: Hashable, template: jinja2.Template, context: dict[str, Any], output: Markup) -> None:
        """Remember `output` of a call that reported nothing, if its template reads only the call."""
        if len(self._outputs) < MAX_ENTRIES and template.name and self._is_pure(template.name, context):
            self._outputs[key] = output

    def _is_pure(self, name: str, context: dict[str, Any]) -> bool:
        pure = self._pure.get(name)
        if pure is None:
            # what a name the template reads may come from: the call's context, else the globals
            provided = (context.keys() | self._env.globals.keys()) - _CALL_NAMES - _PURE_GLOBALS
            pure = self._pure[name] = self._reads_only(name, frozenset(provided), set())
        return pure

    def _reads_only(self, name: str, provided: frozenset[str],
                    seen: set[tuple[str, frozenset[str]]]) -> bool:
        """Whether template `name` (and what it includes or imports) reads none of `provided`."""
        if (name, provided) in seen:
            return True  # a cycle: each template on it is judged once
        seen.add((name, provided))
        try:
            source, _, _ = self._env.loader.get_source(self._env, name)  # type: ignore[union-attr]
            tree = self._env.parse(source)
        except jinja2.TemplateError:
            return False
        # every name read, even one the template also sets (where a branch leaves it unset it is
        # looked up outside): stricter than meta.find_undeclared_variables, and a tenth of its cost
        if any(node.name in provided for node in tree.find_all(nodes.Name) if node.ctx == "load"):
            return False
        if any(node.name in _IMPURE_FILTERS for node in tree.find_all(nodes.Filter)):
            return False
        globals_only = frozenset(self._env.globals.keys() - _PURE_GLOBALS)
        for node in tree.find_all((nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport)):
            target = node.template
            if not isinstance(target, nodes.Const) or not isinstance(target.value, str):
                return False  # a template chosen at run time
            # an import without context sees only the globals; the others see the call's context
            sees = provided if getattr(node, "with_context", True) else globals_only
            if not self._reads_only(target.value, sees, seen):
                return False
        return True
