"""The package's modules import each other without a cycle, read statically from the source.

Every import counts, at module level or inside a function (a lazy import is still a dependency),
and so does ``importlib.import_module("hemscore...")`` with a literal name, which is how the
command table and the format registry load their modules. A cycle means two modules that cannot
be understood, tested or moved apart.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "hemscore"

#: Edges known to close a cycle, each in a module restructured elsewhere; listed so that the
#: rest of the graph is checked now. The test below fails once an edge is gone, so the list
#: only ever shrinks.
KNOWN: frozenset[tuple[str, str]] = frozenset(
    {
        # Assessment.to_dict/to_json/to_records call the public API, which imports assessment.
        ("hemscore.engine.assessment", "hemscore.api"),
    }
)


def modules(root: Path = SRC) -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its ``__init__.py``)."""
    found = {}
    for path in root.rglob("*.py"):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _resolve(name: str, known: dict[str, Path]) -> str | None:
    """The module an imported name lives in: itself, or its closest enclosing module."""
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name or None


def _targets(tree: ast.AST, known: dict[str, Path]) -> set[str]:
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "imports inside the package are absolute"
            base = node.module or ""
            # ``from hemscore.cli import analysis`` imports the module hemscore.cli.analysis
            names += [
                f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names
            ]
        elif (
            isinstance(node, ast.Call)
            and (getattr(node.func, "attr", None) or getattr(node.func, "id", None))
            == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            names.append(node.args[0].value)
    return {m for n in names if n.startswith("hemscore") and (m := _resolve(n, known))}


def import_graph(root: Path = SRC) -> dict[str, set[str]]:
    """Module -> the modules of the package it imports (itself left out)."""
    known = modules(root)
    return {
        name: _targets(ast.parse(path.read_text(encoding="utf-8")), known) - {name}
        for name, path in known.items()
    }


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_package_has_no_import_cycle() -> None:
    graph = import_graph()
    for a, b in KNOWN:
        graph[a].discard(b)
    assert cycles(graph) == []


def test_every_known_edge_still_exists() -> None:
    graph = import_graph()
    assert [e for e in sorted(KNOWN) if e[1] not in graph[e[0]]] == []


def test_only_the_command_table_names_the_command_modules() -> None:
    """The command table is the only place that names the command modules."""
    graph = import_graph()
    table = "hemscore.cli.app"
    commands = {"hemscore.cli.assess", "hemscore.cli.checks", "hemscore.cli.analysis"}
    commands.add("hemscore.cli.importing")
    for name, targets in graph.items():
        if name != table:
            assert not (targets & commands), name


def _graph_of(tmp_path: Path, files: dict[str, str]) -> dict[str, set[str]]:
    root = tmp_path / "hemscore"
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return import_graph(root)


@pytest.mark.parametrize(
    "b_text",
    [
        "from hemscore.a import x\n",
        "def f():\n    from hemscore import a\n",
        "import importlib\n\ndef f():\n    importlib.import_module('hemscore.a')\n",
        "from importlib import import_module\nimport_module('hemscore.a.inner')\n",
    ],
    ids=["module level", "lazy", "import_module", "submodule by name"],
)
def test_a_cycle_is_found_however_the_import_is_written(tmp_path: Path, b_text: str) -> None:
    graph = _graph_of(
        tmp_path,
        {
            "__init__.py": "",
            "a/__init__.py": "from hemscore.b import y\n",
            "a/inner.py": "from hemscore.b import y\n",
            "b.py": b_text,
        },
    )
    assert cycles(graph) != []


def test_no_cycle_is_found_in_a_chain(tmp_path: Path) -> None:
    graph = _graph_of(
        tmp_path,
        {
            "__init__.py": "",
            "a.py": "from hemscore.b import y\n",
            "b.py": "import importlib\nimportlib.import_module('hemscore.c')\n",
            "c.py": "import os\n",
        },
    )
    assert graph["hemscore.b"] == {"hemscore.c"}
    assert cycles(graph) == []
