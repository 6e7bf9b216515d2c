"""One of each mechanism, read from the source: a second copy of a table or of a query fails here.

Like ``tests/test_architecture.py``, every check reads the modules of ``kg/`` and ``web/`` with
:mod:`ast`; docstrings (and the doctests in them) are prose and do not count, every other string
constant does, f-string parts included.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("kg", "web")

# A media type as a string literal (``text/turtle``, ``application/ld+json; charset=utf-8``, in prose too).
MEDIA_TYPE = re.compile(r"(?<![\w/.-])(?:text|application|image|audio|video|font|model|multipart)/[a-z0-9][\w.+-]*",
                        re.IGNORECASE)
# Where a media type may be written: the one table (kg/formats.py), and nowhere else.
MEDIA_TYPE_HOMES = {"kg/formats.py"}


def _docstrings(tree: ast.Module) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def strings(packages: tuple[str, ...] = PACKAGES) -> Iterator[tuple[str, int, str]]:
    """(path, line, text) of every string constant in the code that is not a docstring."""
    for package in packages:
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
            docstrings = _docstrings(tree)
            for node in ast.walk(tree):
                if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                    yield path.relative_to(ROOT).as_posix(), node.lineno, node.value


def media_types_outside_the_table() -> list[str]:
    return [f"{path}:{line}: {match.group(0)}"
            for path, line, text in strings() if path not in MEDIA_TYPE_HOMES
            for match in MEDIA_TYPE.finditer(text)]


def test_media_types_are_written_only_in_the_format_table() -> None:
    assert media_types_outside_the_table() == [], "name the format of kg.formats instead"


def test_the_media_type_check_sees_strings_and_skips_docstrings(tmp_path: Path) -> None:
    source = '"""Answers in text/turtle."""\nX = "application/ld+json"\nY = f"{X}; see text/html pages"\n'
    tree = ast.parse(source)
    docstrings = _docstrings(tree)
    found = [m.group(0) for node in ast.walk(tree)
             if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
             for m in MEDIA_TYPE.finditer(node.value)]
    assert found == ["application/ld+json", "text/html"]


@pytest.mark.parametrize("text", ["kg/query/execute.py", "https://example.org/text/x", "a/b", "sparql/query"])
def test_paths_and_addresses_are_not_media_types(text: str) -> None:
    assert MEDIA_TYPE.search(text) is None


# A SPARQL query written as a string (the heuristic: a query form and WHERE in one literal).
SPARQL_QUERY = re.compile(r"\b(?:SELECT|CONSTRUCT|ASK|DESCRIBE)\b[\s\S]*\bWHERE\b")
# Queries belong in .rq files (kg.query.internal, kg.query.canned), loaded once, values bound.
# Where they may still be written in code, and how many:
SPARQL_IN_CODE = {
    "web/views/sparql.py": (1, "the query page's example, shown to people as text"),
    "kg/query/fragments.py": (1, "a count projects the bound positions of its pattern: eight shapes of one query"),
    "kg/release/search.py": (5, "SQLite full-text queries of the search index, not SPARQL"),
}


def sparql_in_code() -> dict[str, int]:
    found: dict[str, int] = {}
    for path, _line, text in strings():
        if SPARQL_QUERY.search(text):
            found[path] = found.get(path, 0) + 1
    return found


def test_no_new_sparql_is_written_in_code() -> None:
    over = {path: n for path, n in sparql_in_code().items() if n > SPARQL_IN_CODE.get(path, (0, ""))[0]}
    assert over == {}, "put the query in a .rq file and bind its values"


def test_the_list_of_sparql_in_code_only_shrinks() -> None:
    found = sparql_in_code()
    moved = {path: (found.get(path, 0), allowed) for path, (allowed, _why) in SPARQL_IN_CODE.items()
             if found.get(path, 0) < allowed}
    assert moved == {}, "lower the count in SPARQL_IN_CODE (or drop the module) to what is left"


@pytest.mark.parametrize(("text", "is_query"), [
    ("SELECT ?s WHERE { ?s ?p ?o }", True), ("CONSTRUCT { ?s ?p ?o }\nWHERE { ?s ?p ?o }", True),
    ("select the rows where you want", False), ("ASK the user", False)])
def test_the_sparql_heuristic(text: str, is_query: bool) -> None:
    assert bool(SPARQL_QUERY.search(text)) is is_query
