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

    from kg.release.built import Built

Derivation = Callable[["Dataset"], None]
Artefact = Callable[["Built", "ox.Store", Path], dict[str, Any]]


def derivations() -> list[Derivation]:
    from kg.analytics.derive import derive_analytics
    from kg.link.aliases import derive_aliases

    return [derive_aliases, derive_analytics]


def artefacts() -> list[Artefact]:
    from kg.release.definitions import write_definitions
    from kg.release.dumps import write_dumps  # before void: the description lists the downloads
    from kg.release.history import write_history  # after dumps (it compares them), before void (it describes it)
    from kg.release.search import write_index
    from kg.release.void import write_void

    return [write_dumps, write_definitions, write_index, write_history, write_void]
