"""Documentation records of the ontology, the shapes and the validation report."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef

from kg.namespaces import OWL, PEEL, RDF, SH
from kg.release.definitions import ONTOLOGY_FILE, SHAPES_COPY, describe_ontology, load_definition
from kg.release.layout import Release
from web.present.shape_docs import EXAMPLES, describe_shapes, summarise_validation

PREFIXES = """@prefix peel: <https://w3id.org/peelkg/def/peel#> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def test_classes_are_cross_referenced() -> None:
    graph = Graph().parse(data=PREFIXES + """
        peel:A a owl:Class ; rdfs:label "A"@en ; skos:definition "An A."@en .
        peel:B a owl:Class ; rdfs:subClassOf peel:A .
        peel:C a owl:Class ; rdfs:subClassOf peel:A .
        [] a owl:AllDisjointClasses ; owl:members ( peel:B peel:C ) .
        peel:p a owl:ObjectProperty ; rdfs:domain [ a owl:Class ; owl:unionOf ( peel:B peel:C ) ] ; rdfs:range peel:A .
        peel:n a owl:DatatypeProperty ; rdfs:domain peel:A ; rdfs:range xsd:integer .
    """, format="turtle")
    doc = describe_ontology(graph)
    by_name = {c.term.name: c for c in doc.classes}
    assert [c.term.anchor for c in doc.classes] == ["A", "B", "C"]
    assert by_name["peel:A"].definition == "An A."
    assert [t.name for t in by_name["peel:A"].children] == ["peel:B", "peel:C"]
    assert [t.name for t in by_name["peel:B"].disjoint] == ["peel:C"]
    assert [t.name for t in by_name["peel:C"].properties] == ["peel:p"]
    assert [t.name for t in by_name["peel:A"].used_by] == ["peel:p"]
    assert [(p.term.name, p.kind, [r.name for r in p.ranges]) for p in doc.properties] == [
        ("peel:n", "datatype", ["xsd:integer"]), ("peel:p", "object", ["peel:A"])]


def test_release_ontology_documents_every_class(release: Release) -> None:
    graph = load_definition(release.path, ONTOLOGY_FILE)
    classes = {str(c) for c in graph.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)}
    assert len(classes) >= 8 and str(PEEL.Force) in classes
    assert {c.term.iri for c in describe_ontology(graph).classes} == classes


def test_release_shapes_are_all_described(release: Release) -> None:
    graph = load_definition(release.path, SHAPES_COPY)
    doc = describe_shapes(graph)
    assert {s.term.iri for s in doc.shapes} == {str(s) for s in graph.subjects(RDF.type, SH.NodeShape)}
    force = next(s for s in doc.shapes if s.term.name == "peelsh:ForceShape")
    assert force.targets[0].name == "peel:Force"  # type: ignore[union-attr]
    spatial = next(c for c in force.constraints if c.path == "dcterms:spatial")
    assert ("sh:minCount", "1") in spatial.parameters and spatial.message


def test_validation_results_are_grouped_and_counted() -> None:
    report = Graph()
    root = URIRef("urn:report")
    report.add((root, RDF.type, SH.ValidationReport))
    report.add((root, SH.conforms, Literal(False)))
    for n in range(EXAMPLES + 2):
        result = URIRef(f"urn:result:{n}")
        report.add((root, SH.result, result))
        report.add((result, RDF.type, SH.ValidationResult))
        report.add((result, SH.resultSeverity, SH.Warning if n else SH.Violation))
        report.add((result, SH.focusNode, URIRef(f"https://w3id.org/peelkg/id/force/f{n:02d}")))
        report.add((result, SH.resultMessage, Literal("bad" if n else "worse")))
    summary = summarise_validation(report)
    assert not summary.conforms and summary.counts == {"Violation": 1, "Warning": EXAMPLES + 1}
    assert [(g.severity, g.count, len(g.focus)) for g in summary.groups] == [
        ("Violation", 1, 1), ("Warning", EXAMPLES + 1, EXAMPLES)]
    assert summary.groups[1].focus[0].name == "/id/force/f01"
