"""The dataset of a build in progress: report graphs in an on-disk store, the small graphs in rdflib.

A build loads each mapped report straight into an embedded pyoxigraph store (a scratch folder
of the build) and keeps in rdflib only what is small and shared: the vocabularies, the
reference facts, the judgements and what the derivations add.  ``StoreDataset`` shows both to
the derivations as one rdflib ``Dataset`` (they read with ``quads``), and ``flush`` then moves
the small graphs into the store, which becomes the release's store.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pyoxigraph as ox
from rdflib import Dataset, Graph, URIRef

from kg.store.local import to_oxigraph, to_rdflib


class StoreDataset(Dataset):
    """An rdflib ``Dataset`` of in-memory graphs whose ``quads`` also yields an oxigraph store's quads.

    >>> from rdflib import Literal, URIRef
    >>> store = ox.Store()
    >>> store.add(ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), ox.Literal("1"),
    ...                   ox.NamedNode("http://e/report")))
    >>> data = StoreDataset(store)
    >>> data.graph(URIRef("http://e/reference")).add((URIRef("http://e/s"), URIRef("http://e/q"), Literal("2")))
    <Graph identifier=http://e/reference (<class 'rdflib.graph.Graph'>)>
    >>> sorted(str(g) for _s, _p, _o, g in data.quads((None, None, None, None)))
    ['http://e/reference', 'http://e/report']
    >>> data.flush()  # the in-memory quad
    1
    >>> len(store), len(list(data.quads((None, None, None, None))))
    (2, 2)
    """

    def __init__(self, store: ox.Store) -> None:
        super().__init__()
        self.oxigraph = store
        self.flushed = False

    def quads(self, quad: Any = None) -> Generator[Any, None, None]:
        s, p, o = (quad or (None, None, None))[:3]
        if not self.flushed:
            yield from super().quads(quad)
        subject, predicate, obj = (to_oxigraph(t) if t is not None else None for t in (s, p, o))
        for found in self.oxigraph.quads_for_pattern(subject, predicate, obj, None):  # type: ignore[arg-type]
            graph = found.graph_name
            yield (to_rdflib(found.subject), to_rdflib(found.predicate), to_rdflib(found.object),
                   URIRef(graph.value) if isinstance(graph, ox.NamedNode) else None)

    def flush(self) -> int:
        """Move the in-memory graphs into the store (once); return how many quads were added."""
        if self.flushed:
            return 0
        quads = [
            ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), to_oxigraph(g))  # type: ignore[arg-type]
            for s, p, o, g in super().quads((None, None, None, None))
            if g is not None
        ]
        self.oxigraph.bulk_extend(quads)
        self.flushed = True  # the in-memory graphs stay readable (``graph``), ``quads`` reads the store
        return len(quads)


def union_graph(store: ox.Store) -> Graph:
    """Every triple of every graph of ``store`` in one rdflib graph (what SHACL validates)."""
    graph = Graph()
    for quad in store:
        graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    return graph


__all__ = ["StoreDataset", "union_graph"]
