"""SPARQLWrapper runs every canned query as ``/queries/{name}.rq`` serves it, against the live endpoint."""

from __future__ import annotations

import urllib.error
import urllib.request
import warnings

import pytest
from SPARQLWrapper import JSON, SPARQLWrapper

from kg.query.canned import load_queries
from tests.kg.query.test_canned_sparqlwrapper import form_of

QUERIES = load_queries()


def served_text(base: str, name: str, query: str = "") -> str:
    with urllib.request.urlopen(f"{base}/queries/{name}.rq{query}", timeout=30) as response:
        assert response.headers.get_content_type() == "application/sparql-query"
        return response.read().decode("utf-8")


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_sparqlwrapper_runs_the_served_query(live_server: str, name: str) -> None:
    args = "?force=norfolk" if any(p.name == "force" for p in QUERIES[name].parameters) else ""
    text = served_text(live_server, name, args)
    client = SPARQLWrapper(f"{live_server}/sparql")
    client.setReturnFormat(JSON)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        client.setQuery(text)
    assert client.queryType == form_of(text) and not client.isSparqlUpdateRequest()
    answer = client.queryAndConvert()
    assert isinstance(answer, dict)
    assert "boolean" in answer or answer["head"]["vars"]


def test_served_text_binds_the_url_parameters(live_server: str) -> None:
    text = served_text(live_server, "judgements", "?force=norfolk&year=2016")
    assert "<https://w3id.org/peelkg/id/force/norfolk>" in text and "2016" in text
    assert text.split("VALUES", 1)[1].split("}", 1)[0].count("UNDEF") == 1  # pillar left open


def test_served_text_refuses_a_bad_parameter(live_server: str) -> None:
    request = urllib.request.Request(f"{live_server}/queries/judgements.rq?force=x%3E%20DROP")
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=30)
    assert caught.value.code == 400
    assert b"parameter force" in caught.value.read()
