"""The architecture, as a test: what may import what, read from the source with ``ast``.

``kg/`` is built in layers (:data:`LAYERS`, lowest first); a module imports only from its own layer
or the layers below, so a reader can learn the package from the ground up and a change low down
cannot be undone by an import from above. Imports inside functions count as much as those at the
top of a module: deferring an import keeps start-up fast, it does not change the architecture.
"""

from __future__ import annotations

import ast
import re
from functools import lru_cache
from pathlib import Path

from tests.conftest import REPO

# Lowest first. A unit is a sub-package or a top-level module of kg; each may import its own layer
# and the layers below it, never a layer above.
LAYERS: list[tuple[str, ...]] = [
    # infrastructure: settings, the error catalogue, loading once, child processes, local ports,
    # files people hand in, CSV for spreadsheets
    ("kg.config", "kg.errors", "kg.caching", "kg.processes", "kg.ports", "kg.user_files", "kg.spreadsheet"),
    ("kg.rdf",),  # terms, vocabularies, the quad writers, SHACL shapes
    ("kg.store",),  # builds on disk, query primitives, the remote store, readers, coordination data
    ("kg.sparql", "kg.search"),  # SPARQL for people; retrieval (independent of each other: INDEPENDENT)
    ("kg.analysis",),  # themes, coherence, gaps, scorecard, reports, financial reach
    ("kg.build",),  # the pipeline, the extraction runner, membership imports
    # the evaluation against tests/gold/; what the app loads at start; the app in a process of its own;
    # the question-answering API, which kg serve mounts on the SPARQL endpoint: it reads search, so it
    # stands above both kg.sparql and kg.search (INDEPENDENT) and is handed to the endpoint as a route
    ("kg.evaluate", "kg.warm_up", "kg.app_server", "kg.api"),
    ("kg.cli",),  # the command line
    ("kg.__main__",),  # python -m kg
]
# Units of one layer that must not import each other, although the layering would allow it.
INDEPENDENT = [("kg.sparql", "kg.search")]
MAX_FLOORS = 10  # modules in the longest chain of imports inside kg
# Modules that may read files under tests/ besides the evaluation code (kg/evaluate.py), each with why:
# none (the theme classifier's labels are package data, kg/themes_data/).
READS_TESTS: set[str] = set()
EVALUATION = {"kg/evaluate.py"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@lru_cache(maxsize=None)
def modules(package: str = "kg") -> dict[str, Path]:
    return {module_name(p): p for p in sorted((REPO / package).rglob("*.py")) if "__pycache__" not in p.parts}


def imported_names(path: Path) -> set[str]:
    """Every module name ``path`` imports, at module level or inside a function or class:
    ``from a.b import c`` gives ``a.b.c`` (which may be a module) and ``a.b``."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolved against the importing module's package
                package = module_name(path).split(".")
                package = package[: len(package) - node.level + (path.name == "__init__.py")]
                base = ".".join(package + ([base] if base else []))
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


@lru_cache(maxsize=None)
def import_graph() -> dict[str, frozenset[str]]:
    """kg module → the kg modules it imports (a name that is not a module is its package)."""
    known = modules()
    graph = {}
    for name, path in known.items():
        targets = set()
        for imported in imported_names(path):
            while imported and imported not in known:
                imported = imported.rpartition(".")[0]
            if imported and imported != name and imported != "kg":
                targets.add(imported)
        graph[name] = frozenset(targets)
    graph.pop("kg")  # kg/__init__.py: the package's docstring (test_the_package_itself_imports_nothing)
    return graph


def unit_of(module: str) -> str:
    for layer in LAYERS:
        for unit in layer:
            if module == unit or module.startswith(unit + "."):
                return unit
    raise AssertionError(f"{module} belongs to no layer: add it to LAYERS in {Path(__file__).name}")


def layer_of(module: str) -> int:
    unit = unit_of(module)
    return next(n for n, layer in enumerate(LAYERS) if unit in layer)


def cycles(graph: dict[str, frozenset[str]]) -> list[list[str]]:
    """One cycle through each strongly connected group of modules (Tarjan's algorithm)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def longest_chain(graph: dict[str, frozenset[str]]) -> list[str]:
    """The longest import chain (the graph has no cycle: test_no_import_cycle)."""
    memo: dict[str, list[str]] = {}

    def chain(node: str) -> list[str]:
        if node not in memo:
            below = [chain(target) for target in sorted(graph[node])]
            memo[node] = [node] + max(below, key=len, default=[])
        return memo[node]

    return max((chain(node) for node in sorted(graph)), key=len)


def test_the_package_itself_imports_nothing():
    """``import kg.x`` runs kg/__init__.py first: anything it imported would sit under every module."""
    assert imported_names(REPO / "kg" / "__init__.py") == set()


def test_no_import_cycle():
    assert cycles(import_graph()) == []


def test_imports_run_down_the_layers():
    upward = [f"{module} (layer {layer_of(module)}) imports {target} (layer {layer_of(target)})"
              for module, targets in sorted(import_graph().items()) for target in sorted(targets)
              if layer_of(target) > layer_of(module)]
    assert upward == []


def test_independent_units_do_not_import_each_other():
    crossing = [f"{module} imports {target}" for module, targets in sorted(import_graph().items())
                for target in sorted(targets) for pair in INDEPENDENT
                if {unit_of(module), unit_of(target)} == set(pair)]
    assert crossing == []


def test_import_chains_are_at_most_ten_floors_high():
    graph = import_graph()
    assert not cycles(graph), "a cycle has no height: see test_no_import_cycle"
    chain = longest_chain(graph)
    assert len(chain) <= MAX_FLOORS, " → ".join(chain)


def test_ingest_imports_nothing_of_kg():
    """ingest is the ground floor: texts to provision trees, obligations and coordination rows."""
    upward = [f"{path.relative_to(REPO)} imports {name}" for path in sorted((REPO / "ingest").rglob("*.py"))
              for name in sorted(imported_names(path)) if name.split(".")[0] == "kg"]
    assert upward == []


def test_the_app_reads_only_through_kg():
    """The pages and app.py import kg (and each other), never ingest or the tests."""
    project = {"kg", "ingest", "ui", "tests", "bench", "app"}
    offending = []
    for path in [REPO / "app.py", *sorted((REPO / "ui").glob("*.py"))]:
        for name in sorted(imported_names(path)):
            top = name.split(".")[0]
            if top in project - {"kg", "ui"}:
                offending.append(f"{path.relative_to(REPO)} imports {name}")
    assert offending == []


TESTS_PATH_RE = re.compile(r"^(?:\.\./)*tests(?:/|$)")


def reads_tests(path: Path) -> list[str]:
    """Where the module names the tests folder as a path ("tests" as a path part, "tests/…") or
    imports from it; docstrings are left out (they may cite a test)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings \
                and TESTS_PATH_RE.match(node.value):
            found.append(f"line {node.lineno}: {node.value!r}")
    found += [f"imports {name}" for name in sorted(imported_names(path)) if name.split(".")[0] == "tests"]
    return found


def test_only_the_evaluation_reads_the_tests_folder():
    readers = {}
    for package in ("kg", "ingest", "ui"):
        for path in sorted((REPO / package).rglob("*.py")):
            where = reads_tests(path)
            if where:
                readers[str(path.relative_to(REPO))] = where
    unexpected = {p: w for p, w in readers.items() if p not in EVALUATION | READS_TESTS}
    assert unexpected == {}
    assert set(readers) >= READS_TESTS, f"no longer read, drop from READS_TESTS: {READS_TESTS - set(readers)}"
