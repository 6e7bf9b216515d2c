"""SPARQLWrapper, as open-data users run it, against a real server (Granian) on 127.0.0.1."""

from __future__ import annotations

import csv
import io
from xml.dom.minidom import Document

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF
from SPARQLWrapper import (
    CSV,
    GET,
    JSON,
    JSONLD,
    POST,
    POSTDIRECTLY,
    RDFXML,
    TSV,
    TURTLE,
    URLENCODED,
    XML,
    SPARQLWrapper,
)
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from kg.namespaces import PEEL

NORFOLK = "https://w3id.org/peelkg/id/force/norfolk"
SELECT = f"""PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?label WHERE {{ <{NORFOLK}> rdfs:label ?label }}"""
CONSTRUCT = f"CONSTRUCT WHERE {{ <{NORFOLK}> ?p ?o }}"
# SPARQLWrapper converts RDF/XML and JSON-LD with rdflib's ConjunctiveGraph, which rdflib 7 deprecates.
RDFLIB_DEPRECATION = "ignore:ConjunctiveGraph is deprecated:DeprecationWarning"
METHODS = [(GET, URLENCODED), (POST, URLENCODED), (POST, POSTDIRECTLY)]
METHOD_IDS = ["get", "post-form", "post-direct"]


def client(live_server: str, query: str, fmt: str, method: str = GET,
           request_method: str = URLENCODED) -> SPARQLWrapper:
    sparql = SPARQLWrapper(live_server + "/sparql")
    sparql.setQuery(query)
    sparql.setReturnFormat(fmt)
    sparql.setMethod(method)
    sparql.setRequestMethod(request_method)
    sparql.setTimeout(30)
    return sparql


@pytest.mark.parametrize(("method", "request_method"), METHODS, ids=METHOD_IDS)
def test_select_json(live_server: str, method: str, request_method: str) -> None:
    result = client(live_server, SELECT, JSON, method, request_method).queryAndConvert()
    assert result["head"]["vars"] == ["label"]  # type: ignore[index]
    assert [b["label"]["value"] for b in result["results"]["bindings"]] == ["Norfolk Constabulary"]  # type: ignore[index]


@pytest.mark.parametrize(("method", "request_method"), METHODS, ids=METHOD_IDS)
def test_select_xml(live_server: str, method: str, request_method: str) -> None:
    result = client(live_server, SELECT, XML, method, request_method).queryAndConvert()
    assert isinstance(result, Document)
    literals = [node.firstChild.data for node in result.getElementsByTagName("literal")]  # type: ignore[union-attr]
    assert literals == ["Norfolk Constabulary"]


@pytest.mark.parametrize(("method", "request_method"), METHODS, ids=METHOD_IDS)
@pytest.mark.parametrize(("fmt", "delimiter", "expected"), [(CSV, ",", ["label", "Norfolk Constabulary"]),
                                                            (TSV, "\t", ["?label", '"Norfolk Constabulary"'])])
def test_select_csv_and_tsv(live_server: str, method: str, request_method: str, fmt: str, delimiter: str,
                            expected: list[str]) -> None:
    result = client(live_server, SELECT, fmt, method, request_method).queryAndConvert()
    assert isinstance(result, bytes)
    rows = list(csv.reader(io.StringIO(result.decode("utf-8")), delimiter=delimiter, quoting=csv.QUOTE_NONE))
    assert [cell for row in rows for cell in row] == expected


@pytest.mark.parametrize(("method", "request_method"), METHODS, ids=METHOD_IDS)
def test_ask(live_server: str, method: str, request_method: str) -> None:
    assert client(live_server, f"ASK {{ <{NORFOLK}> a <{PEEL.Force}> }}", JSON, method,
                  request_method).queryAndConvert() == {"head": {}, "boolean": True}
    xml = client(live_server, "ASK { <http://example.org/nothing> ?p ?o }", XML, method,
                 request_method).queryAndConvert()
    assert xml.getElementsByTagName("boolean")[0].firstChild.data == "false"  # type: ignore[union-attr]


def has_norfolk(graph: Graph) -> bool:
    return (URIRef(NORFOLK), RDF.type, PEEL.Force) in graph


@pytest.mark.parametrize("method", [GET, POST])
def test_construct_turtle(live_server: str, method: str) -> None:
    result = client(live_server, CONSTRUCT, TURTLE, method).queryAndConvert()
    assert isinstance(result, bytes)
    assert has_norfolk(Graph().parse(data=result, format="turtle"))


@pytest.mark.filterwarnings(RDFLIB_DEPRECATION)
@pytest.mark.parametrize("method", [GET, POST])
def test_construct_jsonld(live_server: str, method: str) -> None:
    assert has_norfolk(client(live_server, CONSTRUCT, JSONLD, method).queryAndConvert())  # type: ignore[arg-type]


@pytest.mark.filterwarnings(RDFLIB_DEPRECATION)
@pytest.mark.parametrize("fmt", [RDFXML, XML])
def test_construct_rdfxml(live_server: str, fmt: str) -> None:
    assert has_norfolk(client(live_server, CONSTRUCT, fmt).queryAndConvert())  # type: ignore[arg-type]


@pytest.mark.filterwarnings(RDFLIB_DEPRECATION)
def test_describe(live_server: str) -> None:
    assert has_norfolk(client(live_server, f"DESCRIBE <{NORFOLK}>", RDFXML).queryAndConvert())  # type: ignore[arg-type]


def test_a_malformed_query_is_reported_as_such(live_server: str) -> None:
    with pytest.raises(QueryBadFormed) as err:
        client(live_server, "SELECT * WHERE { ?s ?p }", JSON).query()
    assert "Traceback" not in str(err.value) and ".py" not in str(err.value)
