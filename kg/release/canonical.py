"""Turtle whose bytes depend only on a graph's statements: the release files that hold blank nodes.

rdflib labels a blank node at random and orders a subject's objects by those labels, and it
invents ``ns1``, ``ns2`` … for unbound namespaces in the order it meets them, so one graph
serialised in two processes gives two texts.  ``canonical_turtle`` relabels the blank nodes by
their content (rdflib's canonicalisation, ``rdflib.compare.to_canonical_graph``), adds the
statements in sorted order (so a prefix rdflib has to invent is invented in the same order), so
the same statements give the same bytes.  The VoID description and the validation report are written
with it (decision 0205).

>>> from rdflib import BNode, Literal, Namespace
>>> EX = Namespace("http://example.org/")
>>> def report(label):
...     g = Graph()
...     g.bind("ex", EX)
...     for text in ("b", "a"):
...         node = BNode(label + text)
...         g.add((EX.report, EX.result, node))
...         g.add((node, EX.message, Literal(text)))
...     return g
>>> canonical_turtle(report("x")) == canonical_turtle(report("y"))
True
>>> canonical_turtle(report("x"), prefixes={"ex": str(EX)}) == canonical_turtle(report("x"))
True
"""

from __future__ import annotations

from collections.abc import Mapping

from rdflib import Graph
from rdflib.compare import to_canonical_graph


def canonical_turtle(graph: Graph, *, prefixes: Mapping[str, str] | None = None) -> bytes:
    """``graph`` as UTF-8 Turtle, the same bytes for the same statements in any process.

    The prefixes are ``graph``'s own bindings and ``prefixes``; bind every namespace the graph
    uses, or rdflib names it ``ns1`` …
    """
    out = Graph(bind_namespaces="core")
    for prefix, namespace in [*graph.namespaces(), *(prefixes or {}).items()]:
        out.bind(prefix, namespace, override=True, replace=True)
    out += sorted(to_canonical_graph(graph))
    data = out.serialize(format="turtle", encoding="utf-8")
    assert isinstance(data, bytes)
    return data

__all__ = ["canonical_turtle"]
