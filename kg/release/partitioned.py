"""SHACL validation that scales: the store validated in parts, each in a worker process of a bounded pool.

pySHACL holds its data graph in rdflib (kilobytes a triple), so validating the union of a large
release at once costs memory in proportion to the whole dataset.  Here the data is cut in
*parts* whose results, put together, are the results of validating the union:

- the *shared graphs* (every graph but the report graphs and the analytics graph: the
  vocabularies and reference facts) are in every part's data graph, since report nodes point at
  their forces, questions, grades and themes;
- the analytics graph is cut like the report graphs, between its subjects into parts of about
  ``part_triples``: its nodes (grade changes, similarities) point into the reports, and as a
  shared graph (a third of M's triples) it was validated again, its results thrown away, in
  every part;
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
worker holds the shared graphs and one part.  A worker first screens a part with rudof, a SHACL
engine in Rust that flags a superset of the nodes pySHACL reports; pySHACL then validates the
flagged nodes alone, so the results are pySHACL's and a clean part never reaches rdflib
(decision 0318).  A report graph with a blank node as subject
joins the shared graphs (blank nodes cannot be named as focus nodes).  Decision 0209.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import forkserver
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pyrudof
from pyshacl import validate as shacl_validate
from rdflib import BNode, Graph, URIRef
from rdflib.term import Node

from kg.namespaces import ANALYTICS_GRAPH, GRAPH, SH
from kg.release.validate import ValidationOutcome, load_shapes, outcome_of
from kg.release.whole_data import deactivate, inverse_predicates, validate_whole_data, whole_data_shapes

_ANALYTICS = ox.NamedNode(str(ANALYTICS_GRAPH))
WORKERS = 4  # at most this many worker processes (and never more than the machine's cores)
PART_TRIPLES = 20_000  # a part holds report graphs up to about this many triples (one graph at least); a worker's
# memory grows with it (rudof: about 150 MB and 7.5 KB a triple of the part)


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


def _forget_the_fork_server() -> None:
    """In a forked child: forget the parent's fork server, so that the child's first pool starts its own.

    ``multiprocessing.forkserver`` keeps one server a process, by its pid; a child forked after the parent
    started one (a build's validation child, in a process that validated before) would wait on a pid that is not
    its child and fail with ``ChildProcessError``."""
    server = forkserver._forkserver  # the module's one server, whose methods the module's functions are
    type(server).__init__(server)  # no address, pid or lock of the parent's; ``_run_parts`` sets the preload again


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_the_fork_server)


def _run_parts(cut: Partition, shapes: Graph, processes: int) -> Iterator[str]:
    """Each part's results (N-Triples), in the order of the parts, from a pool of ``processes`` workers.

    The pool's workers come from a fork server (a fresh interpreter), never straight from this process:
    rudof keeps threads of its own, and a process forked from one that has used it waits for ever on
    them.  So a validation of one part runs in a pool of one too.
    """
    context: Any = multiprocessing.get_context("spawn")
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([__name__])  # imported once by the server, not by each worker
    shapes_text = shapes.serialize(format="nt")  # sent to each worker once, parsed there
    with ProcessPoolExecutor(processes, mp_context=context, initializer=_start_worker,
                             initargs=(shapes_text, cut.shared)) as pool:
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
    reports = {ox.NamedNode(g) for g in [*report_graphs, str(ANALYTICS_GRAPH)]}  # the analytics: see the docstring
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
    batches = _batches(store, [g for g in graphs if g in reports and g != _ANALYTICS], part_triples)
    if _ANALYTICS in reports:
        batches = itertools.chain(batches, ([_ANALYTICS],))
    for batch in batches:
        owned: list[str] = []
        size = 0
        for graph in batch:
            for quad in store.quads_for_pattern(None, None, None, graph):
                subject = quad.subject
                new = isinstance(subject, ox.NamedNode) and subject.value not in described
                if graph == _ANALYTICS and size >= part_triples and new:
                    _add_part(cut, closure, owned)  # one graph for the whole corpus: cut between its subjects
                    owned, size = [], 0
                size += 1 if graph != _ANALYTICS else 2  # an analytics node's closure is about its own size again
                if new:
                    assert isinstance(subject, ox.NamedNode)
                    described.add(subject.value)
                    owned.append(subject.value)
        _add_part(cut, closure, owned)
    return cut


def _add_part(cut: Partition, closure: _Closure, owned: list[str]) -> None:
    if owned:
        n = len(cut.parts) - 1  # after the shared part
        focus = cut.folder / f"part-{n}.focus"
        focus.write_text("".join(f"{iri}\n" for iri in owned), encoding="utf-8")
        cut.parts.append(Part(closure.write(cut.folder / f"part-{n}.nt", owned), focus))


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
        (beyond the shared graphs), and the triples pointing at an owned node with an ``inverse`` predicate."""
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
                    if isinstance(obj, ox.NamedNode) and obj.value not in own:  # a shared subject too: its
                        pointed.add(obj.value)  # description may go on in a report graph (a 2018/19 judgement's)
                emit(self.store.quads_for_pattern(node, None, None, None))
                for predicate in self.inverse:
                    emit(self.store.quads_for_pattern(None, predicate, node, None))
            for iri in sorted(pointed):
                emit(self.store.quads_for_pattern(ox.NamedNode(iri), None, None, None))
        return path


# --- in a worker process ---------------------------------------------------------------------------------------

# The worker's shapes (parsed, and as text for rudof) and the shared graphs: set once per worker process by
# ``_start_worker`` (the pool's initializer) and read by each ``_validate_part`` it runs.  The rdflib copy of the
# shared graphs is parsed the first time a part needs pySHACL.
_worker: dict[str, Any] = {}


def _start_worker(shapes_text: str, shared: Path) -> None:
    _worker.clear()
    _worker.update(shapes=Graph().parse(data=shapes_text, format="nt"), shapes_text=shapes_text, shared=shared)


def _shared_data() -> tuple[Graph, set[Node]]:
    if "data" not in _worker:
        data = Graph()
        data.parse(_worker["shared"], format="nt")
        _worker.update(data=data, subjects=set(data.subjects()))
    return _worker["data"], _worker["subjects"]


def screened(part: Part) -> set[str] | None:
    """The focus nodes rudof finds a result for in ``part`` (with the shared graphs); None if one is not an IRI.

    rudof (a SHACL engine in Rust, about ten times pySHACL's speed here) flags every node pySHACL
    reports, on every shape example (``tests/ontology/test_shapes_second_validator.py``) and on
    built data (``tests/kg/release/test_partitioned_validation.py``); pySHACL then validates only
    those nodes, so the report is pySHACL's (decision 0318).
    """
    screen = pyrudof.Rudof(pyrudof.RudofConfig())  # a session a part: its memory is given back before pySHACL's
    strict = pyrudof.ReaderMode.Strict
    screen.read_shacl(_worker["shapes_text"], format=pyrudof.ShaclFormat.NTriples, reader_mode=strict)
    for data in (_worker["shared"], part.data):
        screen.read_data(data, format=pyrudof.RDFFormat.NTriples, reader_mode=strict)
    flagged = {entry.focus_node for entry in screen.validate_shacl()}
    del screen
    return None if any(not node.startswith(("http://", "https://")) for node in flagged) else flagged


def _validate_part(part: Part) -> str:
    """Validate one part (with the shared graphs); return the results about its own nodes, as N-Triples."""
    owned: list[URIRef] | None = None
    if part.focus is not None:
        owned = [URIRef(i) for i in part.focus.read_text(encoding="utf-8").split()]
    flagged = screened(part)
    focus: list[str | URIRef] | None = list(owned) if owned is not None else None
    if flagged is not None:  # pySHACL looks again at the flagged nodes the part owns, and only at those
        if owned is not None:
            focus = [node for node in owned if str(node) in flagged]
        else:
            focus = sorted(URIRef(node) for node in flagged)
        if not focus:
            return ""
    data, subjects = _shared_data()
    extra = Graph()
    extra.parse(part.data, format="nt")
    added = [t for t in extra if t not in data]
    for triple in added:
        data.add(triple)
    try:
        _conforms, report, _text = shacl_validate(
            data, shacl_graph=_worker["shapes"], inference="none", advanced=False, allow_warnings=True,
            inplace=True, focus_nodes=focus,
        )
    finally:
        for triple in added:
            data.remove(triple)
    assert isinstance(report, Graph)
    keep = subjects if owned is None else set(owned)  # the shared part: the shared graphs' subjects
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
