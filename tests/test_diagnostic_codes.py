"""Every diagnostic code the build or `catalog check` can emit is registered in
catalog/codes.py, with the severity it is emitted at, and documented for users in
content/writing/diagnostics.md (or, for `catalog check`'s own, under "Checking a built
site"). The codes are found by reading the package's source, so a new code cannot be
added without the registry and the docs knowing."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from catalog.codes import CODES, Code
from catalog.diagnostics import Diagnostic, LocatedError

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "catalog"
DOCS = [ROOT / "content/writing/diagnostics.md", ROOT / "content/previewing-and-deploying/deploying.md"]
CODE = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
SEVERITIES = {"error", "warning"}
_PRINTED = re.compile(r"\[([a-z][a-z0-9]*(?:-[a-z0-9]+)+)\](?=\n|$)")
# calls that take a diagnostic code: Report.error/.warning, Fields.error, a page run's
# report, Diagnostic, LocatedError, a shortcode's abort/warn, catalog check's problems
EMITTERS = {"error", "warning", "report", "Diagnostic", "LocatedError", "abort", "warn", "check_target", "Problem"}


def _codes(expr: ast.expr) -> set[str]:
    """The codes an expression can be: a literal, either branch of `a if c else b`, or the
    family of an f-string such as f"shortcode-{name}" (written "shortcode-NAME")."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str) and CODE.match(expr.value):
        return set() if expr.value in SEVERITIES else {expr.value}
    if isinstance(expr, ast.IfExp):
        return _codes(expr.body) | _codes(expr.orelse)
    if isinstance(expr, ast.BoolOp):
        return set().union(*(_codes(value) for value in expr.values))
    if (isinstance(expr, ast.JoinedStr) and len(expr.values) == 2 and isinstance(expr.values[0], ast.Constant)
            and isinstance(expr.values[1], ast.FormattedValue) and CODE.match(expr.values[0].value.rstrip("-"))
            and expr.values[0].value.endswith("-")):
        return {expr.values[0].value + "NAME"}
    return set()


def _texty(expr: ast.expr) -> bool:
    return isinstance(expr, ast.JoinedStr) or (isinstance(expr, ast.Constant) and isinstance(expr.value, str)
                                               and " " in expr.value)


def emitted_codes() -> dict[str, set[str]]:
    """code -> the places ("module:line") that emit it."""
    found: dict[str, set[str]] = {}

    def add(codes: set[str], where: str) -> None:
        for code in codes:
            found.setdefault(code, set()).add(where)

    for path in sorted(PACKAGE.rglob("*.py")):
        module = path.relative_to(ROOT).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            where = f"{module}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if name in EMITTERS:
                    # the first code-like argument after the path or position (a severity is skipped)
                    for arg in node.args[0 if name == "LocatedError" else 1:]:
                        codes = _codes(arg)
                        if codes:
                            add(codes, where)
                            break
                    for keyword in node.keywords:
                        if keyword.arg == "code":
                            add(_codes(keyword.value), where)
            elif isinstance(node, ast.Tuple):   # (offset, code, message, hint) problems lists
                for first, second in zip(node.elts, node.elts[1:]):
                    if _texty(second):
                        add(_codes(first), where)
            elif isinstance(node, ast.Assign):  # CODE = "index-mismatch"
                if any(isinstance(t, ast.Name) and t.id.endswith("CODE") for t in node.targets):
                    add(_codes(node.value), where)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):  # printed: "... [import-exists]"
                add(set(_PRINTED.findall(node.value)), where)
    for template in sorted((ROOT / "themes").rglob("*.html")):
        text = template.read_text(encoding="utf-8")
        for match in re.finditer(r"""\bcode\s*=\s*["']([a-z0-9-]+)["']""", text):
            add({match.group(1)}, f"{template.relative_to(ROOT).as_posix()}:{text.count(chr(10), 0, match.start()) + 1}")
    return found


def test_the_scan_finds_the_codes_of_every_kind_of_emitter():
    found = emitted_codes()
    # one of each way a code is written: Report.error, a page run's report, a tuple of a
    # problems list, LocatedError, a CODE constant, a shortcode template, an f-string family
    for code in ("config-type", "shortcode-unknown", "shortcode-nesting", "ref-not-found", "index-mismatch",
                 "field-missing", "shortcode-NAME", "encoding", "link-fragment", "redirect-missing"):
        assert code in found, code


def test_every_emitted_code_is_registered():
    unregistered = {code: sorted(places) for code, places in emitted_codes().items() if code not in CODES}
    assert not unregistered, f"add these codes to catalog/codes.py: {unregistered}"


def test_every_registered_code_is_emitted_somewhere():
    stale = sorted(set(CODES) - set(emitted_codes()))
    assert not stale, f"registered in catalog/codes.py but emitted nowhere: {stale}"


def _documented() -> set[str]:
    text = "\n".join(path.read_text(encoding="utf-8") for path in DOCS)
    return set(re.findall(r"`([a-z][a-zA-Z0-9-]*)`", text))


def test_every_registered_code_is_documented():
    documented = _documented()
    missing = sorted(code for code in CODES if code not in documented)
    assert not missing, f"document these codes in content/writing/diagnostics.md: {missing}"


def test_registered_severities_are_the_ones_emitted():
    mismatched = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr in SEVERITIES:
                for arg in node.args:
                    for code in _codes(arg):
                        if code in CODES and CODES[code].severity not in (node.func.attr, "either"):
                            mismatched.append((code, node.func.attr, f"{path.name}:{node.lineno}"))
                    if _codes(arg):
                        break
    assert not mismatched


def test_registry_entries_say_what_they_mean():
    for code, entry in CODES.items():
        assert isinstance(entry, Code) and entry.severity in ("error", "warning", "either"), code
        assert entry.meaning and "\n" not in entry.meaning, code


# -- the located problem ---------------------------------------------------------------------

def test_a_located_error_is_given_its_position_where_it_is_known():
    problem = LocatedError("ref-not-found", 'page reference "x.md" not found', "write the path")
    assert str(problem) == 'page reference "x.md" not found'
    assert problem.diagnostic_at("content/a.md", 3, 5) == Diagnostic(
        "content/a.md", 3, 5, "error", "ref-not-found", 'page reference "x.md" not found', "write the path")
    located = problem.at("content/b.md", 7, 2)
    assert located is problem
    # a position given where the problem was found wins over the caller's guess
    assert located.diagnostic_at("content/a.md", 1, 1).format() == (
        'content/b.md:7:2: error: page reference "x.md" not found [ref-not-found]\n    hint: write the path')


def test_a_located_error_crosses_to_another_process_whole():
    import pickle
    problem = LocatedError("front-matter-syntax", "bad", "quote it").at("content/p.md", 4, 2)
    copy = pickle.loads(pickle.dumps(problem))
    assert copy.diagnostic == problem.diagnostic


@pytest.mark.parametrize("old", ["RefError", "ShortcodeAbort", "DiagnosticError", "YamlSyntaxError"])
def test_one_exception_type_carries_a_problem(old):
    for path in PACKAGE.rglob("*.py"):
        assert old not in path.read_text(encoding="utf-8"), path
