"""A second SHACL validator, rudof (pyrudof), on every shape example: the shapes mean the same to it.

The regression: four consistency shapes used ``sh:SPARQLTarget`` (SHACL Advanced Features),
which validators without them skip silently (rudof found 2 of 6 planted faults). They are now
SHACL Core targets with SPARQL-based constraints, and the rule is held here: no Advanced
Features term in the shapes, and rudof agrees with pySHACL on every example.
"""

from __future__ import annotations

from pathlib import Path

import pyrudof
import pytest
from rdflib import Graph, Namespace

from tests.ontology.conftest import SHAPES_FILE
from tests.ontology.test_shapes import examples, ids, load

SH = Namespace("http://www.w3.org/ns/shacl#")
ADVANCED = ("SPARQLTarget", "SPARQLTargetType", "target", "rule", "SPARQLRule", "TripleRule", "condition",
            "SPARQLFunction", "JSTarget", "expression")  # SHACL-AF terms (https://www.w3.org/TR/shacl-af/)


@pytest.fixture(scope="module")
def background(vocabulary: Graph, context: Graph) -> Graph:
    graph = Graph()
    graph += vocabulary
    graph += context
    return graph


def rudof(background: Graph, example: Graph) -> pyrudof.ShaclValidationReport:
    data = Graph()
    data += background
    data += example
    session = pyrudof.Rudof(pyrudof.RudofConfig())
    session.read_data(data.serialize(format="nt"), format=pyrudof.RDFFormat.NTriples,
                      reader_mode=pyrudof.ReaderMode.Strict)
    session.read_shacl(SHAPES_FILE.read_text(encoding="utf-8"), reader_mode=pyrudof.ReaderMode.Strict)
    return session.validate_shacl()


def test_the_shapes_use_no_advanced_features(shapes: Graph) -> None:
    used = {str(p) for p in shapes.predicates()} | {str(o) for o in shapes.objects()}
    assert not used & {str(SH[term]) for term in ADVANCED}


@pytest.mark.parametrize("example", examples("valid"), ids=ids(examples("valid")))
def test_rudof_finds_nothing_in_a_valid_example(background: Graph, example: Path) -> None:
    report = rudof(background, load(example))
    assert report.conforms and len(report) == 0, [str(e) for e in report]


@pytest.mark.parametrize("example", examples("invalid"), ids=ids(examples("invalid")))
def test_rudof_finds_the_violation_of_an_invalid_example(background: Graph, example: Path) -> None:
    report = rudof(background, load(example))
    assert not report.conforms
    assert any("Violation" in str(e) for e in report), [str(e) for e in report]
