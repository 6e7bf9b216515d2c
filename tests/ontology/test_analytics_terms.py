"""The analytics terms (``ontology/analytics.ttl``): documented like the core ontology's."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD

ONTOLOGY_DIR = Path(__file__).parents[2] / "ontology"
PEEL = Namespace("https://w3id.org/peelkg/def/peel#")
ONTOLOGY = URIRef("https://w3id.org/peelkg/def/peel")
CHANGES = URIRef("https://w3id.org/peelkg/id/scheme/grade-changes")

ANALYTICS = Graph().parse(ONTOLOGY_DIR / "analytics.ttl", format="turtle")
CORE = Graph().parse(ONTOLOGY_DIR / "peel.ttl", format="turtle")
TERMS = sorted(t for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
               for t in ANALYTICS.subjects(RDF.type, kind) if isinstance(t, URIRef))


@pytest.mark.parametrize("term", TERMS, ids=lambda t: t.fragment)
def test_term_is_documented_and_new(term: URIRef) -> None:
    for prop in (RDFS.label, SKOS.definition):
        (value,) = ANALYTICS.objects(term, prop)
        assert isinstance(value, Literal) and value.language == "en"
    assert ANALYTICS.value(term, RDFS.isDefinedBy) == ONTOLOGY
    assert (term, None, None) not in CORE, "defined twice"


PROPERTIES = [t for t in TERMS if (t, RDF.type, OWL.Class) not in ANALYTICS]


@pytest.mark.parametrize("prop", PROPERTIES, ids=lambda t: t.fragment)
def test_property_has_domain_and_range(prop: URIRef) -> None:
    domain, range_ = ANALYTICS.value(prop, RDFS.domain), ANALYTICS.value(prop, RDFS.range)
    assert domain is not None and range_ is not None
    if (prop, RDF.type, OWL.DatatypeProperty) in ANALYTICS:
        assert str(range_).startswith(str(XSD))


def test_derived_classes_are_prov_entities() -> None:
    for cls in (c for c in TERMS if (c, RDF.type, OWL.Class) in ANALYTICS):
        assert ANALYTICS.value(cls, RDFS.subClassOf) == URIRef("http://www.w3.org/ns/prov#Entity")


def test_grade_change_directions_form_a_scheme() -> None:
    concepts = set(ANALYTICS.subjects(SKOS.inScheme, CHANGES))
    assert {str(ANALYTICS.value(c, SKOS.prefLabel)) for c in concepts} == {"improved", "stable", "declined"}
    assert set(ANALYTICS.objects(CHANGES, SKOS.hasTopConcept)) == concepts
