"""The layout's promises: no import circle, and a coaching domain that runs without the web.

Imports are read from the source (every ``import``, also those inside functions), so a circle
that only shows at run time, when a function is first called, is caught too. An edge goes to the
module an import names: ``from .x import y`` to ``x``, or to ``x.y`` when that is a module.
"""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("service", "models")


def module_files() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def imported(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The project modules one module imports, wherever in it the import stands."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:
                full = f"{base}.{alias.name}"
                targets.add(full if full in modules else base)
    return {t for t in targets if t in modules and t != name}


def import_graph() -> dict[str, set[str]]:
    modules = module_files()
    return {name: imported(name, path, modules) for name, path in modules.items()}


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(10000)
    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_circle_among_the_projects_modules():
    graph = import_graph()
    assert len(graph) > 50 and graph["service.app"], "the graph must see the project"
    assert circles(graph) == []


def test_the_circle_finder_finds_one():
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_coaching_domain_imports_nothing_of_the_web_layer():
    graph = import_graph()
    domain = {m for m in graph if m == "service.coach" or m.startswith("service.coach.")}
    outside = {(m, t) for m in domain for t in graph[m] if t not in domain}
    assert outside == set()


def test_the_coaching_domain_loads_without_flask():
    domain = sorted(m for m in module_files() if m.startswith("service.coach"))
    code = ("import importlib, sys\n"
            "for name in ('flask', 'werkzeug', 'flask_smorest'):\n"
            "    sys.modules[name] = None\n"
            f"for name in {domain!r}:\n"
            "    importlib.import_module(name)\n"
            "print('loaded', len(sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("loaded")


def test_contributing_lists_every_module_and_nothing_that_is_gone():
    import re

    table = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `([^`]+)` \|", table, re.M))
    modules = {str(p.relative_to(ROOT)) for p in module_files().values()}
    folders = {entry for entry in listed if entry.endswith("/")}
    covered = {m for m in modules if any(m.startswith(f) for f in folders if f.count("/") > 1)}
    assert modules - covered - listed == set(), "modules missing from CONTRIBUTING.md's layout"
    assert {e for e in listed if not (ROOT / e).exists()} == set(), "listed but not in the tree"
