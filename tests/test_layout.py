"""The package's layout: the pipeline's stages import only the stages before them, and no module
imports itself through others. Read from the source (imports under TYPE_CHECKING are for types
only and do not count), so that a stray import fails here rather than in a reviewer's head."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "brief"

# raw → brief → site model → pages → output, then what uses the output. Each stage may import
# the ones listed, and the shared modules at the package's top (config, errors, model, …).
STAGES: dict[str, set[str]] = {
    "data": set(),
    "content": set(),
    "ingest": {"data", "content"},
    "site": {"content"},
    "render": {"site"},
    "builder": {"content", "ingest", "site", "render"},
    "serve": {"builder"},
    "deploy": set(),
    "scaffold": set(),
}
ENTRY_POINTS = {"brief.cli", "brief.__main__", "brief.check"}  # they wire the stages together


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        name = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__")
        found[name] = path
    return found


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for_types = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
        for node in ast.walk(block)
    }
    found = set()
    for node in ast.walk(tree):
        if id(node) in for_types:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "brief":
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                found.add(full if full in modules else node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "brief")
    return found


def _stage(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in STAGES else None


def test_stages_import_only_the_stages_before_them():
    modules = _modules()
    wrong = []
    for name, path in modules.items():
        if name in ENTRY_POINTS:
            continue
        stage = _stage(name)
        allowed = {stage} | STAGES[stage] if stage else {"data"}  # shared modules: data files only
        for target in _imports(path, modules):
            other = _stage(target)
            if other is not None and other not in allowed:
                wrong.append(f"{name} imports {target}")
    assert not wrong, wrong


def test_no_module_imports_itself_through_others():
    modules = _modules()
    graph = {name: _imports(path, modules) & modules.keys() for name, path in modules.items()}
    cycles = []
    for start in graph:
        seen, todo = set(), list(graph[start])
        while todo:
            name = todo.pop()
            if name == start:
                cycles.append(start)
                break
            if name not in seen:
                seen.add(name)
                todo.extend(graph[name])
    assert not cycles, f"modules on an import cycle: {sorted(cycles)}"
