"""The ``Store`` interface over a pyoxigraph store that is already open.

A build hands its artefacts the store it has just loaded (open for writing, so it cannot
also be opened read-only).  ``LoadedStore`` lets the artefacts query it through the same
interface, and with the same semantics (bound values; default graph = union of the named
graphs), as the web does through ``LocalStore``.

>>> import pyoxigraph as ox
>>> writer = ox.Store()
>>> writer.add(ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), ox.Literal("1"),
...                    ox.NamedNode("http://e/g")))
>>> [str(r["s"]) for r in LoadedStore(writer).select("SELECT ?s WHERE { ?s ?p ?o }")]
['http://e/s']
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from kg.store.local import LocalStore


class LoadedStore(LocalStore):
    """A ``LocalStore`` over an open ``pyoxigraph.Store`` (``path`` is the empty path)."""

    def __init__(self, store: ox.Store) -> None:  # the store is open: nothing to read from disk
        self.path = Path()
        self.oxigraph = store

    def close(self) -> None:
        """Leave the store open: it belongs to whoever opened it."""


__all__ = ["LoadedStore"]
