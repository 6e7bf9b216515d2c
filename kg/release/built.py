"""What a build hands on: its inputs, the mapped ``Built`` record, and the small helpers a release needs.

The steps after mapping (dumps, VoID, the search index, definitions, publishing) read a ``Built``;
they import it from here so that none of them imports ``build``, which runs them.
"""

from __future__ import annotations

import hashlib
import shutil
import weakref
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from kg.link.judgements import Notice
from kg.link.reference_coverage import LATER_GRADES_CSV
from kg.model import Report
from kg.release.catalogue_facts import PUBLISHER_CSV  # who publishes the release
from kg.release.stream import StoreDataset, union_graph
from kg.release.units import ReportUnit
from kg.resources import reference_dir

FORCES_CSV, GRADES_CSV, ORGANISATIONS_CSV, REPORTS_CSV = (
    "forces.csv",
    "peel_grades.csv",
    "organisations.csv",
    "reports.csv",
)
WIKIDATA_CSV = "wikidata.csv"  # companion of forces.csv: each force's Wikidata item and its source

Progress = Callable[[str], None]

def _quiet(_step: str) -> None:
    return None


@dataclass
class Inputs:
    reports: list[Path] = field(default_factory=list)
    forces: Path = field(default_factory=lambda: reference_dir() / FORCES_CSV)
    grades: Path = field(default_factory=lambda: reference_dir() / GRADES_CSV)
    organisations: Path = field(default_factory=lambda: reference_dir() / ORGANISATIONS_CSV)
    wikidata: Path | None = field(default_factory=lambda: reference_dir() / WIKIDATA_CSV)
    publisher: Path = field(default_factory=lambda: reference_dir() / PUBLISHER_CSV)

    def files(self) -> list[Path]:
        metas = sorted({p.parent / REPORTS_CSV for p in self.reports})
        extra = [self.wikidata] if self.wikidata is not None else []
        later = self.grades.parent / LATER_GRADES_CSV  # read with peel_grades.csv when beside it
        extra += [later] if later.is_file() else []
        return [*self.reports, *metas, self.forces, self.grades, self.organisations, *extra, self.publisher]


@dataclass
class Built:
    """A mapped build: every graph in ``store`` (a scratch store in memory), the small graphs also in ``dataset``.

    ``dataset`` holds the vocabularies, the reference facts, the judgements and the derived graphs
    in rdflib; the report graphs are only in ``store``.  ``workdir`` (scratch space and, without a
    cache, the mapped reports) is removed when the ``Built`` is collected.
    """

    dataset: StoreDataset
    notices: list[Notice]
    inputs: Inputs
    reports: list[Report]
    store: ox.Store
    workdir: Path
    units: list[ReportUnit] = field(default_factory=list)
    _union: Graph | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        weakref.finalize(self, shutil.rmtree, str(self.workdir), True)

    def union(self) -> Graph:
        """The union of the named graphs, in rdflib (computed once; the store is not changed after the build)."""
        if self._union is None:
            self._union = union_graph(self.store)
        return self._union

    def release_union(self) -> None:
        """Forget the union graph (a publish drops it once validation has its copy)."""
        self._union = None

    def graphs(self) -> list[str]:
        """The named graphs that hold statements, sorted."""
        return sorted(g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode))


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def class_counts(graph: Graph) -> dict[str, int]:
    from kg.namespaces import RDF

    counts = Counter(str(o) for o in graph.objects(None, RDF.type))
    return dict(sorted(counts.items()))


def release_id(now: datetime | None = None) -> str:
    return (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%S%fZ")
