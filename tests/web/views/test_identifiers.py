"""Every identifier the data itself uses under the base answers, through a real server and rdflib:
the ontology's version IRI, the namespace of the endpoint's limit terms, each named graph.

The regression: ``/def/endpoint``, ``/def/peel/1.0.0`` and ``/graph/…`` answered 404.
"""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF

from kg.query.service_description import LIMITS
from kg.release.layout import Release
from tests.web.support import fetch

BASE = "https://w3id.org/peelkg/"


def turtle(base: str, path: str) -> Graph:
    status, headers, body = fetch(base, path, {"Accept": "text/turtle"})
    assert status == 200, path
    assert headers.get_content_type() == "text/turtle" and "Accept" in headers.get("Vary", "")
    return Graph().parse(data=body, format="turtle")


def test_the_ontology_version_iri_answers_the_ontology(live_server: str) -> None:
    current = turtle(live_server, "/def/peel")
    version = current.value(URIRef(BASE + "def/peel"), OWL.versionIRI)
    assert version is not None
    versioned = turtle(live_server, str(version).removeprefix(BASE.rstrip("/")))
    assert len(versioned) == len(current)
    assert fetch(live_server, "/def/peel/0.0.1")[0] == 404


def test_every_limit_term_of_the_service_description_is_defined(live_server: str) -> None:
    vocabulary = turtle(live_server, "/def/endpoint")
    description = turtle(live_server, "/sparql")
    used = {p for p in description.predicates() if str(p).startswith(str(LIMITS))}
    assert used and all((p, RDF.type, None) in vocabulary for p in used)
    status, _, body = fetch(live_server, "/def/endpoint", {"Accept": "text/html"})
    assert status == 200 and b"maxRows" in body


def test_every_named_graph_answers_its_statements(live_server: str, release: Release) -> None:
    graphs = release.manifest["graphs"]
    assert graphs
    for iri in graphs:
        path = iri.removeprefix(BASE.rstrip("/"))
        assert len(turtle(live_server, path)) > 0, path
        status, headers, _ = fetch(live_server, path, {"Accept": "text/html"})
        assert status == 303 and headers["Location"].endswith("/dataset")
    assert fetch(live_server, "/graph/no-such-graph")[0] == 404


@pytest.mark.parametrize("path", ["/def/endpoint.ttl", "/def/endpoint.jsonld", "/def/endpoint.nt"])
def test_the_endpoint_vocabulary_has_every_format(live_server: str, path: str) -> None:
    assert fetch(live_server, path)[0] == 200
