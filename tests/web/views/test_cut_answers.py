"""An answer over the row cap reaches no program as if it were complete: SPARQLWrapper raises and
Comunica exits non-zero, both with the message naming the cap; within the cap both get every row.

The regression: ``SELECT * WHERE { ?s ?p ?o }`` answered 10,000 of its rows with 200, and the only
sign, the ``X-SPARQL-MaxRows`` header, is one neither client shows its user.
"""

from __future__ import annotations

import json
import subprocess

import pytest
from SPARQLWrapper import JSON, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from tests.web.tools import comunica

EVERYTHING = "SELECT * WHERE { ?s ?p ?o }"
PAGE = "SELECT * WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o LIMIT 10000 OFFSET 10000"


def select(base: str, query: str) -> dict:  # type: ignore[type-arg]
    client = SPARQLWrapper(f"{base}/sparql")
    client.setReturnFormat(JSON)
    client.setQuery(query)
    answer = client.queryAndConvert()
    assert isinstance(answer, dict)
    return answer


def statements(base: str) -> int:
    answer = select(base, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    return int(answer["results"]["bindings"][0]["n"]["value"])


def test_the_dataset_has_more_statements_than_the_cap(live_server: str) -> None:
    assert statements(live_server) > 10000  # else the tests below prove nothing


def test_sparqlwrapper_raises_on_an_answer_over_the_cap(live_server: str) -> None:
    with pytest.raises(QueryBadFormed, match="more than 10000 rows"):
        select(live_server, EVERYTHING)


def test_sparqlwrapper_gets_a_page_within_the_cap_whole(live_server: str) -> None:
    rows = select(live_server, PAGE)["results"]["bindings"]
    assert len(rows) == min(10000, statements(live_server) - 10000)


def run_comunica(base: str, query: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([comunica(), f"sparql@{base}/sparql", query, "-t", "application/json"],
                          capture_output=True, text=True, timeout=240, check=False)


def test_comunica_fails_on_an_answer_over_the_cap(live_server: str) -> None:
    result = run_comunica(live_server, EVERYTHING)
    assert result.returncode != 0
    assert "more than 10000 rows" in result.stderr


def test_comunica_gets_a_small_answer_whole(live_server: str) -> None:
    query = "SELECT ?f WHERE { ?f a <https://w3id.org/peelkg/def/peel#Force> }"
    result = run_comunica(live_server, query)
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)) == 43
