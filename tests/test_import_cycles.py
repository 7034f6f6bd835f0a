"""No import cycles in the package, also none hidden behind an import inside a function:
every module's imports are read with ast (module level, functions, TYPE_CHECKING blocks
alike), and the graph they make must be acyclic."""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "catalog"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def import_graph() -> dict[str, set[str]]:
    """module -> the package's modules it imports (`from . import x` counts as importing x)."""
    modules = {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")
                    base = base[: len(base) - (node.level - 1)]
                    stem = ".".join(base + ([node.module] if node.module else []))
                else:
                    stem = node.module or ""
                targets = [f"{stem}.{alias.name}" for alias in node.names] + [stem]
            for target in targets:
                # the longest name that is a module: `from .x import f` imports x, `from . import x` x
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name and not (target == package and node_is_from_package(node)):
                    graph[name].add(target)
    return graph


def node_is_from_package(node: ast.AST) -> bool:
    """`from . import x` names the package only to reach x; it runs the package's __init__,
    which is fine as long as __init__ does not import back, and that edge is kept."""
    return isinstance(node, ast.ImportFrom) and node.module is None


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One cycle as [a, b, ..., a], or [] when the graph has none."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        stack.append(node)
        for child in sorted(graph[node]):
            if state.get(child) == 1:
                return stack[stack.index(child):] + [child]
            if child not in state:
                found = visit(child)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return []

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return []


def test_the_package_has_no_import_cycle():
    cycle = find_cycle(import_graph())
    assert not cycle, " -> ".join(cycle)


def test_the_check_sees_imports_inside_functions():
    graph = import_graph()
    # a module-level import, one inside a function, a relative one from a subpackage,
    # and `from . import x`
    assert "catalog.diagnostics" in graph["catalog.build"]
    assert "catalog.serve" in graph["catalog.cli"]   # imported inside main()
    assert "catalog.diagnostics" in graph["catalog.plugins.yamlsource"]
    assert "catalog.plugins.yamlnodes" in graph["catalog.plugins.fastyaml"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) == []

