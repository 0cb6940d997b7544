"""The package's architecture, checked: four bands whose imports only point down, and
no import circles between modules.

    cli/  →  web/  →  store/ (and migrations/)  →  the library (flat at the root)

The package's public face (``kosmochron/__init__.py``, which opens a store lazily for
``kc.open()``) and ``__main__.py`` stand above the bands and are not checked.
Every import counts, including those inside functions: a lazy import is still a
dependency, only a cheaper one.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

import kosmochron

PACKAGE = Path(kosmochron.__file__).parent
#: Band of a module by its first name under ``kosmochron``; anything else is the library.
BANDS = {"cli": 3, "web": 2, "store": 1, "migrations": 1}
BAND_NAMES = {3: "cli", 2: "web", 1: "store", 0: "library"}
FACE = {"kosmochron", "kosmochron.__main__"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def band(module: str) -> int:
    parts = module.split(".")
    return BANDS.get(parts[1], 0) if len(parts) > 1 else 0


def imports(source: str, module: str, is_package: bool) -> Iterator[tuple[str, int]]:
    """``(imported kosmochron module, line)`` for every import in ``source``, relative
    ones resolved; ``from X import name`` counts ``X.name`` when that is a module."""
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("kosmochron"):
                    yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            if not target.startswith("kosmochron"):
                continue
            for alias in node.names:
                candidate = f"{target}.{alias.name}"
                yield (candidate if candidate in MODULES else target), node.lineno


def _modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))
            if "versions" not in p.parts}


MODULES = _modules()


def upward_imports(module: str, source: str, is_package: bool) -> list[str]:
    """The imports of ``module`` that point up the bands, as messages."""
    if module in FACE:
        return []
    own = band(module)
    return [f"{module}:{line}: the {BAND_NAMES[own]} imports {target} "
            f"({BAND_NAMES[band(target)]})"
            for target, line in imports(source, module, is_package)
            if band(target) > own]


def graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {}
    for module, path in MODULES.items():
        targets = {t for t, _ in imports(path.read_text(encoding="utf-8"), module,
                                         path.name == "__init__.py")}
        # A submodule importing its own package's __init__ (for a re-exported name) is
        # the package face, not a circle through the package's modules.
        edges[module] = {t for t in targets if t in MODULES and t != module
                         and not module.startswith(t + ".")}
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in edges.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in edges:
        if node not in index:
            visit(node)
    return found


def test_every_import_points_down_the_bands() -> None:
    problems = [message for module, path in MODULES.items()
                for message in upward_imports(module, path.read_text(encoding="utf-8"),
                                              path.name == "__init__.py")]
    assert problems == []


def test_no_import_circles() -> None:
    assert cycles(graph()) == []


@pytest.mark.parametrize(("module", "source"), [
    ("kosmochron.parser", "from .store import Store\n"),
    ("kosmochron.validate", "def f():\n    from kosmochron.web import create_app\n"),
    ("kosmochron.store.query", "from ..cli.common import Db\n"),
    ("kosmochron.web.pages", "from ..cli import main\n"),
    ("kosmochron.store", "from ..web import state\n"),
])
def test_an_upward_import_is_caught(module: str, source: str) -> None:
    """The check itself: each of these would be a layering violation."""
    assert upward_imports(module, source, module == "kosmochron.store")


@pytest.mark.parametrize(("module", "source"), [
    ("kosmochron.cli.database", "from ..store import open_store\nfrom ..web import server\n"),
    ("kosmochron.web.api", "from ..store import Store\nfrom ..export import entry_json\n"),
    ("kosmochron.store.ingest", "from ..parser import parse_lines\n"),
])
def test_downward_imports_pass(module: str, source: str) -> None:
    assert upward_imports(module, source, False) == []


def test_a_circle_is_caught() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
