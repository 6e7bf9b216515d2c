"""``peelkg serve --store URL``: pages, canned queries, search and /sparql answered from a real
``oxigraph serve`` (loaded with ``peelkg push``) are the same as from the embedded store."""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph

from tests.remote_support import oxigraph_with_release
from tests.web.conftest import start_server, stop_server
from tests.web.support import fetch

NORFOLK_QUERY = ("SELECT ?p ?o WHERE { <https://w3id.org/peelkg/id/force/norfolk> ?p ?o } ORDER BY ?p ?o")


@pytest.fixture(scope="module")
def remote_server(tmp_path_factory: pytest.TempPathFactory, data_dir: Path, peelkg: Any) -> Iterator[str]:
    """Base URL of a peelkg server whose queries go to oxigraph serve."""
    with oxigraph_with_release(tmp_path_factory.mktemp("oxigraph-web"), data_dir, peelkg) as endpoint:
        process, base = start_server(data_dir, "--store", endpoint)
        try:
            yield base
        finally:
            stop_server(process)


def both(remote_server: str, live_server: str, path: str, accept: str) -> tuple[bytes, bytes]:
    """The body of ``path`` from the remote-backed and the embedded server, each answering 200."""
    bodies, types = [], []
    for base in (remote_server, live_server):
        status, headers, body = fetch(base, path, {"Accept": accept})
        assert status == 200, (base, path, body[:300])
        bodies.append(body)
        types.append(headers["Content-Type"])
    assert types[0] == types[1]
    return bodies[0], bodies[1]


def test_entity_page_is_the_same(remote_server: str, live_server: str) -> None:
    remote, local = both(remote_server, live_server, "/doc/force/norfolk", "text/html")
    assert b"Norfolk" in remote
    assert remote == local


def test_entity_document_is_the_same(remote_server: str, live_server: str) -> None:
    remote, local = both(remote_server, live_server, "/doc/force/norfolk.ttl", "text/turtle")
    assert set(Graph().parse(data=remote, format="turtle")) == set(Graph().parse(data=local, format="turtle"))


def test_sparql_select_is_the_same(remote_server: str, live_server: str) -> None:
    path = "/sparql?" + urllib.parse.urlencode({"query": NORFOLK_QUERY})
    remote, local = both(remote_server, live_server, path, "application/sparql-results+json")
    rows = json.loads(remote)["results"]["bindings"]
    assert len(rows) > 10
    assert rows == json.loads(local)["results"]["bindings"]


def test_sparql_errors_are_reported(remote_server: str) -> None:
    status, _headers, body = fetch(remote_server, "/sparql?query=SELECT%20%3Fx%20WHERE%20%7B",
                                   {"Accept": "application/sparql-results+json"})
    assert status == 400
    assert b"Traceback" not in body


@pytest.mark.parametrize("path", ["/queries/judgements.json?force=norfolk", "/queries/forces.json"])
def test_canned_query_is_the_same(remote_server: str, live_server: str, path: str) -> None:
    remote, local = both(remote_server, live_server, path, "application/json")
    assert json.loads(remote) == json.loads(local)


def test_search_is_the_same(remote_server: str, live_server: str) -> None:
    remote, local = both(remote_server, live_server, "/search.json?q=domestic+abuse", "application/json")
    assert json.loads(remote) == json.loads(local)
    assert b"domestic" in remote.lower()


def fragment_triples(base: str, query: str) -> tuple[int, set[Any]]:
    """The count and every page's data triples of the fragment ``/fragments?{query}``, following hydra:next."""
    import pyoxigraph as ox

    hydra = "http://www.w3.org/ns/hydra/core#"
    seen: set[Any] = set()
    path: str | None = "/fragments?" + query
    total = -1
    while path:
        status, _, body = fetch(base, path, {"Accept": "application/n-quads"})
        assert status == 200, body[:300]
        quads = list(ox.parse(body, format=ox.RdfFormat.N_QUADS))
        seen |= {q.triple for q in quads if q.graph_name == ox.DefaultGraph()}
        controls = {q.predicate.value: q.object for q in quads
                    if q.graph_name != ox.DefaultGraph() and q.subject == ox.NamedNode(base + path)}
        total = int(controls[hydra + "totalItems"].value)
        nxt = controls.get(hydra + "next")
        path = nxt.value[len(base):] if nxt is not None else None
    return total, seen


@pytest.mark.parametrize("query", [
    "predicate=http%3A%2F%2Fwww.w3.org%2F2004%2F02%2Fskos%2Fcore%23prefLabel",
    "subject=https%3A%2F%2Fw3id.org%2Fpeelkg%2Fid%2Fforce%2Fnorfolk",
    "object=%22Norfolk+Constabulary%22",
])
def test_fragments_are_the_same(remote_server: str, live_server: str, query: str) -> None:
    remote, local = fragment_triples(remote_server, query), fragment_triples(live_server, query)
    assert local[0] == len(local[1]) > 0
    assert remote == local
