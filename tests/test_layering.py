"""The import graph, read from the code: arrows run one way.

- no cycles between the packages of `vividshift` (deferred imports count too);
- routes and pages import no `queries` module, and neither they nor `queries` modules
  open a transaction: services own the unit of work;
- the engine imports nothing of ours outside `vividshift.engine`.
"""

import ast
from collections import defaultdict
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "vividshift"


def _modules() -> dict[str, ast.Module]:
    out = {}
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC.parent).with_suffix("")
        name = ".".join(rel.parts).removesuffix(".__init__")
        out[name] = ast.parse(path.read_text(), str(path))
    return out


MODULES = _modules()


def _imports(module: str, tree: ast.Module) -> set[str]:
    """Every `vividshift…` module this one imports, anywhere in its body."""
    package = module if _is_package(module) else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{a.name}" for a in node.names)
    return {name for name in found if name in MODULES}


def _is_package(module: str) -> bool:
    return (SRC.parent / Path(*module.split(".")) / "__init__.py").exists()


def _package(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2]) if len(parts) > 1 else module


def _role(module: str) -> str:
    leaf = module.rpartition(".")[2]
    if leaf == "routes" or ".web.pages." in module:
        return "route"
    return "queries" if leaf.endswith("queries") else "other"


def _opens_transaction(tree: ast.Module) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in ("transaction", "savepoint"):
                return True
    return False


def test_no_package_cycles() -> None:
    edges: dict[str, set[str]] = defaultdict(set)
    for module, tree in MODULES.items():
        for target in _imports(module, tree):
            a, b = _package(module), _package(target)
            if a != b and a != "vividshift" and b != "vividshift":
                edges[a].add(b)
    cycles = []
    for start in sorted(edges):
        stack, seen = [(start, [start])], set()
        while stack:
            node, path = stack.pop()
            for nxt in sorted(edges[node]):
                if nxt == start:
                    cycles.append(" → ".join([*path, start]))
                elif nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, [*path, nxt]))
    assert not cycles, cycles


def test_routes_and_pages_import_no_queries() -> None:
    offenders = sorted(
        f"{module} imports {target}"
        for module, tree in MODULES.items()
        if _role(module) == "route"
        for target in _imports(module, tree)
        if _role(target) == "queries"
    )
    assert not offenders, offenders


def test_only_services_open_transactions() -> None:
    offenders = sorted(
        module
        for module, tree in MODULES.items()
        if _role(module) in ("route", "queries") and _opens_transaction(tree)
    )
    assert not offenders, offenders


def test_the_engine_imports_nothing_of_ours() -> None:
    offenders = sorted(
        f"{module} imports {target}"
        for module, tree in MODULES.items()
        if module.startswith("vividshift.engine")
        for target in _imports(module, tree)
        if not target.startswith("vividshift.engine")
    )
    assert not offenders, offenders
