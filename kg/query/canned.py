"""Canned queries: ``queries/{name}.rq`` files with a header comment, and parameter binding.

Header format (comment lines before the query, a blank line after each)::

    # title: Graded judgements

    # description: One row per graded judgement …

    # param: force ?f force optional  The force, by its police.uk id (norfolk)

    # param: year ?year year optional  The inspection year (2016)

The blank lines are there for SPARQLWrapper: it finds a query's form by the first keyword
(SELECT, ADD, MOVE, LOAD …) left after removing comments, and its comment pattern removes only
every other line of a run of comment lines, so "address" in a second line read as ADD and the
query went out as an update.  ``tests/kg/query/test_canned_sparqlwrapper.py`` holds every file to it.

Each query holds one ``VALUES (?f ?year) { (UNDEF UNDEF) }`` line at the start of its WHERE
clause, so the file runs as it is.  Binding replaces that single row of UNDEFs with RDF
terms made from the checked parameter values (an IRI minted from a validated slug, a typed
integer): user text never becomes query text.  The same bound query runs on every backend.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from kg.errors import BadQuery, NotFound
from kg.namespaces import force_iri, grade_iri, organisation_iri, pillar_iri, theme_iri
from kg.resources import queries_dir
from kg.sparql.lexer import find_sequence, tokens

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
PARAM_TYPES = {"force", "year", "pillar", "theme", "grade", "organisation"}
_MINT = {
    "force": force_iri,
    "pillar": pillar_iri,
    "theme": theme_iri,
    "grade": grade_iri,
    "organisation": organisation_iri,
}


@dataclass(frozen=True)
class Parameter:
    name: str
    variable: str
    type: str
    optional: bool
    description: str

    def term(self, value: str) -> URIRef | Literal:
        """The RDF term for a user-supplied value; ``BadQuery`` names the parameter if it is wrong.

        >>> Parameter("year", "year", "year", True, "").term("2016")
        rdflib.term.Literal('2016', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#integer'))
        >>> Parameter("force", "f", "force", True, "").term("norfolk> } ; DROP")
        Traceback (most recent call last):
        ...
        kg.errors.BadQuery: parameter force: 'norfolk> } ; DROP' is not an identifier such as norfolk
        """
        value = value.strip()
        if self.type == "year":
            if not re.fullmatch(r"\d{4}", value):
                raise BadQuery(f"parameter {self.name}: {value!r} is not a year such as 2016")
            return Literal(value, datatype=XSD.integer)
        if not SLUG.match(value):
            raise BadQuery(f"parameter {self.name}: {value!r} is not an identifier such as norfolk")
        return _MINT[self.type](value)


@dataclass(frozen=True)
class CannedQuery:
    name: str
    title: str
    description: str
    parameters: tuple[Parameter, ...]
    text: str
    path: Path

    def bind(self, values: dict[str, str]) -> str:
        """The query text with the given parameters bound (unknown or missing ones → ``BadQuery``)."""
        known = {p.name: p for p in self.parameters}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise BadQuery(
                f"unknown parameter(s) {', '.join(unknown)} for query {self.name}; "
                f"it takes {', '.join(known) or 'none'}"
            )
        missing = [p.name for p in self.parameters if not p.optional and p.name not in values]
        if missing:
            raise BadQuery(f"query {self.name} needs parameter(s) {', '.join(missing)}")
        if not self.parameters:
            return self.text
        row = " ".join(
            known[p.name].term(values[p.name]).n3() if p.name in values else "UNDEF" for p in self.parameters
        )
        start, end = _values_rows(self.text, self.parameters)[0]
        return f"{self.text[:start]}{{ ({row}) }}{self.text[end:]}"


def _values_rows(text: str, parameters: tuple[Parameter, ...]) -> list[tuple[int, int]]:
    """Spans of the ``{ (UNDEF …) }`` data of each ``VALUES (?a …) { (UNDEF …) }`` for
    ``parameters`` in ``text``, read by the SPARQL lexer (so never one in a comment or string)."""
    undefs = ["UNDEF"] * len(parameters)
    pattern = ["VALUES", "(", *("?" + p.variable for p in parameters), ")", "{", "(", *undefs, ")", "}"]
    toks = list(tokens(text))
    spans, at = [], find_sequence(toks, pattern)
    while at is not None:
        data = at + len(parameters) + 3  # the "{" after the variables
        spans.append((toks[data].start, toks[at + len(pattern) - 1].end))
        at = find_sequence(toks, pattern, at + 1)
    return spans


def parse_query_file(path: Path) -> CannedQuery:
    text = path.read_text(encoding="utf-8")
    header: dict[str, str] = {}
    params: list[Parameter] = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        if not line.startswith("#"):
            break
        match = re.match(r"#\s*(\w+):\s*(.*)$", line)
        if not match:
            continue
        key, value = match.groups()
        if key == "param":
            parts = value.split(None, 4)
            if len(parts) < 4 or not parts[1].startswith("?") or parts[2] not in PARAM_TYPES:
                raise BadQuery(f"{path.name}:{lineno}: malformed param line")
            optional = parts[3] == "optional"
            params.append(Parameter(parts[0], parts[1][1:], parts[2], optional, parts[4] if len(parts) > 4 else ""))
        else:
            header[key] = value.strip()
    query = CannedQuery(
        path.stem, header.get("title", path.stem), header.get("description", ""), tuple(params), text, path
    )
    if params and len(_values_rows(text, query.parameters)) != 1:
        raise BadQuery(f"{path.name}: needs exactly one VALUES line for its parameters")
    return query


def load_queries(folder: Path | None = None) -> dict[str, CannedQuery]:
    """Every canned query by name, sorted."""
    folder = folder or queries_dir()
    return {q.name: q for q in (parse_query_file(p) for p in sorted(folder.glob("*.rq")))}


def get_query(name: str, queries: dict[str, CannedQuery] | None = None) -> CannedQuery:
    queries = queries if queries is not None else load_queries()
    if not NAME.match(name) or name not in queries:
        raise NotFound(f"no canned query named {name!r}; known: {', '.join(sorted(queries))}")
    return queries[name]
