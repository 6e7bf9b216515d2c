"""The whole-data shapes: found in the shapes graph, deactivated for the parts, evaluated on the store as pySHACL
evaluates them on a graph."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal

from kg.namespaces import SH
from kg.release.validate import load_shapes, outcome_of, validate_graph
from kg.release.whole_data import deactivate, inverse_predicates, validate_whole_data, whole_data_shapes
from kg.store.local import to_oxigraph
from kg.vocab import Vocabulary
from tests.kg.release.test_partitioned_validation import EXAMPLES, results

SHAPES = "https://w3id.org/peelkg/def/shapes#"


def test_the_shapes_that_read_the_whole_data_are_found_and_deactivated() -> None:
    shapes = load_shapes()
    whole = whole_data_shapes(shapes)
    assert {str(w.shape).removeprefix(SHAPES) for w in whole} == {
        "ForceGeographyShape", "JudgementUniqueShape", "InspectionAgreementShape", "QuestionAgreementShape"}
    assert all(w.query.startswith("PREFIX ") and "$this" in w.query for w in whole)
    parts = deactivate(shapes, whole)
    assert all(parts.value(w.shape, SH.deactivated) == Literal(True) for w in whole)
    assert shapes.value(whole[0].shape, SH.deactivated) is None  # the shapes themselves are left as they are
    assert inverse_predicates(shapes) == ["https://w3id.org/peelkg/def/peel#mentions"]


def test_duplicate_judgements_found_on_the_store_as_pyshacl_finds_them(tmp_path: Path) -> None:
    data = Vocabulary.load().graph + Graph().parse(EXAMPLES / "context.ttl") + Graph().parse(
        EXAMPLES / "invalid" / "judgement-unique.duplicate.ttl")
    store = ox.Store()
    graph = ox.NamedNode("https://w3id.org/peelkg/graph/report/example")
    store.extend([ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), graph) for s, p, o in data])  # type: ignore[arg-type]
    shapes = load_shapes()
    found = validate_whole_data(store, shapes, whole_data_shapes(shapes))
    expected = validate_graph(data)
    assert expected.violations == 2
    assert results(outcome_of(found, shapes)) == results(expected)
