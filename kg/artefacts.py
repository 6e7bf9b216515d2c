"""Extension points of a build, in the order they run.

- ``DERIVATIONS`` add derived named graphs to a mapped dataset before validation
  (analytics, links), so derived statements are validated and dumped like the rest;
- ``ARTEFACTS`` write files into the release being built once the store is loaded
  (more dump formats, the search index, the dataset description …) and return manifest entries.

Each entry is a function of the module that owns that job; this module only lists them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyoxigraph as ox
    from rdflib import Dataset

    from .built import Built

Derivation = Callable[["Dataset"], None]
Artefact = Callable[["Built", "ox.Store", Path], dict[str, Any]]


def derivations() -> list[Derivation]:
    from .aliases import derive_aliases
    from .analytics import derive_analytics

    return [derive_aliases, derive_analytics]


def artefacts() -> list[Artefact]:
    from .dumps import write_dumps  # before void: the description lists the downloads
    from .ontology_docs import write_definitions
    from .search import write_index
    from .void import write_void

    return [write_dumps, write_definitions, write_index, write_void]
