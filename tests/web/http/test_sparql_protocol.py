"""/sparql speaks the SPARQL 1.1 Protocol.

The query-operation cases of the W3C SPARQL 1.1 Protocol test suite that apply to a
read-only endpoint (https://w3c.github.io/rdf-tests/sparql/sparql11/protocol/), written anew
from the spec; the dataset cases name this dataset's own graphs, since the endpoint never
fetches a graph.  Then content negotiation, the service description, the query page and CORS.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph as ox
import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from kg.namespaces import BASE, PREFIXES, REFERENCE_GRAPH, VOCABULARY_GRAPH
from kg.query.service_description import LIMITS, SD
from kg.release.layout import Release
from kg.store.local import LocalStore, to_rdflib
from web.app import create_app
from web.present.charts import chart_palette
from web.settings import Settings

NORFOLK = "https://w3id.org/peelkg/id/force/norfolk"
LABEL = f"SELECT ?label WHERE {{ <{NORFOLK}> <http://www.w3.org/2000/01/rdf-schema#label> ?label }}"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
JSON = "application/sparql-results+json"


def bindings(body: bytes) -> list[dict[str, dict[str, str]]]:
    result: list[dict[str, dict[str, str]]] = json.loads(body)["results"]["bindings"]
    return result


def number(body: bytes) -> int:
    return int(bindings(body)[0]["n"]["value"])


def no_leak(body: bytes) -> None:
    text = body.decode("utf-8", "replace")
    assert "Traceback" not in text and ".py" not in text and "/tmp" not in text and "site-packages" not in text


# -- query operation: the three ways to send a query ---------------------------------------------

def test_query_get(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": LABEL}, headers={"Accept": JSON})
    assert response.status_code == 200 and response.mimetype == JSON
    assert bindings(response.data)[0]["label"]["value"] == "Norfolk Constabulary"


def test_query_post_form(client: FlaskClient) -> None:
    response = client.post("/sparql", data={"query": LABEL}, headers={"Accept": JSON})
    assert response.status_code == 200 and response.mimetype == JSON
    assert bindings(response.data)[0]["label"]["value"] == "Norfolk Constabulary"


def test_query_post_direct(client: FlaskClient) -> None:
    response = client.post("/sparql", data=LABEL.encode(), content_type="application/sparql-query",
                           headers={"Accept": JSON})
    assert response.status_code == 200
    assert bindings(response.data)[0]["label"]["value"] == "Norfolk Constabulary"


def test_query_post_direct_utf8_charset_is_accepted(client: FlaskClient) -> None:
    response = client.post("/sparql", data="ASK { ?s ?p 'é' }".encode(),
                           content_type="application/sparql-query; charset=UTF-8", headers={"Accept": JSON})
    assert response.status_code == 200 and json.loads(response.data) == {"head": {}, "boolean": False}


@pytest.mark.parametrize(("query", "accept", "media_type"), [
    (LABEL, JSON, JSON),
    (LABEL, "application/sparql-results+xml", "application/sparql-results+xml"),
    (LABEL, "text/csv", "text/csv"),
    (LABEL, "text/tab-separated-values", "text/tab-separated-values"),
    ("ASK { ?s ?p ?o }", JSON, JSON),
    ("ASK { ?s ?p ?o }", "application/sparql-results+xml", "application/sparql-results+xml"),
    (f"DESCRIBE <{NORFOLK}>", "text/turtle", "text/turtle"),
    (f"CONSTRUCT WHERE {{ <{NORFOLK}> ?p ?o }}", "application/rdf+xml", "application/rdf+xml"),
    (f"CONSTRUCT WHERE {{ <{NORFOLK}> ?p ?o }}", "application/ld+json", "application/ld+json"),
    (f"CONSTRUCT WHERE {{ <{NORFOLK}> ?p ?o }}", "application/n-triples", "application/n-triples"),
])
def test_query_content_types(client: FlaskClient, query: str, accept: str, media_type: str) -> None:
    response = client.get("/sparql", query_string={"query": query}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.mimetype == media_type
    assert "Accept" in response.headers.get("Vary", "")


def test_answers_parse_in_the_format_they_claim(client: FlaskClient) -> None:
    csv_body = client.get("/sparql", query_string={"query": LABEL, "format": "csv"}).data
    assert list(csv.reader(io.StringIO(csv_body.decode()))) == [["label"], ["Norfolk Constabulary"]]
    for fmt in ("json", "xml", "tsv"):
        body = client.get("/sparql", query_string={"query": LABEL, "format": fmt}).data
        results = ox.parse_query_results(body, format=ox.QueryResultsFormat.from_extension(fmt))
        assert [s["label"].value for s in results] == ["Norfolk Constabulary"]  # type: ignore[union-attr]
    for fmt, rdf_format in (("ttl", ox.RdfFormat.TURTLE), ("jsonld", ox.RdfFormat.JSON_LD),
                            ("rdf", ox.RdfFormat.RDF_XML), ("nt", ox.RdfFormat.N_TRIPLES)):
        body = client.get("/sparql", query_string={"query": f"DESCRIBE <{NORFOLK}>", "format": fmt}).data
        assert any(t.subject == ox.NamedNode(NORFOLK) for t in ox.parse(body, format=rdf_format))


@pytest.mark.parametrize(("accept", "expected"), [
    ("", JSON), ("*/*", JSON), ("application/json", JSON), ("text/csv;q=0.4, text/tab-separated-values;q=0.9",
                                                            "text/tab-separated-values"),
    ("image/png", JSON),  # nothing fits: the default of the kind, as the protocol allows
])
def test_accept_is_negotiated_with_a_default(client: FlaskClient, accept: str, expected: str) -> None:
    response = client.get("/sparql", query_string={"query": LABEL}, headers={"Accept": accept} if accept else {})
    assert response.mimetype == expected


def test_a_format_parameter_wins_over_accept_and_fits_the_query_form(client: FlaskClient) -> None:
    assert client.get("/sparql", query_string={"query": LABEL, "format": "xml"},
                      headers={"Accept": JSON}).mimetype == "application/sparql-results+xml"
    assert client.get("/sparql", query_string={"query": f"DESCRIBE <{NORFOLK}>", "format": "xml"}).mimetype \
        == "application/rdf+xml"
    # SPARQLWrapper's way: several values, one a media type
    assert client.get("/sparql?" + urlencode([("query", LABEL), ("format", "tsv"),
                                              ("format", "text/tab-separated-values")])).mimetype \
        == "text/tab-separated-values"
    bad = client.get("/sparql", query_string={"query": LABEL, "format": "ttl"}, headers={"Accept": JSON})
    assert bad.status_code == 400 and b"does not fit" in bad.data


# -- dataset: default-graph-uri and named-graph-uri -----------------------------------------------

def count(client: FlaskClient, query: str, **graphs: list[str]) -> int:
    params = [("query", query)] + [(k.replace("_", "-"), v) for k, values in graphs.items() for v in values]
    response = client.get("/sparql?" + urlencode(params), headers={"Accept": JSON})
    assert response.status_code == 200, response.data
    return number(response.data)


def test_query_dataset_default_graph(client: FlaskClient) -> None:
    everything = count(client, COUNT)
    reference = count(client, COUNT, default_graph_uri=[str(REFERENCE_GRAPH)])
    assert 0 < reference < everything


def test_query_dataset_default_graphs_merge(client: FlaskClient) -> None:
    reference = count(client, COUNT, default_graph_uri=[str(REFERENCE_GRAPH)])
    vocabulary = count(client, COUNT, default_graph_uri=[str(VOCABULARY_GRAPH)])
    both = count(client, COUNT, default_graph_uri=[str(REFERENCE_GRAPH), str(VOCABULARY_GRAPH)])
    assert max(reference, vocabulary) < both <= reference + vocabulary


def test_query_dataset_named_graphs(client: FlaskClient) -> None:
    query = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert count(client, query, named_graph_uri=[str(REFERENCE_GRAPH), str(VOCABULARY_GRAPH)]) == 2
    assert count(client, COUNT, named_graph_uri=[str(REFERENCE_GRAPH)]) == 0  # and an empty default graph


def test_query_dataset_full_and_protocol_overrides_from(client: FlaskClient) -> None:
    query = (f"SELECT (COUNT(*) AS ?n) FROM <{VOCABULARY_GRAPH}> FROM NAMED <{VOCABULARY_GRAPH}> "
             "WHERE { ?s ?p ?o }")
    reference = count(client, COUNT, default_graph_uri=[str(REFERENCE_GRAPH)])
    assert count(client, query, default_graph_uri=[str(REFERENCE_GRAPH)],
                 named_graph_uri=[str(VOCABULARY_GRAPH)]) == reference


def test_a_graph_the_dataset_lacks_is_empty(client: FlaskClient) -> None:
    assert count(client, COUNT, default_graph_uri=["http://example.org/not/here"]) == 0


def test_graph_parameters_must_be_iris(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": COUNT, "default-graph-uri": "not an iri"})
    assert response.status_code == 400 and b"not an absolute IRI" in response.data


# -- malformed requests -----------------------------------------------------------------------------

def test_bad_query_method(client: FlaskClient) -> None:
    assert client.put("/sparql", data={"query": LABEL}).status_code == 405
    assert client.delete("/sparql").status_code == 405


def test_bad_multiple_queries(client: FlaskClient) -> None:
    response = client.get("/sparql?" + urlencode([("query", LABEL), ("query", "ASK {}")]))
    assert response.status_code == 400
    direct = client.post("/sparql?" + urlencode({"query": LABEL}), data=b"ASK {}",
                         content_type="application/sparql-query")
    assert direct.status_code == 400


@pytest.mark.parametrize("content_type", ["text/plain", "application/json", None])
def test_bad_query_wrong_or_missing_media_type(client: FlaskClient, content_type: str | None) -> None:
    response = client.post("/sparql", data=urlencode({"query": LABEL}), content_type=content_type)
    assert response.status_code == 415
    assert b"application/sparql-query" in response.data


def test_bad_query_non_utf8(client: FlaskClient) -> None:
    utf16 = client.post("/sparql", data=LABEL.encode("utf-16"), content_type="application/sparql-query; charset=UTF-16")
    assert utf16.status_code == 415
    undeclared = client.post("/sparql", data=LABEL.encode("utf-16"), content_type="application/sparql-query")
    assert undeclared.status_code == 400 and b"UTF-8" in undeclared.data


@pytest.mark.parametrize("query", ["SELECT * WHERE { ?s ?p }", "SELEC * WHERE { ?s ?p ?o }", "",
                                   "SELECT * WHERE { ?s ?p ?o", "SELECT ?x WHERE { } GROUP BY"])
def test_bad_query_syntax(client: FlaskClient, query: str) -> None:
    response = client.get("/sparql", query_string={"query": query}, headers={"Accept": JSON})
    assert response.status_code == 400
    assert json.loads(response.data)["message"]
    no_leak(response.data)


def test_post_without_a_query(client: FlaskClient) -> None:
    response = client.post("/sparql", data={"format": "json"}, headers={"Accept": JSON})
    assert response.status_code == 400 and b"no query" in response.data


def test_an_oversized_body_is_refused_before_it_is_read(client: FlaskClient) -> None:
    body = "SELECT * { ?s ?p ?o } #" + "x" * 200_000
    response = client.post("/sparql", data=body.encode(), content_type="application/sparql-query")
    assert response.status_code == 413


def test_an_oversized_query_is_413(client: FlaskClient) -> None:
    body = "SELECT * { ?s ?p ?o } #" + "x" * 20_000
    response = client.post("/sparql", data={"query": body}, headers={"Accept": JSON})
    assert response.status_code == 413 and b"at most 20000" in response.data


# -- read-only ----------------------------------------------------------------------------------------

def triples(store: LocalStore) -> int:
    return len(store.oxigraph)


@pytest.mark.parametrize("send", [
    lambda c: c.post("/sparql", data="INSERT DATA { <http://e/s> <http://e/p> 1 }",
                     content_type="application/sparql-update"),
    lambda c: c.post("/sparql", data={"update": "INSERT DATA { <http://e/s> <http://e/p> 1 }"}),
    lambda c: c.get("/sparql", query_string={"update": "DROP ALL"}),
    lambda c: c.get("/sparql", query_string={"query": "DROP ALL"}),
    lambda c: c.post("/sparql", data={"query": "DELETE WHERE { ?s ?p ?o }"}),
    lambda c: c.post("/sparql", data=b"CLEAR DEFAULT", content_type="application/sparql-query"),
], ids=["update-body", "update-field", "update-get", "drop-in-query", "delete-in-form", "clear-in-body"])
def test_updates_are_refused_and_the_store_is_unchanged(client: FlaskClient, store: LocalStore, send: object) -> None:
    before = triples(store)
    response = send(client)  # type: ignore[operator]
    assert 400 <= response.status_code < 500
    assert b"read-only" in response.data
    no_leak(response.data)
    assert triples(store) == before
    assert count(client, "ASK { <http://e/s> ?p ?o }".replace("ASK", "SELECT (COUNT(*) AS ?n) WHERE")) == 0


# -- service description, query page, CORS ---------------------------------------------------------------

@pytest.mark.parametrize(("accept", "rdf_format"), [("text/turtle", ox.RdfFormat.TURTLE),
                                                     ("application/ld+json", ox.RdfFormat.JSON_LD),
                                                     ("", ox.RdfFormat.TURTLE)])
def test_the_service_description_parses_and_states_the_limits(client: FlaskClient, accept: str,
                                                              rdf_format: ox.RdfFormat) -> None:
    response = client.get("/sparql", headers={"Accept": accept} if accept else {})
    assert response.status_code == 200
    assert response.mimetype == rdf_format.media_type
    graph = Graph()
    for t in ox.parse(response.data, format=rdf_format):
        graph.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))  # type: ignore[union-attr]
    service = URIRef(BASE + "sparql")  # never the request's host (decision 0105)
    assert (service, RDF.type, SD.Service) in graph
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert (service, LIMITS.maxRows, Literal(10000)) in graph
    assert (service, LIMITS.maxNesting, Literal(64)) in graph
    assert graph.value(service, LIMITS.queryTimeout).toPython() == 10  # type: ignore[union-attr]
    names = {str(o) for o in graph.objects(None, SD.name)}
    assert str(REFERENCE_GRAPH) in names


def test_browsers_get_the_query_page(client: FlaskClient) -> None:
    response = client.get("/sparql", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert 'name="query"' in page and "PREFIX peel:" in page
    assert "/static/sparql/editor.js" in page and "<script>" not in page  # no inline script
    assert "/queries/forces" in page  # the canned queries as examples
    assert page.count("PREFIX ") <= 2  # regression: the example query opened with 14 PREFIX lines


def test_the_query_page_gives_the_editor_the_datasets_prefixes(client: FlaskClient) -> None:
    """The editor declares these as they are typed (static/sparql/editor.js), asking no other site for a list."""
    page = client.get("/sparql", headers={"Accept": "text/html"}).get_data(as_text=True)
    found = re.search(r"data-prefixes='([^']*)'", page)
    assert found is not None
    assert json.loads(html.unescape(found.group(1))) == PREFIXES


def test_the_query_page_shows_results_and_downloads(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": LABEL}, headers={"Accept": "text/html"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Norfolk Constabulary" in page
    for fmt in ("json", "xml", "csv", "tsv"):
        assert f"format={fmt}" in page


def test_a_select_answer_tells_the_result_viewer_where_its_json_is(client: FlaskClient) -> None:
    """The editor's result viewer and chart (static/sparql/results-chart.js) read the answer's JSON from the
    address the page names, and draw with the palette of web.present.charts; an ASK answer names none."""
    page = client.get("/sparql", query_string={"query": LABEL}, headers={"Accept": "text/html"}).get_data(as_text=True)
    found = re.search(r'<section id="results"[^>]* data-answer="([^"]*)" data-chart=\'([^\']*)\'', page)
    assert found is not None
    address = html.unescape(found.group(1))
    assert address.startswith("/sparql?") and "format=json" in address
    assert json.loads(html.unescape(found.group(2))) == chart_palette()
    answer = client.get(address)
    assert answer.mimetype == "application/sparql-results+json"
    assert "Norfolk Constabulary" in answer.get_data(as_text=True)
    ask = client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"}, headers={"Accept": "text/html"})
    assert ask.status_code == 200 and "data-answer" not in ask.get_data(as_text=True)


def test_the_query_page_shows_errors_in_place(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": "SELECT * { ?s ?p }"}, headers={"Accept": "text/html"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "was not answered" in page and "SELECT * { ?s ?p }" in page  # the query stays in the editor
    no_leak(response.data)


@pytest.fixture(scope="module")
def capped_app(data_dir: object, store: LocalStore, release: Release) -> Iterator[Flask]:
    app = create_app(Settings(data_dir=data_dir, max_rows=5, query_workers=1), store,  # type: ignore[arg-type]
                     release=release)
    yield app
    app.extensions["peelkg.sparql"].close()


def test_an_answer_over_the_cap_is_refused_and_the_page_shows_its_start(capped_app: Flask) -> None:
    client = capped_app.test_client()
    for query, fmt in (("SELECT * { ?s ?p ?o }", "csv"), ("CONSTRUCT WHERE { ?s ?p ?o }", "nt")):
        data = client.get("/sparql", query_string={"query": query, "format": fmt})
        assert data.status_code == 400 and "more than 5 rows" in data.get_data(as_text=True)
    canned = client.get("/queries/forces.csv")
    assert canned.status_code == 400 and "LIMIT 5" in canned.get_data(as_text=True)
    page = client.get("/sparql", query_string={"query": "SELECT * { ?s ?p ?o }"}, headers={"Accept": "text/html"})
    assert page.headers["X-SPARQL-MaxRows"] == "5" and "cut at 5 rows" in page.get_data(as_text=True)
    whole = client.get("/sparql", query_string={"query": "SELECT * { ?s ?p ?o } LIMIT 5", "format": "csv"})
    assert "X-SPARQL-MaxRows" not in whole.headers


def test_cors_on_answers_errors_and_preflight(client: FlaskClient) -> None:
    origin = {"Origin": "https://yasgui.example"}
    assert client.get("/sparql", query_string={"query": LABEL}, headers=origin).headers[
        "Access-Control-Allow-Origin"] == "*"
    posted = client.post("/sparql", data={"query": LABEL}, headers=origin)
    assert posted.headers["Access-Control-Allow-Origin"] == "*"
    assert "X-SPARQL-MaxRows" in posted.headers["Access-Control-Expose-Headers"]
    error = client.get("/sparql", query_string={"query": "SELECT"}, headers=origin)
    assert error.status_code == 400 and error.headers["Access-Control-Allow-Origin"] == "*"
    preflight = client.options("/sparql", headers={**origin, "Access-Control-Request-Method": "POST",
                                                   "Access-Control-Request-Headers": "Content-Type"})
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in preflight.headers["Access-Control-Allow-Headers"]


@pytest.mark.parametrize("installed", [True, False])
def test_the_page_uses_the_editor_only_when_its_assets_are_installed(client: FlaskClient, installed: bool,
                                                                     monkeypatch: pytest.MonkeyPatch,
                                                                     tmp_path: object) -> None:
    import web.views.sparql

    asset = Path(str(tmp_path)) / "yasgui.min.js"
    if installed:
        asset.write_text("// stand-in")
    monkeypatch.setattr(web.views.sparql, "EDITOR_ASSET", asset)
    page = client.get("/sparql", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert ("sparql/vendor/yasgui.min.js" in page) is installed
    assert '<textarea id="query" name="query"' in page  # the plain form is always there
