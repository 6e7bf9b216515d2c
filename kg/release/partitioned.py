"""SHACL validation that scales: the store validated in parts, each in a worker process of a bounded pool.

pySHACL holds its data graph in rdflib (kilobytes a triple), so validating the union of a large
release at once costs memory in proportion to the whole dataset.  Here the data is cut in
*parts* whose results, put together, are the results of validating the union:

- the *shared graphs* (every graph but the report graphs: vocabularies, reference facts,
  derived graphs) are in every part's data graph, since report nodes point at their forces,
  questions, grades and themes;
- a *report part* is a batch of report graphs.  Its focus nodes are the subjects of its graphs
  that no shared graph and no earlier part describes; beyond its own triples its data holds
  what validating them reads elsewhere: every triple about those nodes, the description of
  every node they point at (``sh:class``, two-step paths) and the triples pointing at them
  with a predicate some shape follows backwards (``sh:inversePath``);
- the *shared part* validates the subjects of the shared graphs, with the same kind of
  closure from the report graphs; results about nodes only that closure describes are
  dropped (their own part reports them);
- the *whole-data shapes* (a ``sh:targetNode`` and a SPARQL constraint that reads all the
  data: uniqueness of judgements, agreement of inspections, reports and questions, geography)
  are deactivated in the parts and run by ``kg.release.whole_data`` as SPARQL on the store.

A part is written as N-Triples to a scratch folder and validated by a worker process that
holds the shapes and the shared graphs, so the parent never holds the union in rdflib and a
worker holds the shared graphs and one part.  A report graph with a blank node as subject
joins the shared graphs (blank nodes cannot be named as focus nodes).  Decision 0209.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from pyshacl import validate as shacl_validate
from rdflib import BNode, Graph, URIRef
from rdflib.term import Node

from kg.namespaces import GRAPH, SH
from kg.release.validate import ValidationOutcome, load_shapes, outcome_of
from kg.release.whole_data import deactivate, inverse_predicates, validate_whole_data, whole_data_shapes

WORKERS = 4  # at most this many worker processes (and never more than the machine's cores)
PART_TRIPLES = 50_000  # a report part holds report graphs up to about this many triples (one graph at least)


@dataclass(frozen=True)
class Part:
    """One part's data beyond the shared graphs (N-Triples) and, for a report part, its focus nodes."""

    data: Path
    focus: Path | None  # one IRI a line; None for the shared part (its focus: the shared graphs' subjects)


@dataclass
class Partition:
    folder: Path
    shared: Path  # the shared graphs as N-Triples
    parts: list[Part] = field(default_factory=list)


class PartedValidation:
    """A validation in parts: prepared from the store (``__init__``), run later, where the store need not be open.

    Preparing reads the store: it evaluates the whole-data shapes and writes the parts to a
    scratch folder under ``scratch``.  ``run`` validates the parts in a pool of worker processes
    and puts the results together; it reads only the folder, so it may run in a forked child.
    ``close`` removes the folder (``run`` does too).
    """

    def __init__(self, store: ox.Store, report_graphs: Iterable[str], *, shapes: Graph | None = None,
                 workers: int = WORKERS, part_triples: int = PART_TRIPLES, scratch: Path | None = None) -> None:
        self.shapes = shapes if shapes is not None else load_shapes()
        whole = whole_data_shapes(self.shapes)
        self.results = validate_whole_data(store, self.shapes, whole)
        self.part_shapes = deactivate(self.shapes, whole)
        self.folder = Path(tempfile.mkdtemp(prefix="peelkg-validate-", dir=scratch))
        try:
            self.cut = partition(store, report_graphs, self.folder, inverse=inverse_predicates(self.shapes),
                                 part_triples=part_triples)
        except BaseException:
            self.close()
            raise
        self.workers = max(1, min(workers, os.cpu_count() or 1, len(self.cut.parts)))

    def run(self) -> ValidationOutcome:
        try:
            for text in _run_parts(self.cut, self.part_shapes, self.workers):
                self.results.parse(data=text, format="nt")
        finally:
            self.close()
        return outcome_of(self.results, self.shapes)

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def validate_store(store: ox.Store, report_graphs: Iterable[str], *, shapes: Graph | None = None,
                   workers: int = WORKERS, part_triples: int = PART_TRIPLES,
                   scratch: Path | None = None) -> ValidationOutcome:
    """Validate every graph of ``store`` against the shapes, in parts (see the module docstring).

    The outcome means what ``kg.release.validate.validate_graph`` of the union of the graphs means:
    the same results (a result's blank nodes aside), counted and summarised the same way.
    """
    return PartedValidation(store, report_graphs, shapes=shapes, workers=workers, part_triples=part_triples,
                            scratch=scratch).run()


def report_graphs(store: ox.Store) -> list[str]:
    """The report graphs of a release's store (``/graph/report/…``)."""
    prefix = str(GRAPH) + "report/"
    return sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode) and g.value.startswith(prefix))


def _run_parts(cut: Partition, shapes: Graph, processes: int) -> Iterator[str]:
    """Each part's results (N-Triples), in the order of the parts, from a pool of ``processes`` workers."""
    if processes == 1 or "fork" not in multiprocessing.get_all_start_methods():
        _start_worker(shapes, cut.shared)
        try:
            yield from (_validate_part(part) for part in cut.parts)
        finally:
            _worker.clear()
        return
    context = multiprocessing.get_context("fork")  # the workers inherit the parsed shapes: nothing is pickled
    with ProcessPoolExecutor(processes, mp_context=context, initializer=_start_worker,
                             initargs=(shapes, cut.shared)) as pool:
        pending: list[Future[str]] = []
        for part in cut.parts:  # at most two parts a worker in flight: the parts stay on disk until then
            pending.append(pool.submit(_validate_part, part))
            if len(pending) >= 2 * processes:
                yield pending.pop(0).result()
        for future in pending:
            yield future.result()


def partition(store: ox.Store, report_graphs: Iterable[str], folder: Path, *,
              inverse: Sequence[str] = (), part_triples: int = PART_TRIPLES) -> Partition:
    """Cut ``store`` into the shared graphs and parts (see the module docstring), written under ``folder``."""
    reports = {ox.NamedNode(g) for g in report_graphs}
    graphs = sorted((g for g in store.named_graphs() if isinstance(g, ox.NamedNode)), key=lambda g: g.value)
    for graph in [g for g in graphs if g in reports]:
        if any(isinstance(q.subject, ox.BlankNode) for q in store.quads_for_pattern(None, None, None, graph)):
            reports.discard(graph)
    shared_graphs = [g for g in graphs if g not in reports]
    inverse_nodes = [ox.NamedNode(p) for p in inverse]
    cut = Partition(folder, folder / "shared.nt")
    described: set[str] = set()  # subjects of the shared graphs and of the parts so far
    with cut.shared.open("w", encoding="utf-8", newline="\n") as handle:
        for graph in shared_graphs:
            for quad in store.quads_for_pattern(None, None, None, graph):
                handle.write(f"{quad.triple} .\n")
                if isinstance(quad.subject, ox.NamedNode):
                    described.add(quad.subject.value)
    shared = frozenset(described)
    skip = frozenset(shared_graphs)
    closure = _Closure(store, shared, skip, inverse_nodes)
    cut.parts.append(Part(closure.write(folder / "part-shared.nt", sorted(shared)), None))
    for n, batch in enumerate(_batches(store, [g for g in graphs if g in reports], part_triples)):
        owned: list[str] = []
        for graph in batch:
            for quad in store.quads_for_pattern(None, None, None, graph):
                subject = quad.subject
                if isinstance(subject, ox.NamedNode) and subject.value not in described:
                    described.add(subject.value)
                    owned.append(subject.value)
        if owned:
            focus = folder / f"part-{n}.focus"
            focus.write_text("".join(f"{iri}\n" for iri in owned), encoding="utf-8")
            cut.parts.append(Part(closure.write(folder / f"part-{n}.nt", owned), focus))
    return cut


def _batches(store: ox.Store, graphs: list[ox.NamedNode], limit: int) -> Iterator[list[ox.NamedNode]]:
    batch: list[ox.NamedNode] = []
    size = 0
    for graph in graphs:
        count = sum(1 for _ in store.quads_for_pattern(None, None, None, graph))
        if batch and size + count > limit:
            yield batch
            batch, size = [], 0
        batch.append(graph)
        size += count
    if batch:
        yield batch


@dataclass(frozen=True)
class _Closure:
    """What validating some nodes reads beyond the shared graphs (every part's data holds those)."""

    store: ox.Store
    shared: frozenset[str]  # subjects of the shared graphs
    skip: frozenset[ox.NamedNode]  # the shared graphs
    inverse: list[ox.NamedNode]  # predicates some shape follows backwards

    def write(self, path: Path, owned: list[str]) -> Path:
        """Write, as N-Triples: every triple about an owned node, the description of every node they point at
        that no shared graph describes, and the triples pointing at an owned node with an ``inverse`` predicate."""
        seen: set[str] = set()
        own = set(owned)
        pointed: set[str] = set()
        with path.open("w", encoding="utf-8", newline="\n") as handle:
            def emit(quads: Iterable[ox.Quad]) -> None:
                for quad in quads:
                    if quad.graph_name in self.skip:
                        continue
                    line = f"{quad.triple} .\n"
                    if line not in seen:
                        seen.add(line)
                        handle.write(line)
            for iri in owned:
                node = ox.NamedNode(iri)
                for quad in self.store.quads_for_pattern(node, None, None, None):
                    obj = quad.object
                    if isinstance(obj, ox.NamedNode) and obj.value not in own and obj.value not in self.shared:
                        pointed.add(obj.value)
                emit(self.store.quads_for_pattern(node, None, None, None))
                for predicate in self.inverse:
                    emit(self.store.quads_for_pattern(None, predicate, node, None))
            for iri in sorted(pointed):
                emit(self.store.quads_for_pattern(ox.NamedNode(iri), None, None, None))
        return path


# --- in a worker process ---------------------------------------------------------------------------------------

# The worker's shapes, the shared graphs and their subjects: set once per worker process by ``_start_worker`` (the
# pool's initializer) and read by each ``_validate_part`` it runs.
_worker: dict[str, Any] = {}


def _start_worker(shapes: Graph, shared: Path) -> None:
    data = Graph()
    data.parse(shared, format="nt")
    _worker.update(shapes=shapes, data=data, subjects=set(data.subjects()))


def _validate_part(part: Part) -> str:
    """Validate one part (with the shared graphs); return the results about its own nodes, as N-Triples."""
    data: Graph = _worker["data"]
    extra = Graph()
    extra.parse(part.data, format="nt")
    added = [t for t in extra if t not in data]
    for triple in added:
        data.add(triple)
    focus: list[str | URIRef] | None = None
    if part.focus is not None:
        focus = [URIRef(i) for i in part.focus.read_text(encoding="utf-8").split()]
    try:
        _conforms, report, _text = shacl_validate(
            data, shacl_graph=_worker["shapes"], inference="none", advanced=False, allow_warnings=True,
            inplace=True, focus_nodes=focus,
        )
    finally:
        for triple in added:
            data.remove(triple)
    assert isinstance(report, Graph)
    keep = _worker["subjects"] if focus is None else set(focus)  # the shared part: the shared graphs' subjects
    results = Graph()
    for result in report.objects(None, SH.result):
        if report.value(result, SH.focusNode) in keep:
            _copy_description(report, result, results)
    text = results.serialize(format="nt", encoding="utf-8")
    return text.decode("utf-8")


def _copy_description(source: Graph, node: Node, target: Graph) -> None:
    for s, p, o in source.triples((node, None, None)):
        target.add((s, p, o))
        if isinstance(o, BNode):
            _copy_description(source, o, target)


__all__ = ["PART_TRIPLES", "WORKERS", "Part", "PartedValidation", "Partition", "partition", "report_graphs",
           "validate_store"]
