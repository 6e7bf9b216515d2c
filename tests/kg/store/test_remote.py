"""The remote backend against a real ``oxigraph serve`` on 127.0.0.1, loaded with ``peelkg push``:
``RemoteStore`` answers as the embedded store does, and its failures are domain errors."""

from __future__ import annotations

import socket
import time
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rdflib import BNode, Literal, URIRef

from kg.errors import BadQuery, QueryTimeout, StoreUnavailable
from kg.namespaces import GRAPH, ID, force_iri, report_graph
from kg.query.canned import load_queries
from kg.query.internal import internal_query, paged
from kg.release.layout import Release
from kg.sparql.binding import bind_values
from kg.store.local import LocalStore, SelectResult
from kg.store.remote import RemoteStore
from tests.remote_support import free_port, oxigraph_with_release

SAMPLE_VALUES = {"force": "norfolk", "year": "2016", "pillar": "effectiveness", "theme": "domestic-abuse"}


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory, data_dir: Path, peelkg: Any) -> Iterator[str]:
    """Query URL of an ``oxigraph serve`` (union default graph) holding the bundled release."""
    with oxigraph_with_release(tmp_path_factory.mktemp("oxigraph"), data_dir, peelkg) as url:
        yield url


@pytest.fixture(scope="module")
def remote(endpoint: str) -> RemoteStore:
    return RemoteStore(endpoint, timeout=30)


def multiset(result: SelectResult) -> Counter[tuple[tuple[str, Any], ...]]:
    return Counter(tuple(sorted(row.items())) for row in result.rows)


def canned_cases() -> list[tuple[str, dict[str, str]]]:
    cases = []
    for name, query in load_queries().items():
        cases.append((name, {}))
        if query.parameters:
            cases.append((name, {p.name: SAMPLE_VALUES[p.name] for p in query.parameters if p.name in SAMPLE_VALUES}))
    return cases


@pytest.mark.parametrize(("name", "values"), canned_cases(), ids=lambda v: str(v))
def test_canned_queries_answer_as_the_embedded_store(
    name: str, values: dict[str, str], store: LocalStore, remote: RemoteStore
) -> None:
    text = load_queries()[name].bind(values)
    local, answered = store.select(text), remote.select(text)
    assert answered.variables == local.variables
    assert multiset(answered) == multiset(local)


def test_describe_answers_as_the_embedded_store(store: LocalStore, remote: RemoteStore) -> None:
    norfolk = force_iri("norfolk")
    local = store.construct("DESCRIBE ?x", {"x": norfolk})
    assert len(local) > 10
    assert set(remote.construct("DESCRIBE ?x", {"x": norfolk})) == set(local)
    assert set(remote.query(f"DESCRIBE <{norfolk}>")) == set(local)  # type: ignore[arg-type]


@pytest.mark.parametrize("query", [
    "CONSTRUCT { ?x ?p ?o } WHERE { ?x ?p ?o }",
    "CONSTRUCT WHERE { ?x ?p ?o }",
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n# a { brace in a comment\n"
    "CONSTRUCT { ?x rdfs:label ?l } WHERE { ?x rdfs:label ?l FILTER(?l != '}') }",
])
def test_construct_with_bound_values(query: str, store: LocalStore, remote: RemoteStore) -> None:
    bound = {"x": force_iri("norfolk")}
    local = store.construct(query, bound)
    assert len(local) > 0
    assert set(remote.construct(query, bound)) == set(local)


def test_bound_values_join_the_top_level_pattern(store: LocalStore, remote: RemoteStore) -> None:
    """The entity page's queries: bound values seen by FILTERs and GROUP BY of the outer group."""
    norfolk = force_iri("norfolk")
    bound = {"entity": norfolk, "idns": Literal(str(ID))}
    for query in (internal_query("entity-own"), internal_query("entity-incoming-count"),
                  paged("entity-incoming", limit=50, offset=0)):
        local = store.select(query, bound if "idns" in query else {"entity": norfolk})
        answered = remote.select(query, bound if "idns" in query else {"entity": norfolk})
        assert local.rows, query
        assert multiset(answered) == multiset(local)
    graph = {"g": report_graph(2016, "norfolk", "effectiveness")}
    in_graph = internal_query("entity-report-in-graph")
    assert multiset(remote.select(in_graph, graph)) == multiset(store.select(in_graph, graph))
    assert remote.ask("ASK { ?entity ?p ?o }", {"entity": norfolk}) is True
    assert remote.ask("ASK { ?entity ?p ?o }", {"entity": ID["force/nowhere"]}) is False


@pytest.mark.parametrize("text", ['x" } ; DROP ALL #', "line\nbreak 'quote' \\ backslash", "{ }"])
def test_literal_values_stay_values(text: str, store: LocalStore, remote: RemoteStore) -> None:
    query = "SELECT ?s ?text WHERE { ?s ?p ?text }"
    assert remote.select(query, {"text": Literal(text)}).rows == store.select(query, {"text": Literal(text)}).rows == []


def test_plain_and_language_literals_keep_their_type(store: LocalStore, remote: RemoteStore) -> None:
    query = ("SELECT ?x ?label WHERE { ?x <http://www.w3.org/2000/01/rdf-schema#label>|"
             "<http://www.w3.org/2004/02/skos/core#prefLabel> ?label } ORDER BY ?label")
    bound = {"x": URIRef("https://w3id.org/peelkg/id/grade/good")}
    assert remote.select(query, bound).rows == store.select(query, bound).rows != []


def test_push_again_replaces_and_removes_stale_graphs(endpoint: str, data_dir: Path, release: Release,
                                                       peelkg: Any) -> None:
    stale = GRAPH["report/1999/nowhere/effectiveness"]
    store_url = endpoint.rsplit("/", 1)[0] + "/store?" + urllib.parse.urlencode({"graph": str(stale)})
    request = urllib.request.Request(store_url, data=b"<http://e/s> <http://e/p> <http://e/o> .\n", method="PUT",
                                     headers={"Content-Type": "application/n-triples"})
    with urllib.request.urlopen(request, timeout=10):
        pass
    again = peelkg("push", "--data", str(data_dir), "--endpoint", endpoint)
    assert again.returncode == 0, again.stderr
    assert f"{len(release.manifest['graphs'])} graphs, {release.manifest['quads']} statements" in again.stdout
    assert "removed 1 stale graph" in again.stdout
    assert RemoteStore(endpoint).ask("ASK { GRAPH ?g { ?s ?p ?o } }", {"g": stale}) is False


def test_push_to_nowhere_fails_readably(data_dir: Path, peelkg: Any) -> None:
    result = peelkg("push", "--data", str(data_dir), "--endpoint", f"http://127.0.0.1:{free_port()}/query")
    assert result.returncode == 1
    assert "error:" in result.stderr and "Connection refused" in result.stderr
    assert "Traceback" not in result.stderr


def test_errors_are_domain_errors(remote: RemoteStore, endpoint: str) -> None:
    with pytest.raises(BadQuery, match=r"refused the query: .+"):
        remote.select("SELECT ?x WHERE { ?x ?y }")
    with pytest.raises(BadQuery, match="not a SPARQL query"):
        remote.query("DROP ALL")
    with pytest.raises(BadQuery, match="blank node"):
        remote.select("SELECT ?x WHERE { ?x ?p ?o }", {"x": BNode()})
    with pytest.raises(BadQuery, match="not an IRI"):
        remote.select("SELECT ?x WHERE { ?x ?p ?o }", {"x": URIRef("http://e/> } ; DROP ALL ; <")})
    with pytest.raises(BadQuery, match="SELECT clause must name it"):
        remote.select("SELECT ?p (COUNT(?o) AS ?n) WHERE { ?x ?p ?o } GROUP BY ?p", {"x": force_iri("norfolk")})
    with pytest.raises(BadQuery, match="not a SELECT"):
        remote.select("ASK { ?s ?p ?o }")
    with pytest.raises(StoreUnavailable, match="no SPARQL endpoint"):
        RemoteStore(endpoint.replace("/query", "/nothing")).ask("ASK {}")
    with pytest.raises(StoreUnavailable, match="cannot reach"):
        RemoteStore(f"http://127.0.0.1:{free_port()}/query").ask("ASK {}")


def test_a_store_that_does_not_answer_times_out() -> None:
    """A listening socket that never answers: the request gives up after ``timeout`` seconds."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        store = RemoteStore(f"http://127.0.0.1:{silent.getsockname()[1]}/query", timeout=0.5)
        started = time.monotonic()
        with pytest.raises(QueryTimeout, match=r"within 0\.5 s"):
            store.ask("ASK {}")
        assert time.monotonic() - started < 10


@pytest.mark.parametrize(("query", "expected"), [
    ("SELECT * { ?x ?p ?o }", "SELECT * { VALUES (?x) { (<http://e/a>) } ?x ?p ?o }"),
    ("SELECT ?x (EXISTS { ?a ?b ?c } AS ?e) WHERE { ?x ?p ?o }",
     "SELECT ?x (EXISTS { ?a ?b ?c } AS ?e) WHERE { VALUES (?x) { (<http://e/a>) } ?x ?p ?o }"),
    ("CONSTRUCT { ?x <http://e/p> '{' } WHERE { ?x ?p ?o }",
     "CONSTRUCT { ?x <http://e/p> '{' } WHERE { VALUES (?x) { (<http://e/a>) } ?x ?p ?o }"),
    ("CONSTRUCT WHERE { ?x ?p ?o }", "CONSTRUCT WHERE { ?x ?p ?o }\nVALUES (?x) { (<http://e/a>) }"),
    ("DESCRIBE ?x", "DESCRIBE ?x\nVALUES (?x) { (<http://e/a>) }"),
    ('PREFIX e: <http://e/#>\n# SELECT {\nASK { ?x e:p """}""" }',
     'PREFIX e: <http://e/#>\n# SELECT {\nASK { VALUES (?x) { (<http://e/a>) } ?x e:p """}""" }'),
])
def test_where_the_values_go(query: str, expected: str) -> None:
    assert bind_values(query, {"x": URIRef("http://e/a")}) == expected


def test_the_remote_runner_cuts_answers_at_the_row_cap_and_refuses_a_misfit_format(remote: RemoteStore) -> None:
    from kg.query.execute import Job

    runner = remote.runner(workers=0, memory_mb=0, timeout=30, queue=0)
    text = "SELECT ?s WHERE { ?s a <https://w3id.org/peelkg/def/peel#Force> }"
    answer = runner.run(Job(text, text, "SELECT", "csv", max_rows=2))
    assert answer.truncated
    assert answer.body.decode().splitlines()[0] == "s" and len(answer.body.decode().splitlines()) == 3
    with pytest.raises(BadQuery, match="does not fit"):
        runner.run(Job(text, text, "SELECT", "ttl", max_rows=2))
