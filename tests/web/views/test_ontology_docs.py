"""/def/peel, /def/shapes and /validation through a real server."""

from __future__ import annotations

import re
import warnings
from html import unescape

import pytest
from rdflib import Graph, Literal, URIRef

from kg.namespaces import OWL, PEEL, RDF, RDFS, SH
from kg.release.layout import Release
from tests.web.support import fetch


@pytest.fixture(scope="module")
def ontology(live_server: str) -> Graph:
    status, headers, body = fetch(live_server, "/def/peel.ttl")
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    return Graph().parse(data=body, format="turtle")


def test_turtle_serves_the_ontology_with_its_classes(ontology: Graph) -> None:
    classes = {c for c in ontology.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)}
    assert len(classes) >= 8 and PEEL.Force in classes and PEEL.AreaForImprovement in classes
    assert (URIRef("https://w3id.org/peelkg/def/peel"), RDF.type, OWL.Ontology) in ontology


def test_html_documents_every_class_and_property(live_server: str, ontology: Graph) -> None:
    status, headers, body = fetch(live_server, "/def/peel", {"Accept": "text/html"})
    page = unescape(body.decode())
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    named = [c for c in ontology.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)]
    properties = [*ontology.subjects(RDF.type, OWL.ObjectProperty), *ontology.subjects(RDF.type, OWL.DatatypeProperty)]
    for term in [*named, *properties]:
        anchor = str(term).removeprefix(str(PEEL))
        assert f'id="{anchor}"' in page, anchor
        label = ontology.value(term, RDFS.label)
        assert label is None or str(label) in page, label
    assert re.search(r'href="/def/peel#Statement"', page)


def test_ontology_is_negotiated(live_server: str) -> None:
    status, headers, body = fetch(live_server, "/def/peel", {"Accept": "text/turtle"})
    assert status == 200 and headers["Content-Type"].startswith("text/turtle") and "Accept" in headers["Vary"]
    assert 'rel="alternate"' in headers["Link"]
    status, headers, body = fetch(live_server, "/def/peel", {"Accept": "application/rdf+xml"})
    assert status == 200 and (PEEL.Force, RDF.type, OWL.Class) in Graph().parse(data=body, format="xml")
    status, _, body = fetch(live_server, "/def/peel.jsonld")
    with warnings.catch_warnings():  # rdflib's JSON-LD parser warns about rdflib's own deprecated internals
        warnings.filterwarnings("ignore", category=DeprecationWarning, module="rdflib")
        assert (PEEL.Force, RDF.type, OWL.Class) in Graph().parse(data=body, format="json-ld")
    assert fetch(live_server, "/def/peel.exe")[0] == 404
    assert fetch(live_server, "/def/peel", {"Accept": "image/png"})[0] == 406


def test_shapes_page_lists_every_node_shape(live_server: str) -> None:
    status, _, body = fetch(live_server, "/def/shapes.ttl")
    shapes = Graph().parse(data=body, format="turtle")
    node_shapes = [s for s in shapes.subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef)]
    assert status == 200 and len(node_shapes) >= 8
    status, _, body = fetch(live_server, "/def/shapes")
    page = unescape(body.decode())
    for shape in node_shapes:
        assert f'id="{str(shape).rpartition("#")[2]}"' in page, shape
    assert "Violation" in page and "Warning" in page


def test_validation_report_of_the_release(live_server: str, release: Release) -> None:
    outcome = release.manifest["validation"]
    status, _, body = fetch(live_server, "/validation")
    page = unescape(body.decode())
    assert status == 200 and ("conforms" in page) == outcome["conforms"]
    assert f"{outcome['warnings']} warning" in page and f"{outcome['violations']} violation" in page
    status, headers, body = fetch(live_server, "/validation.ttl")
    report = Graph().parse(data=body, format="turtle")
    results = outcome["warnings"] + outcome["violations"]
    assert status == 200 and (None, SH.conforms, Literal(results == 0)) in report  # SHACL §3.6.1
    assert len(set(report.subjects(RDF.type, SH.ValidationResult))) == results
    status, headers, body = fetch(live_server, "/validation.txt")
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    assert body.decode() == release.file("validation.txt").read_text(encoding="utf-8")
