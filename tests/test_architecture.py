"""The shape of the code, read from its source: what may import what, and where markup is written.

Every check reads the modules of ``kg/`` and ``web/`` with :mod:`ast` (nothing is imported), so a
check fails on the code as written, whichever branch of it runs. Imports count wherever they stand:
at the top, inside a function, or under ``if TYPE_CHECKING:`` — a cycle of types is still a cycle.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("kg", "web")
PRESENTATION = ("flask", "jinja2", "werkzeug", "markupsafe", "web")

# No folder of the code holds more modules than this (docs/decisions/0012).
MODULES_PER_FOLDER = 20

# Element names that mark a string as markup (HTML and SVG; kept to names no prose or regex uses).
_TAGS = (
    "html|head|body|div|span|p|a|ul|ol|li|table|thead|tbody|tr|td|th|h[1-6]|br|hr|img|strong|em|code|pre|"
    "section|article|nav|header|footer|form|input|button|label|select|option|script|style|link|meta|"
    "svg|g|path|rect|circle|line|polyline|polygon|tspan|desc|title|defs|marker|use|ellipse"
)
# "<text>" names an unnamed input (as Python's own "<string>" does), so ``text`` counts only as an element name.
_MARKUP_TEXT = re.compile(rf"<(?:/?(?:{_TAGS})(?=[\s>/])|!DOCTYPE)", re.IGNORECASE)
_MARKUP_NAMESPACES = ("http://www.w3.org/2000/svg", "http://www.w3.org/1999/xhtml")
_ELEMENT_NAME = re.compile(rf"^(?:{_TAGS}|text)$")


@dataclass(frozen=True)
class Module:
    name: str
    path: Path
    tree: ast.Module


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Module]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            name = _module_name(path)
            found[name] = Module(name, path, ast.parse(path.read_text(encoding="utf-8"), str(path)))
    return found


MODULES = _modules()


def imported(module: Module) -> set[str]:
    """Every module ``module`` imports, as dotted names; ``from . import x`` names ``pkg.x`` when that is a module."""
    package = module.name.split(".") if module.path.name == "__init__.py" else module.name.split(".")[:-1]
    names: set[str] = set()
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(package[: len(package) - node.level + 1]) if node.level else ""
            target = ".".join(part for part in (base, node.module or "") if part)
            names.add(target)
            for alias in node.names:
                if f"{target}.{alias.name}" in MODULES:
                    names.add(f"{target}.{alias.name}")
    return names


def import_graph() -> nx.DiGraph:
    graph = nx.DiGraph()
    graph.add_nodes_from(MODULES)
    for module in MODULES.values():
        edges = ((module.name, name) for name in imported(module) if name in MODULES and name != module.name)
        graph.add_edges_from(edges)
    return graph


def _docstrings(tree: ast.Module) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                ids.add(id(first.value))
    return ids


def writes_markup(module: Module) -> list[str]:
    """Where ``module`` writes markup itself: tags in string literals, markup namespaces, named elements."""
    docstrings = _docstrings(module.tree)
    found = []
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            if _MARKUP_TEXT.search(node.value) or any(ns in node.value for ns in _MARKUP_NAMESPACES):
                found.append(f"{module.path.name}:{node.lineno}: {node.value[:40]!r}")
        elif isinstance(node, ast.Call) and node.args:
            callee = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            first = node.args[0]
            if callee in ("Element", "SubElement") and isinstance(first, ast.Constant) and \
                    isinstance(first.value, str) and _ELEMENT_NAME.match(first.value):
                found.append(f"{module.path.name}:{node.lineno}: element {first.value!r}")
    return found


def markup_modules() -> set[str]:
    """kg modules that write markup, or import one that does (they cannot stay in kg/ once it moves)."""
    graph = import_graph()
    writers = {name for name, module in MODULES.items() if name.startswith("kg") and writes_markup(module)}
    return {name for name in graph if name.startswith("kg") and writers & ({name} | nx.descendants(graph, name))}


def test_kg_never_imports_the_web_layer() -> None:
    offences = sorted(
        f"{module.name} imports {name}"
        for module in MODULES.values() if module.name.split(".")[0] == "kg"
        for name in imported(module) if name.split(".")[0] in PRESENTATION
    )
    assert offences == []


def test_no_import_cycles() -> None:
    cycles = sorted(" → ".join([*cycle, cycle[0]]) for cycle in nx.simple_cycles(import_graph()))
    assert cycles == []


def test_no_module_in_kg_writes_markup() -> None:
    assert sorted(markup_modules()) == []


def test_the_markup_check_finds_the_chart_writer() -> None:
    """The check is live: the SVG charts, which moved to web/, are still seen as markup."""
    assert writes_markup(MODULES["web.present.charts"])


def test_no_folder_holds_more_than_twenty_modules() -> None:
    folders: dict[Path, list[str]] = {}
    for module in MODULES.values():
        if module.path.name != "__init__.py":
            folders.setdefault(module.path.parent, []).append(module.name)
    crowded = {str(folder.relative_to(ROOT)): len(names) for folder, names in folders.items()
               if len(names) > MODULES_PER_FOLDER}
    assert crowded == {}


def test_every_package_says_its_job() -> None:
    silent = sorted(name for name, module in MODULES.items()
                    if module.path.name == "__init__.py" and not (ast.get_docstring(module.tree) or "").strip())
    assert silent == []


def test_tests_mirror_the_packages() -> None:
    """Each subpackage of kg/ and web/ has its tests in the folder of the same path below tests/."""
    packages = {module.path.parent.relative_to(ROOT) for module in MODULES.values()
                if module.path.name == "__init__.py" and module.path.parent.parent != ROOT
                and module.name != "kg.resources"}  # package data (ontology, queries, corpus), read by every test
    missing = sorted(str(p) for p in packages if not list((ROOT / "tests" / p).glob("test_*.py")))
    assert missing == []


# The packages of kg/, lowest first (docs/decisions/0019): a module imports only from its own package or one below.
# The modules at the top of kg/ are shared by all (the model, namespaces, vocabularies, errors, the format table,
# the packaged resources) and import none of the packages; the command line (kg.cli) stands above them all.
PACKAGE_ORDER = ("kg", "kg.parse", "kg.analytics", "kg.sparql", "kg.store", "kg.query", "kg.link", "kg.release",
                 "kg.cli")
# Arrows that run down the order anyway, each with its reason; the list may only shrink.
BACK_ARROWS = {
    ("kg.store.interface", "kg.query.execute"): "a store gives the endpoint its runner, which runs the engine's jobs "
                                                "(decision 0014)",
    ("kg.store.local", "kg.query.execute"): "the embedded store's runner for the command line runs jobs in-process",
    ("kg.store.local", "kg.query.pool"): "the embedded store's runner is the pool of worker processes over its files",
    ("kg.store.remote", "kg.query.remote"): "the remote store's runner sends the endpoint's jobs to the same server",
}


def package_of(name: str) -> str:
    """The entry of ``PACKAGE_ORDER`` a kg module belongs to (``kg`` for the shared modules at the top)."""
    parts = name.split(".")
    if len(parts) > 1 and ".".join(parts[:2]) in PACKAGE_ORDER:
        return ".".join(parts[:2])
    return "kg"


def back_arrows(edges: Iterable[tuple[str, str]] | None = None) -> set[tuple[str, str]]:
    """Imports (of the code, or ``edges``) from a kg package to one above it in ``PACKAGE_ORDER``."""
    rank = {package: n for n, package in enumerate(PACKAGE_ORDER)}
    return {(a, b) for a, b in (import_graph().edges if edges is None else edges)
            if a.split(".")[0] == "kg" and b.split(".")[0] == "kg" and rank[package_of(b)] > rank[package_of(a)]}


def test_every_kg_package_has_its_place_in_the_order() -> None:
    packages = {name for name, module in MODULES.items() if name.count(".") == 1 and name.startswith("kg.")
                and (module.path.name == "__init__.py" or name == "kg.cli")} - {"kg.resources"}
    assert packages <= set(PACKAGE_ORDER)


def test_imports_run_down_the_package_order() -> None:
    assert sorted(back_arrows() - set(BACK_ARROWS)) == [], "import from a lower package, or move the module"


def test_the_allowed_back_arrows_only_shrink() -> None:
    assert sorted(set(BACK_ARROWS) - back_arrows()) == [], "drop the arrow from BACK_ARROWS"


def test_the_order_check_sees_a_back_arrow() -> None:
    """The check is live: the arrows this round removed would fail it, the ones that run down pass."""
    removed = {("kg.store.remote", "kg.query.lexer"), ("kg.store.push", "kg.release.layout"),
               ("kg.errors", "kg.query.guard")}
    fine = {("kg.store.remote", "kg.sparql.binding"), ("kg.release.push", "kg.release.layout"),
            ("kg.query.guard", "kg.errors"), ("kg.cli", "kg.release.build")}
    assert back_arrows(removed | fine) == removed


def _parse(source: str) -> Module:
    return Module("kg.release.example", ROOT / "kg" / "release" / "example.py", ast.parse(source))


@pytest.mark.parametrize("source", [
    'def f():\n    return f"<div class=x>{1}</div>"\n',
    'import xml.etree.ElementTree as ET\nET.Element("svg")\n',
    'NS = "http://www.w3.org/2000/svg"\n',
    'def f(x):\n    return "<p>" + x\n',
])
def test_the_markup_check_sees_markup(source: str) -> None:
    assert writes_markup(_parse(source))


@pytest.mark.parametrize("source", [
    '"""A ``<svg>`` in a docstring is prose."""\n',
    'PATH = "<text>"\n',
    'IRI = "<http://e/a>"\n',
    'PATTERN = r"(?<!\\w)x"\n',
])
def test_the_markup_check_ignores_what_is_not_markup(source: str) -> None:
    assert not writes_markup(_parse(source))


def test_the_import_check_counts_imports_under_type_checking_and_in_functions() -> None:
    module = _parse(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .build import Built\n"
        "def f():\n    from flask import g\n"
    )
    assert {"kg.release.build", "flask"} <= imported(module)


def _has_doctest(module: Module) -> bool:
    return any(">>>" in (ast.get_docstring(node) or "") for node in ast.walk(module.tree)
               if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef))


def _tested_modules() -> set[str]:
    """Modules some test file imports by name (``import kg.x``, ``from kg.x import …``, ``from kg import x``)."""
    names: set[str] = set()
    for path in (ROOT / "tests").rglob("*.py"):
        module = Module(_module_name(path), path, ast.parse(path.read_text(encoding="utf-8"), str(path)))
        names.update(imported(module))
    return names & set(MODULES)


# web modules that no test names: each is reached only through ``create_app`` in the HTTP tests of
# tests/web/. A test or doctest of its own takes it off this list, which may only shrink.
REACHED_ONLY_THROUGH_THE_APP = frozenset({
    "web.cli", "web.errors", "web.http.sparql_protocol",
    "web.views.analytics", "web.views.canned", "web.views.dataset", "web.views.downloads", "web.views.fragments",
    "web.views.identifiers", "web.views.ontology_docs", "web.views.pages", "web.views.reconcile", "web.views.search",
})


def test_every_module_has_a_test_or_a_doctest() -> None:
    tested = _tested_modules()
    code = {name for name, module in MODULES.items() if len(module.tree.body) > 1}  # more than a docstring
    bare = {name for name in code - set(PACKAGES) if name not in tested and not _has_doctest(MODULES[name])}
    assert sorted(bare - REACHED_ONLY_THROUGH_THE_APP) == []
    assert sorted(REACHED_ONLY_THROUGH_THE_APP - bare) == [], "now tested: drop from REACHED_ONLY_THROUGH_THE_APP"
