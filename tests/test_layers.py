"""The package's layers: imports run only downward, Rich stays in the drawing layers, no cycles.

``docs/architecture.md`` names the layers bottom to top; the tests below hold the code to that
order three ways: statically (every ``import`` in the source), dynamically (each layer imported
alone in a fresh interpreter, then ``sys.modules`` read), and for the dynamic imports that
registries make (``importlib.import_module`` may appear only in a registry).
"""

from __future__ import annotations

import ast
import functools
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "hemscore"

#: Bottom to top. A module may import its own layer and the layers below it.
LAYERS = ("base", "reading", "model", "importers", "engine", "analysis", "render", "cli")
#: Modules at the package root and the layer they stand in.
ROOT_MODULES = {
    "hemscore": "cli",  # __init__: the version, and the public names (loaded when first used)
    "hemscore._version": "base",
    "hemscore.errors": "base",  # the public address of base.errors
    "hemscore.api": "cli",  # the second front door, beside the command line
    "hemscore.__main__": "cli",
}
#: The layers that may draw with Rich.
RICH_LAYERS = ("render", "cli")
#: The registries: the only modules that may load a module by name.
REGISTRIES = {"hemscore.render.formats", "hemscore.model.methods", "hemscore.cli.app"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def layer_of(module: str) -> str:
    if module in ROOT_MODULES:
        return ROOT_MODULES[module]
    layer = module.split(".")[1]
    assert layer in LAYERS, f"{module} is in no layer: add its folder to LAYERS and the docs"
    return layer


def rank(module: str) -> int:
    return LAYERS.index(layer_of(module))


@functools.cache
def parsed(path: Path) -> ast.Module:
    """The syntax tree of a source file (parsed once: several tests walk it)."""
    return ast.parse(path.read_text(encoding="utf-8"))


def imports(
    path: Path, known: dict[str, Path], *, typing_only: bool = True
) -> Iterator[tuple[int, str, bool]]:
    """(line, module imported, whether the import is dynamic) for every hemscore import;
    ``typing_only=False`` leaves out those under ``if TYPE_CHECKING:``, which never run."""
    me = module_name(path)
    tree = parsed(path)
    skip: set[int] = set()
    if not typing_only:
        for node in ast.walk(tree):
            if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
                skip |= {id(n) for inner in node.body for n in ast.walk(inner)}
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("hemscore"):
                    yield node.lineno, alias.name, False
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{me}:{node.lineno}: relative import; write it in full"
            if node.module is None or not node.module.startswith("hemscore"):
                continue
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                yield node.lineno, sub if sub in known else node.module, False
        elif isinstance(node, ast.Constant) and node.value in known and me in REGISTRIES:
            # A registry names the modules it loads as strings: those are edges too.
            yield node.lineno, str(node.value), True


def test_every_module_is_in_a_layer() -> None:
    for name in modules():
        layer_of(name)


def test_imports_run_only_downward() -> None:
    known = modules()
    upward = [
        f"{name}:{line}: {layer_of(name)} imports {target} ({layer_of(target)})"
        for name, path in known.items()
        for line, target, _ in imports(path, known)
        if rank(target) > rank(name)
    ]
    assert upward == []


def test_only_registries_load_modules_by_name() -> None:
    found = []
    for name, path in modules().items():
        for node in ast.walk(parsed(path)):
            if isinstance(node, ast.Call):
                f = node.func
                called = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
                if called in ("import_module", "__import__") and name not in REGISTRIES:
                    found.append(f"{name}:{node.lineno}")
    assert found == []


def test_no_import_cycle() -> None:
    known = modules()
    # An import that only a type checker reads (under ``if TYPE_CHECKING:``) never runs: no edge.
    graph = {
        name: {t for _, t, _ in imports(path, known, typing_only=False) if t != name}
        for name, path in known.items()
    }
    # A submodule's import of its own package's ``__init__`` is a cycle only if the package
    # imports the submodule back; the graph holds both edges when that happens.
    colour: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, stack: list[str]) -> None:
        colour[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if colour.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in colour:
                visit(nxt, stack)
        stack.pop()
        colour[node] = 2

    for name in sorted(graph):
        if name not in colour:
            visit(name, [])
    assert cycles == []


PROBE = """
import importlib, json, pkgutil, sys
import hemscore
layer = sys.argv[1]
package = importlib.import_module("hemscore." + layer)
names = [package.__name__]
if hasattr(package, "__path__"):
    names += [m.name for m in pkgutil.walk_packages(package.__path__, package.__name__ + ".")]
for name in names:
    importlib.import_module(name)
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in ("hemscore", "rich"))))
"""


@pytest.mark.parametrize("layer", LAYERS)
def test_a_layer_alone_loads_nothing_above_it(layer: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, layer], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    loaded = json.loads(done.stdout)
    mine = LAYERS.index(layer)
    # The package's own __init__ is loaded with any of its modules; it imports only _version.
    above = [m for m in loaded if m.startswith("hemscore.") and rank(m) > mine]
    assert above == []
    rich = [m for m in loaded if m.split(".")[0] == "rich"]
    if layer in RICH_LAYERS:
        assert layer != "render" or rich, "the terminal renderers draw with Rich"
    else:
        assert rich == [], f"{layer} loads Rich"


def test_the_architecture_page_names_the_layers_in_order() -> None:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert " → ".join(f"`{layer}`" for layer in LAYERS) in text
    for layer in LAYERS:
        assert (PACKAGE / layer / "__init__.py").is_file()
        assert f"src/hemscore/{layer}/" in text
