"""The downloads a build writes: each format holds what it says, and the checksums are those of the files."""

from __future__ import annotations

import csv
import io
import subprocess
import warnings
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Graph

from kg.query.canned import get_query
from kg.release.dumps import CHECKSUMS, DOWNLOADS, read_checksums, write_jsonld, write_turtle
from kg.release.layout import Release
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
    assert write_turtle(store, tmp_path / "d.ttl") == 2
    assert len(Graph().parse(tmp_path / "d.ttl", format="turtle")) == 2
    assert write_jsonld(store, tmp_path / "d.jsonld") == 3
    dataset = parse_dataset(tmp_path / "d.jsonld")
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
