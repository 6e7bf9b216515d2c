"""The SHACL shapes, tested Brick-style: every shape has examples that must pass and must fail.

The examples live in ``examples/`` (see its README): ``valid/`` must produce no result at all,
``invalid/`` at least one ``sh:Violation`` and only from the shape the file is named after,
``invalid-warning/`` a ``sh:Warning`` from that shape and still conform.  Files are collected
automatically, one test per file; ``validate`` (conftest.py) merges each with the vocabulary
and ``examples/context.ttl``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD

EXAMPLES_DIR = Path(__file__).parent / "examples"
PEEL = "https://w3id.org/peelkg/def/peel#"
PEELSH = Namespace("https://w3id.org/peelkg/def/shapes#")

Validate = Callable[[Graph], Any]  # the ``validate`` fixture: example graph → Outcome (conftest.py)
Outcome = Any


def load(path: Path) -> Graph:
    return Graph().parse(path, format="turtle")


def examples(kind: str) -> list[Path]:
    return sorted((EXAMPLES_DIR / kind).glob("*.ttl"))


def shape_of(example: Path) -> URIRef:
    """``judgement-grade-or-reason.both.ttl`` → ``peelsh:JudgementGradeOrReasonShape``."""
    slug = example.name.split(".")[0]
    return PEELSH["".join(part.capitalize() for part in slug.split("-")) + "Shape"]


def ids(paths: list[Path]) -> list[str]:
    return [p.name for p in paths]


def describe(outcome: Outcome) -> str:
    return "\n".join(f"{r.severity.n3()} {r.node_shape.n3()} {r.focus}: {r.message}" for r in outcome.results)


# --- the examples -------------------------------------------------------------------------


def test_context_alone_is_valid(validate: Validate) -> None:
    outcome = validate(Graph())
    assert outcome.conforms, outcome.text
    assert outcome.results == [], describe(outcome)


@pytest.mark.parametrize("example", examples("valid"), ids=ids(examples("valid")))
def test_valid_example(validate: Validate, example: Path) -> None:
    outcome = validate(load(example))
    assert outcome.conforms, outcome.text
    assert outcome.results == [], describe(outcome)


@pytest.mark.parametrize("example", examples("invalid"), ids=ids(examples("invalid")))
def test_invalid_example(validate: Validate, example: Path) -> None:
    outcome = validate(load(example))
    violations = outcome.of(SH.Violation)
    assert not outcome.conforms
    assert violations, outcome.text
    assert {r.node_shape for r in violations} == {shape_of(example)}, describe(outcome)


@pytest.mark.parametrize("example", examples("invalid-warning"), ids=ids(examples("invalid-warning")))
def test_warning_example(validate: Validate, example: Path) -> None:
    outcome = validate(load(example))
    warnings = outcome.of(SH.Warning)
    assert outcome.conforms, outcome.text
    assert outcome.of(SH.Violation) == [], describe(outcome)
    assert warnings, outcome.text
    assert {r.node_shape for r in warnings} == {shape_of(example)}, describe(outcome)


def test_duplicate_judgement_message_names_the_other(validate: Validate) -> None:
    outcome = validate(load(EXAMPLES_DIR / "invalid" / "judgement-unique.duplicate.ttl"))
    messages = [r.message for r in outcome.of(SH.Violation)]
    assert len(messages) == 2  # each judgement is the other's duplicate
    assert any("effectiveness/3-again" in m and "duplicates" in m for m in messages), messages


def test_bad_ons_code_is_reported_on_the_code(validate: Validate) -> None:
    outcome = validate(load(EXAMPLES_DIR / "invalid" / "force.bad-ons-code.ttl"))
    (result,) = outcome.of(SH.Violation)
    assert "ONS police force area code" in result.message


# --- coverage and form of the shapes ----------------------------------------------------------


def node_shapes(shapes: Graph) -> list[URIRef]:
    return sorted(s for s in shapes.subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef))


def test_every_shape_has_valid_and_invalid_examples(shapes: Graph) -> None:
    valid = {shape_of(p) for p in examples("valid")}
    invalid = {shape_of(p) for p in examples("invalid") + examples("invalid-warning")}
    for shape in node_shapes(shapes):
        assert shape in valid, f"no valid example for {shape}"
        assert shape in invalid, f"no invalid example for {shape}"
    assert valid | invalid <= set(node_shapes(shapes)), "an example is named after no shape"


def test_every_ontology_class_is_a_shape_target(shapes: Graph, vocabulary: Graph) -> None:
    classes = {c for c in vocabulary.subjects(RDF.type, OWL.Class) if str(c).startswith(PEEL)}
    targets = set(shapes.objects(None, SH.targetClass))
    assert classes, "no classes found"
    assert classes <= targets, f"classes without a shape: {sorted(classes - targets)}"


def test_shapes_are_labelled_and_explained(shapes: Graph) -> None:
    for shape in node_shapes(shapes):
        assert shapes.value(shape, RDFS.label) is not None, shape
        assert shapes.value(shape, RDFS.comment) is not None, shape


def test_every_constraint_has_a_plain_message(shapes: Graph) -> None:
    """Property shapes, SPARQL constraints and node shapes with node-level constraints."""
    needing = set(shapes.subjects(RDF.type, SH.PropertyShape)) | set(shapes.objects(None, SH.sparql))
    needing |= {s for s in node_shapes(shapes) if (s, SH.xone, None) in shapes}
    for node in needing:
        messages = list(shapes.objects(node, SH.message))
        assert len(messages) == 1, f"{node} needs one sh:message"
        (message,) = messages
        # pySHACL needs xsd:string messages; plain English, so no language tag either.
        assert isinstance(message, Literal) and message.language is None, node
        assert message.datatype in (None, XSD.string), node
        assert message.strip().endswith((".", "?")), node


def test_node_shapes_with_sparql_carry_no_shape_message(shapes: Graph) -> None:
    """pySHACL adds a node shape's sh:message to every SPARQL result: keep them apart."""
    for shape in node_shapes(shapes):
        if (shape, SH.sparql, None) in shapes:
            assert (shape, SH.message, None) not in shapes, shape


def test_sparql_avoids_forbidden_syntax(shapes: Graph) -> None:
    """SHACL 5.2.1: no MINUS, VALUES or SERVICE in SPARQL-based constraints (nor, here, in targets)."""
    for select in shapes.objects(None, SH.select):
        assert not re.search(r"\b(MINUS|VALUES|SERVICE)\b", select, re.IGNORECASE), select
    for constraint in shapes.objects(None, SH.sparql):
        assert "$this" in shapes.value(constraint, SH.select), constraint


def test_sparql_constraints_run_once_on_the_ontology(shapes: Graph) -> None:
    """A per-node SPARQL query over every judgement or statement is far too slow with rdflib
    (ten times, measured): shapes with SPARQL constraints have one focus node, the ontology, and
    their query selects the offenders as ``?value`` — except the force shape (43 forces)."""
    ontology = URIRef(PEEL.rstrip("#"))
    for shape in node_shapes(shapes):
        if (shape, SH.sparql, None) in shapes and shape != PEELSH.ForceShape:
            assert set(shapes.objects(shape, SH.targetNode)) == {ontology}, shape
            assert not {SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf} & set(shapes.predicates(shape)), shape
            for constraint in shapes.objects(shape, SH.sparql):
                assert "?value" in shapes.value(constraint, SH.select) and "{?value}" in shapes.value(
                    constraint, SH.message), shape


def test_shapes_graph_declares_its_sparql_prefixes(shapes: Graph) -> None:
    declared = {str(p) for d in shapes.objects(None, SH.declare) for p in shapes.objects(d, SH.prefix)}
    for select in shapes.objects(None, SH.select):
        used = set(re.findall(r"\b([a-z]+):[A-Za-z]", select))
        assert used <= declared, f"undeclared prefixes {used - declared}"
