"""Serialise query outcomes in the standard result formats, through rdflib's serialisers.

SELECT/ASK: SPARQL 1.1 Query Results JSON, XML, CSV and TSV.  CONSTRUCT/DESCRIBE: Turtle,
N-Triples, JSON-LD, RDF/XML.
"""

from __future__ import annotations

from io import BytesIO

from rdflib import Graph, Variable
from rdflib.query import Result

from .errors import BadQuery
from .namespaces import PREFIXES
from .store import QueryOutcome, SelectResult

RESULT_FORMATS = {"json": "json", "xml": "xml", "csv": "csv", "tsv": "tsv"}
GRAPH_FORMATS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "rdf": "xml"}


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

    >>> serialise(SelectResult(["n"], [{}]), "csv")
    b'n\\r\\n\\r\\n'
    """
    if isinstance(outcome, Graph):
        if fmt not in GRAPH_FORMATS:
            raise BadQuery(f"format {fmt!r} does not fit a graph; use one of {', '.join(GRAPH_FORMATS)}")
        for prefix, namespace in PREFIXES.items():
            outcome.bind(prefix, namespace)
        return outcome.serialize(format=GRAPH_FORMATS[fmt], encoding="utf-8")
    if fmt not in RESULT_FORMATS:
        raise BadQuery(f"format {fmt!r} does not fit query results; use one of {', '.join(RESULT_FORMATS)}")
    if isinstance(outcome, bool) and fmt in ("csv", "tsv"):
        return (b"true" if outcome else b"false") + b"\n"
    buffer = BytesIO()
    to_rdflib_result(outcome).serialize(buffer, format=RESULT_FORMATS[fmt], encoding="utf-8")
    return buffer.getvalue()
