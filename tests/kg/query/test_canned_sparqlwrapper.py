"""Every canned query file, as it reads, is seen by SPARQLWrapper as the query form it is.

SPARQLWrapper picks GET/POST ``query=`` or ``update=`` from the first SPARQL keyword left after
it strips comments; header comments it failed to strip made it read ``judgements`` as ADD
("address") and ``grade-changes`` as MOVE ("moved"), then send them as updates (403).
"""

from __future__ import annotations

import warnings

import pytest
from rdflib.plugins.sparql.parser import parseQuery
from SPARQLWrapper import SPARQLWrapper

from kg.query.canned import load_queries, parse_query_file

QUERIES = load_queries()
FORMS = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT", "DescribeQuery": "DESCRIBE"}


def form_of(text: str) -> str:
    """The query form as a SPARQL grammar reads it."""
    return FORMS[parseQuery(text)[1].name]


def sparqlwrapper_form(text: str) -> tuple[str, bool]:
    client = SPARQLWrapper("http://127.0.0.1:9/sparql")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "not detected query type" is a failure too
        client.setQuery(text)
    return str(client.queryType), client.isSparqlUpdateRequest()


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_sparqlwrapper_reads_the_file_as_its_query_form(name: str) -> None:
    text = QUERIES[name].path.read_text(encoding="utf-8")
    assert sparqlwrapper_form(text) == (form_of(text), False)


def test_the_old_header_layout_is_what_sparqlwrapper_misread() -> None:
    """The check above can fail: consecutive header lines hide a keyword from SPARQLWrapper's comment stripping."""
    text = "# title: T\n# description: the web address of its source\nSELECT * WHERE { ?s ?p ?o }\n"
    assert sparqlwrapper_form(text) == ("ADD", True)


def test_header_with_blank_lines_parses_as_before(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "q.rq"
    path.write_text("# title: T\n\n# description: D\n\n# param: force ?f force optional The force\n\n"
                    "SELECT ?f WHERE { VALUES (?f) { (UNDEF) } ?f ?p ?o }\n", encoding="utf-8")
    query = parse_query_file(path)
    assert (query.title, query.description, [p.name for p in query.parameters]) == ("T", "D", ["force"])
