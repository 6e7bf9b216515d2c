"""Fixtures for the ontology tests: the vocabulary, the shapes and an example validator.

How examples are validated
    The data graph of a validation is the whole vocabulary (every ``ontology/*.ttl`` but
    ``shapes.ttl``), plus the shared context ``examples/context.ttl`` (a valid force,
    inspection and report the examples refer to), plus the example itself: as in a
    release, where the vocabulary graph sits beside the data.  That is what lets
    ``sh:class`` find the ``rdf:type`` of grades, pillars, questions and themes.  The
    vocabulary is also passed as pySHACL's ``ont_graph`` (the class hierarchy, such as
    ``peel:Finding rdfs:subClassOf peel:Statement``), with no inference.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyshacl
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

ONTOLOGY_DIR = Path(__file__).parents[2] / "ontology"
EXAMPLES_DIR = Path(__file__).parent / "examples"
SHAPES_FILE = ONTOLOGY_DIR / "shapes.ttl"


def vocabulary_files() -> list[Path]:
    return sorted(p for p in ONTOLOGY_DIR.glob("*.ttl") if p != SHAPES_FILE)


def load(*paths: Path) -> Graph:
    graph = Graph()
    for path in paths:
        graph.parse(path, format="turtle")
    return graph


@dataclass(frozen=True)
class Result:
    """One validation result, with the node shape it came from (for a property shape, its owner)."""

    severity: Node
    node_shape: Node
    focus: Node
    message: str


@dataclass(frozen=True)
class Outcome:
    conforms: bool
    results: list[Result]
    text: str

    def of(self, severity: URIRef) -> list[Result]:
        return [r for r in self.results if r.severity == severity]


@pytest.fixture(scope="session")
def vocabulary() -> Graph:
    return load(*vocabulary_files())


@pytest.fixture(scope="session")
def shapes() -> Graph:
    return load(SHAPES_FILE)


@pytest.fixture(scope="session")
def context() -> Graph:
    return load(EXAMPLES_DIR / "context.ttl")


def owner_shape(shapes: Graph, shape: Node) -> Node:
    """The node shape a result's source shape belongs to."""
    if (shape, RDF.type, SH.NodeShape) in shapes:
        return shape
    owner = shapes.value(predicate=SH.property, object=shape)
    return owner if owner is not None else shape


@pytest.fixture(scope="session")
def validate(vocabulary: Graph, shapes: Graph, context: Graph) -> Callable[[Graph], Outcome]:
    """Validate ``example`` with the context and the vocabulary, as described above."""

    def run(example: Graph) -> Outcome:
        data = Graph()
        for part in (vocabulary, context, example):
            data += part
        conforms, report, text = pyshacl.validate(
            data, shacl_graph=shapes, ont_graph=vocabulary, inference="none", advanced=False,
            allow_warnings=True,
        )
        assert isinstance(report, Graph) and isinstance(text, str)
        results = [
            Result(
                severity=report.value(r, SH.resultSeverity),
                node_shape=owner_shape(shapes, report.value(r, SH.sourceShape)),
                focus=report.value(r, SH.focusNode),
                message=str(report.value(r, SH.resultMessage)),
            )
            for r in report.subjects(RDF.type, SH.ValidationResult)
        ]
        return Outcome(bool(conforms), results, text)

    return run
