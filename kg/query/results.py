"""Serialise query outcomes in the standard result formats, through rdflib's serialisers.

SELECT/ASK: SPARQL 1.1 Query Results JSON, XML, CSV and TSV.  CONSTRUCT/DESCRIBE: Turtle,
N-Triples, JSON-LD, RDF/XML.
"""

from __future__ import annotations

from io import BytesIO

from rdflib import Graph, Variable
from rdflib.query import Result

from kg.errors import BadQuery
from kg.formats import GRAPH, RESULTS, SPARQL_CSV, SPARQL_TSV, find, keys, of_kind
from kg.namespaces import PREFIXES
from kg.store.local import QueryOutcome, SelectResult


def to_rdflib_result(outcome: SelectResult | bool) -> Result:
    if isinstance(outcome, bool):
        result = Result("ASK")
        result.askAnswer = outcome
        return result
    result = Result("SELECT")
    result.vars = [Variable(v) for v in outcome.variables]
    result.bindings = [{Variable(k): v for k, v in row.items()} for row in outcome.rows]
    return result


def serialise(outcome: QueryOutcome, fmt: str) -> bytes:
    """Bytes of ``outcome`` in format ``fmt`` (json, xml, csv, tsv for rows; ttl, nt, jsonld, rdf for graphs).

    >>> from rdflib import Literal
    >>> serialise(SelectResult(["n", "m"], [{"n": Literal(1)}]), "tsv")
    b'?n\\t?m\\n"1"^^<http://www.w3.org/2001/XMLSchema#integer>\\t\\n'
    """
    if isinstance(outcome, Graph):
        graph_format = find(fmt, GRAPH)
        if graph_format is None or graph_format.rdflib is None:
            raise BadQuery(f"format {fmt!r} does not fit a graph; use one of {', '.join(keys(of_kind(GRAPH)))}")
        for prefix, namespace in PREFIXES.items():
            outcome.bind(prefix, namespace)
        return outcome.serialize(format=graph_format.rdflib, encoding="utf-8")
    results_format = find(fmt, RESULTS)
    if results_format is None:
        raise BadQuery(f"format {fmt!r} does not fit query results; use one of {', '.join(keys(of_kind(RESULTS)))}")
    if isinstance(outcome, bool) and results_format in (SPARQL_CSV, SPARQL_TSV):
        return (b"true" if outcome else b"false") + b"\n"
    if results_format == SPARQL_TSV:  # rdflib has no TSV writer
        assert isinstance(outcome, SelectResult)
        return tsv(outcome)
    assert results_format.rdflib is not None
    buffer = BytesIO()
    to_rdflib_result(outcome).serialize(buffer, format=results_format.rdflib, encoding="utf-8")
    return buffer.getvalue()


def tsv(outcome: SelectResult) -> bytes:
    """SPARQL 1.1 Query Results TSV: a header of ``?variables``, then terms in Turtle syntax.

    https://www.w3.org/TR/sparql11-results-csv-tsv/#tsv
    """
    lines = ["\t".join("?" + v for v in outcome.variables)]
    for row in outcome.rows:
        lines.append("\t".join(row[v].n3() if v in row else "" for v in outcome.variables))
    return ("\n".join(lines) + "\n").encode("utf-8")
