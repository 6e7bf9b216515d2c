"""The downloads a build writes: each format holds what it says, and the checksums are those of the files."""

from __future__ import annotations

import csv
import gzip
import io
import subprocess
import warnings
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph

from kg.namespaces import PREFIXES
from kg.query.canned import get_query
from kg.release import dumps
from kg.release.dumps import CHECKSUMS, DOWNLOADS, read_checksums, write_rdf_dumps
from kg.release.layout import DUMP, Release
from kg.store.local import LocalStore

A, B = ox.NamedNode("https://w3id.org/peelkg/graph/a"), ox.NamedNode("https://w3id.org/peelkg/graph/b")
S, P = ox.NamedNode("https://w3id.org/peelkg/id/force/testshire"), ox.NamedNode("http://example.org/p")


def parse_dataset(path: Path) -> Dataset:
    """The file as rdflib reads it (its own Dataset.parse warns of its own deprecated internals)."""
    dataset = Dataset()
    with path.open("rb") as handle, warnings.catch_warnings():  # rdflib leaves a file it opens itself unclosed
        warnings.filterwarnings("ignore", category=DeprecationWarning, module="rdflib")
        dataset.parse(handle, format="json-ld")
    return dataset


def two_graph_store() -> ox.Store:
    store = ox.Store()
    store.extend([ox.Quad(S, P, ox.Literal("same"), A), ox.Quad(S, P, ox.Literal("same"), B),
                  ox.Quad(S, P, ox.Literal("only b"), B)])
    return store


def test_turtle_holds_distinct_triples_and_jsonld_keeps_graphs(tmp_path: Path) -> None:
    store = two_graph_store()
    counts = write_rdf_dumps(store, tmp_path)
    assert counts["dump.ttl"] == 2
    assert len(Graph().parse(tmp_path / "dump.ttl", format="turtle")) == 2
    assert counts["dump.jsonld"] == 3
    dataset = parse_dataset(tmp_path / "dump.jsonld")
    assert sorted((str(g), str(o)) for _s, _p, o, g in dataset.quads()) == [
        (A.value, "same"), (B.value, "only b"), (B.value, "same")]


def test_release_dumps_agree_with_the_store(release: Release, store: LocalStore) -> None:
    distinct = store.select("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }")
    assert len(Graph().parse(release.file("dump.ttl"), format="turtle")) == int(distinct.rows[0]["n"])
    dataset = parse_dataset(release.file("dump.jsonld"))
    assert len(list(dataset.quads())) == len(store.oxigraph)
    assert {str(g.identifier) for g in dataset.graphs() if len(g)} == set(release.manifest["graphs"])


def test_csv_tables_are_the_canned_queries(release: Release, store: LocalStore) -> None:
    for name, query in (("judgements.csv", "judgements"), ("areas-for-improvement.csv", "areas-for-improvement")):
        rows = list(csv.reader(io.StringIO(release.file(name).read_text(encoding="utf-8"))))
        expected = store.select(get_query(query).bind({}))
        assert rows[0] == expected.variables
        assert len(rows) - 1 == len(expected) > 0


def test_checksums_file_is_what_sha256sum_checks(release: Release) -> None:
    sums = read_checksums(release.path)
    assert set(sums) == {d.name for d in DOWNLOADS}
    entries = {e["file"]: e for e in release.manifest["downloads"]}
    assert all(entries[name]["sha256"] == digest for name, digest in sums.items())
    checked = subprocess.run(["sha256sum", "--check", "--strict", CHECKSUMS], cwd=release.path,
                             capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def _awkward_store() -> ox.Store:
    """Terms whose order is easy to get wrong: an IRI that prefixes another, escapes, blank nodes, the default graph."""
    e = "https://w3id.org/peelkg/id/"
    iris = [ox.NamedNode(e + tail) for tail in ("a", "a/b", "a#c", "a%20b", "\u00e9")]
    integer = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
    objects: list[ox.NamedNode | ox.BlankNode | ox.Literal] = [
        *iris, ox.BlankNode("b1"), ox.BlankNode("b10"), ox.Literal("plain"), ox.Literal("plain", language="en"),
        ox.Literal("quote \" back \\ tab \t line \n nul \x00 end"),
        ox.Literal("2", datatype=integer), ox.Literal("10", datatype=integer),
        ox.Literal("\U0001f600 ok"),
    ]
    graphs: list[ox.NamedNode | ox.DefaultGraph] = [A, B, ox.DefaultGraph()]
    quads = []
    for n, obj in enumerate(objects):
        for k, graph in enumerate(graphs):
            if (n + k) % 2 == 0 or k == 0:
                quads.append(ox.Quad(iris[n % len(iris)], iris[(n + k) % 3], obj, graph))
    quads.append(ox.Quad(ox.BlankNode("b1"), P, ox.Literal("blank subject"), A))
    store = ox.Store()
    store.extend(quads)
    return store


def _in_memory_dumps(store: ox.Store, folder: Path) -> dict[str, bytes]:
    """The dumps as the build wrote them before they were sorted on disk: every line sorted in memory."""
    data = store.dump(format=ox.RdfFormat.N_QUADS)
    lines = sorted(set(data.decode("utf-8").splitlines()) - {""})
    with (folder / "old.nq.gz").open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw,
                                                                 compresslevel=6, mtime=0) as handle:
        handle.write(("\n".join(lines) + "\n").encode("utf-8"))
    triples = sorted({q.triple for q in store}, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    ox.serialize(triples, str(folder / "old.ttl"), ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    quads = sorted(store, key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)))
    ox.serialize(quads, str(folder / "old.jsonld"), ox.RdfFormat.JSON_LD)
    return {name: (folder / f"old.{name}").read_bytes() for name in ("nq.gz", "ttl", "jsonld")}


@pytest.mark.parametrize("run", [2, 5, 100_000])
def test_dumps_sorted_on_disk_are_the_bytes_sorted_in_memory_gave(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run: int
) -> None:
    monkeypatch.setattr("kg.release.sorted_lines.RUN", run)  # 2 and 5: many runs merged; 100,000: one run
    store = _awkward_store()
    expected = _in_memory_dumps(store, tmp_path)
    counts = write_rdf_dumps(store, tmp_path)
    assert counts == {DUMP: len(store), "dump.ttl": len({q.triple for q in store}), "dump.jsonld": len(store)}
    assert gzip.decompress((tmp_path / "dump.nq.gz").read_bytes()) == gzip.decompress(expected["nq.gz"])
    assert (tmp_path / "dump.nq.gz").read_bytes() == expected["nq.gz"]
    assert (tmp_path / "dump.ttl").read_bytes() == expected["ttl"]
    assert (tmp_path / "dump.jsonld").read_bytes() == expected["jsonld"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dump.jsonld", "dump.nq.gz", "dump.ttl", "old.jsonld",
                                                          "old.nq.gz", "old.ttl"]  # no scratch left behind


def test_the_dumps_read_the_store_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The on-disk store is slow to read (a lookup a term), so the three dumps come from one read of each graph."""
    store = _awkward_store()
    reads: list[object] = []
    real = dumps._graph_lines
    monkeypatch.setattr(dumps, "_graph_lines", lambda s, g: reads.append(g) or real(s, g))
    write_rdf_dumps(store, tmp_path)
    assert sorted(map(str, reads)) == sorted({str(q.graph_name) for q in store})


def test_a_literal_with_a_unicode_line_separator_survives_the_nquads_dump(tmp_path: Path) -> None:
    """Regression: the dump was split with ``str.splitlines``, which also breaks at U+2028, U+0085 and form feeds
    that N-Quads keeps inside a literal, and so published broken lines."""
    store = ox.Store()
    text = ox.Literal("one\u2028two\x85three\x0cfour\x1cfive")
    store.add(ox.Quad(S, P, text, A))
    write_rdf_dumps(store, tmp_path)
    with gzip.open(tmp_path / "dump.nq.gz", "rb") as handle:
        assert list(ox.parse(handle, format=ox.RdfFormat.N_QUADS)) == [ox.Quad(S, P, text, A)]
