"""Canonical Turtle (kg.release.canonical) for a validation report of thousands of results.

The regression: rdflib's canonicalisation took minutes on a report of 2,279 warnings, longer than the rest of an
M build; RDFC-1.0 takes about a second for the 3,000 here.
"""

from __future__ import annotations

import random

from rdflib import RDF, BNode, Graph, Literal, Namespace, URIRef

from kg.namespaces import SH
from kg.release.canonical import canonical_turtle

EX = Namespace("https://example.org/")


def _report(order: random.Random) -> Graph:
    """A report of 3,000 results, each a blank node with a blank property shape, added in a shuffled order."""
    triples = []
    report = BNode()
    triples.append((report, RDF.type, SH.ValidationReport))
    for n in range(3000):
        result, shape = BNode(), BNode()
        triples += [(report, SH.result, result), (result, RDF.type, SH.ValidationResult),
                    (result, SH.focusNode, URIRef(f"{EX}judgement/{n // 3}")), (result, SH.sourceShape, shape),
                    (result, SH.resultSeverity, SH.Warning), (result, SH.resultMessage, Literal("a warning")),
                    (shape, SH.path, EX[f"p{n % 3}"])]
    order.shuffle(triples)
    graph = Graph()
    graph.bind("sh", SH)
    for triple in triples:
        graph.add(triple)
    return graph


def test_a_large_report_gets_the_same_bytes_whatever_its_blank_node_labels_and_order() -> None:
    first, second = _report(random.Random(1)), _report(random.Random(2))
    text = canonical_turtle(first)
    assert text == canonical_turtle(second)
    again = Graph().parse(data=text, format="turtle")
    assert len(again) == len(first) == 1 + 3000 * 7
    assert len(set(again.subjects(RDF.type, SH.ValidationResult))) == 3000  # no two results merged


def test_plain_and_typed_literals_keep_their_form() -> None:
    graph = Graph()
    graph.add((EX.s, EX.p, Literal("plain")))
    graph.add((EX.s, EX.q, Literal("fr", lang="fr")))
    graph.add((EX.s, EX.r, Literal(3)))
    again = Graph().parse(data=canonical_turtle(graph, prefixes={"ex": str(EX)}), format="turtle")
    assert set(again) == set(graph)
