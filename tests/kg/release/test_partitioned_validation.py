"""Validation in parts gives the results of validating the union at once: on the bundled release and on every
shape example (the planted faults of tests/ontology/examples), with the example's nodes spread over graphs."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kg.namespaces import ANALYTICS_GRAPH, GRAPH, REFERENCE_GRAPH, SH, VOCABULARY_GRAPH
from kg.release.layout import Release
from kg.release.partitioned import _start_worker, _validate_part, _worker, partition, screened, validate_store
from kg.release.stream import union_graph
from kg.release.validate import ValidationOutcome, load_shapes, validate_graph
from kg.store.local import LocalStore, to_oxigraph
from kg.vocab import Vocabulary

EXAMPLES = Path(__file__).parents[2] / "ontology" / "examples"
CASES = sorted(p for kind in ("invalid", "invalid-warning", "valid") for p in (EXAMPLES / kind).glob("*.ttl"))


def _describe(report: Graph, node: Node) -> object:
    """A node of a report by its content: its blank nodes replaced by what they say, recursively."""
    if not isinstance(node, BNode):
        return node
    return frozenset((p, _describe(report, o)) for p, o in report.predicate_objects(node))


def results(outcome: ValidationOutcome) -> Counter[object]:
    """The results of a report by their content (how many of each)."""
    report = outcome.report_graph
    return Counter(_describe(report, r) for r in report.subjects(None, SH.ValidationResult))


def _same(parted: ValidationOutcome, whole: ValidationOutcome) -> None:
    assert (parted.conforms, parted.violations, parted.warnings, parted.infos) == (
        whole.conforms, whole.violations, whole.warnings, whole.infos), parted.report_text
    assert results(parted) == results(whole), parted.report_text + "\n----\n" + whole.report_text
    assert parted.report_text.splitlines()[:3] == whole.report_text.splitlines()[:3]


def _store(graphs: dict[URIRef, Graph]) -> ox.Store:
    store = ox.Store()
    store.extend([ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), ox.NamedNode(str(name)))  # type: ignore[arg-type]
                  for name, graph in graphs.items() for s, p, o in graph])
    return store


def _turtle(path: Path) -> Graph:
    return Graph().parse(path, format="turtle")


@pytest.fixture(scope="module")
def vocabulary() -> Graph:
    return Vocabulary.load().graph


def test_the_bundled_release_validated_in_parts_gives_the_same_results(release: Release, store: LocalStore) -> None:
    reports = [g for g in release.manifest["graphs"] if g.startswith(str(GRAPH) + "report/")]
    assert reports
    whole = validate_graph(union_graph(store.oxigraph))
    assert whole.warnings > 0  # there is something to compare
    _same(validate_store(store.oxigraph, reports, workers=2), whole)


@pytest.mark.parametrize("example", CASES, ids=[f"{p.parent.name}/{p.stem}" for p in CASES])
def test_each_shape_example_validated_in_parts_gives_the_same_results(example: Path, vocabulary: Graph) -> None:
    context, data = _turtle(EXAMPLES / "context.ttl"), _turtle(example)
    whole = validate_graph(vocabulary + context + data)
    # the example in a report graph of its own, the shared context beside the vocabulary
    alone = _store({VOCABULARY_GRAPH: vocabulary, REFERENCE_GRAPH: context, GRAPH["report/example"]: data})
    _same(validate_store(alone, [str(GRAPH["report/example"])], workers=1), whole)
    # the context and the example as report graphs, one part each, and the example's subjects over two graphs
    subjects = sorted({s for s in data.subjects() if isinstance(s, URIRef)})
    first, second = Graph(), Graph()
    for s, p, o in data:
        (first if subjects.index(s) % 2 == 0 or not isinstance(s, URIRef) else second).add((s, p, o))
    names = [GRAPH["report/context"], GRAPH["report/first"], GRAPH["report/second"]]
    spread = _store({VOCABULARY_GRAPH: vocabulary, names[0]: context, names[1]: first, names[2]: second})
    _same(validate_store(spread, [str(n) for n in names], workers=2, part_triples=1), whole)


def test_every_subject_is_validated_in_exactly_one_part(tmp_path: Path, vocabulary: Graph) -> None:
    context = _turtle(EXAMPLES / "context.ttl")
    data = _turtle(next(p for p in CASES if p.parent.name == "valid"))
    names = [GRAPH["report/a"], GRAPH["report/b"]]
    store = _store({VOCABULARY_GRAPH: vocabulary, names[0]: context, names[1]: data + context})
    inverse = [str(p) for p in load_shapes().objects(None, SH.inversePath)]
    cut = partition(store, [str(n) for n in names], tmp_path, inverse=inverse, part_triples=1)
    focus = [line for part in cut.parts if part.focus for line in part.focus.read_text().split()]
    assert len(focus) == len(set(focus))  # the context's nodes, in both graphs, belong to the first part only
    reports = {ox.NamedNode(str(n)) for n in names}
    subjects = {q.graph_name in reports: set() for q in store}
    for q in store:
        if isinstance(q.subject, ox.NamedNode):
            subjects.setdefault(q.graph_name in reports, set()).add(q.subject.value)
    expected = subjects[True] - subjects[False]  # report subjects the vocabulary does not describe
    assert set(focus) == expected


def test_a_clean_part_is_screened_and_never_parsed_by_rdflib(tmp_path: Path, vocabulary: Graph) -> None:
    context = _turtle(EXAMPLES / "context.ttl")
    valid = _turtle(next(p for p in CASES if p.parent.name == "valid"))
    invalid = _turtle(next(p for p in CASES if p.parent.name == "invalid"))
    names = [GRAPH["report/a-valid"], GRAPH["report/b-invalid"]]  # parts follow the graphs' names
    store = _store({VOCABULARY_GRAPH: vocabulary, REFERENCE_GRAPH: context, names[0]: valid, names[1]: invalid})
    inverse = [str(p) for p in load_shapes().objects(None, SH.inversePath)]
    cut = partition(store, [str(n) for n in names], tmp_path, inverse=inverse, part_triples=1)
    clean, *others = cut.parts[1:]  # after the shared part, a part a report graph: the valid example's first
    _start_worker(load_shapes().serialize(format="nt"), cut.shared)
    try:
        assert clean.focus is not None and not set(clean.focus.read_text().split()) & (screened(clean) or {""})
        assert _validate_part(clean) == ""
        assert "data" not in _worker  # pySHACL (and rdflib's copy of the shared graphs) was never needed
        assert any(_validate_part(part) for part in [cut.parts[0], *others])
        assert "data" in _worker
    finally:
        _worker.clear()


def test_a_validation_after_rudof_ran_in_this_process_ends(tmp_path: Path) -> None:
    """Regression: the pool's workers were forked from the validating process; after that process had used rudof
    (whose threads a fork does not copy), a worker's first screen waited for ever."""
    script = f"""
import pyoxigraph as ox, pyrudof
from rdflib import Graph
from kg.namespaces import GRAPH, VOCABULARY_GRAPH
from kg.release.partitioned import validate_store
from kg.vocab import Vocabulary
from pathlib import Path
session = pyrudof.Rudof(pyrudof.RudofConfig())
session.read_data("<http://e/s> <http://e/p> <http://e/o> .", format=pyrudof.RDFFormat.NTriples)
session.read_shacl("@prefix sh: <http://www.w3.org/ns/shacl#> . <http://e/S> a sh:NodeShape .")
session.validate_shacl()
store = ox.Store()
vocabulary = Vocabulary.load().graph.serialize(format="nt")
store.load(vocabulary, ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(str(VOCABULARY_GRAPH)))
context = Path({str(EXAMPLES / "context.ttl")!r}).read_bytes()
store.load(context, ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(str(GRAPH["report/a"])))
outcome = validate_store(store, [str(GRAPH["report/a"])], workers=2, part_triples=1, scratch=Path({str(tmp_path)!r}))
print(outcome.conforms)
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True"


def test_the_analytics_graph_is_cut_between_its_subjects(tmp_path: Path, vocabulary: Graph) -> None:
    analytics = Graph()
    for n in range(6):
        node = URIRef(f"https://w3id.org/peelkg/id/grade-change/example/{n}")
        analytics.add((node, URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal(f"change {n}")))
        analytics.add((node, URIRef("http://www.w3.org/2004/02/skos/core#note"), Literal("two triples a node")))
    store = _store({VOCABULARY_GRAPH: vocabulary, ANALYTICS_GRAPH: analytics})
    cut = partition(store, [], tmp_path, part_triples=4)
    owned = [part.focus.read_text().split() for part in cut.parts if part.focus is not None]
    assert len(owned) > 1 and "/id/grade-change/example/" not in cut.shared.read_text()  # not shared, not one part
    assert sorted(n for nodes in owned for n in nodes) == sorted(str(s) for s in set(analytics.subjects()))


def test_a_child_forked_after_a_validation_validates_too(tmp_path: Path, vocabulary: Graph) -> None:
    """Regression: a child forked from a process whose fork server ran (a build's validation child, in a process
    that had validated before) found the parent's server by pid, not its child, and died of ChildProcessError."""
    context = _turtle(EXAMPLES / "context.ttl")
    store = _store({VOCABULARY_GRAPH: vocabulary, GRAPH["report/a"]: context})
    assert validate_store(store, [str(GRAPH["report/a"])], workers=1, scratch=tmp_path).conforms  # starts the server
    script = f"""
import os, sys
from pathlib import Path
import pyoxigraph as ox
from rdflib import Graph
from kg.namespaces import GRAPH, VOCABULARY_GRAPH
from kg.release.partitioned import validate_store
from kg.vocab import Vocabulary
store = ox.Store()
vocabulary = Vocabulary.load().graph.serialize(format="nt")
store.load(vocabulary, ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(str(VOCABULARY_GRAPH)))
context = Path({str(EXAMPLES / "context.ttl")!r}).read_bytes()
store.load(context, ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(str(GRAPH["report/a"])))
def run():
    return validate_store(store, [str(GRAPH["report/a"])], workers=1, scratch=Path({str(tmp_path)!r})).conforms
assert run()
pid = os.fork()
if pid == 0:
    os._exit(0 if run() else 3)
_, status = os.waitpid(pid, 0)
print(os.waitstatus_to_exitcode(status))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "0", done.stderr
