"""One Store interface (kg.store.interface) behind the endpoint's path, local and remote alike.

The same canned query through ``QueryService`` over the embedded store (worker processes) and
over a real ``oxigraph serve`` holding the same release gives the same bytes in every format;
``peelkg query`` takes the same path and writes the same bytes.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from rdflib import RDFS, Literal, URIRef

from kg.errors import BadQuery
from kg.formats import GRAPH, RESULTS, of_kind
from kg.query.canned import get_query, load_queries
from kg.query.guard import Limits
from kg.query.remote import RemoteRunner
from kg.query.service import QueryService
from kg.release.layout import Release
from kg.store.interface import SelectResult, Store, Term
from kg.store.local import InProcessRunner, LocalStore
from kg.store.remote import RemoteStore
from tests.conftest import PEELKG
from tests.remote_support import oxigraph_with_release
from web.present.labels import fetch_texts

SAMPLE = {"forces": {}, "judgements": {"force": "norfolk", "year": "2016"}, "themes": {},
          "grade-changes": {"force": "norfolk"}, "partners": {"force": "norfolk"}}
CONSTRUCT = "CONSTRUCT { ?f ?p ?o } WHERE { ?f a <https://w3id.org/peelkg/def/peel#Force> ; ?p ?o } ORDER BY ?f ?p ?o"


def service(store: Store, release: Release) -> QueryService:
    return QueryService(store, release.id, limits=Limits(), max_rows=10000, timeout=30, workers=1, memory_mb=1024,
                        cache_bytes=0)


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory, data_dir: Path, release: Release,
           peelkg: Any) -> Iterator[tuple[LocalStore, RemoteStore]]:
    """The release's embedded store, and the same release in a real ``oxigraph serve``."""
    with oxigraph_with_release(tmp_path_factory.mktemp("oxigraph-interface"), data_dir, peelkg) as url:
        yield LocalStore(release.store_path), RemoteStore(url, timeout=30)


@pytest.fixture(scope="module")
def services(stores: tuple[LocalStore, RemoteStore], release: Release) -> Iterator[tuple[QueryService, QueryService]]:
    local, remote = service(stores[0], release), service(stores[1], release)
    try:
        yield local, remote
    finally:
        local.close()
        remote.close()


@pytest.mark.parametrize("name", sorted(SAMPLE))
@pytest.mark.parametrize("fmt", [f.key for f in of_kind(RESULTS)])
def test_a_canned_query_answers_the_same_bytes_local_and_remote(services: tuple[QueryService, QueryService],
                                                                 name: str, fmt: str) -> None:
    text = get_query(name, load_queries()).bind(SAMPLE[name])
    local, remote = (s.complete(text, s.check(text), fmt) for s in services)
    assert local.body and local.body == remote.body


@pytest.mark.parametrize("fmt", [f.key for f in of_kind(GRAPH)])
def test_a_graph_answers_the_same_triples_local_and_remote(services: tuple[QueryService, QueryService],
                                                           fmt: str) -> None:
    local, remote = (s.complete(CONSTRUCT, s.check(CONSTRUCT), fmt) for s in services)
    assert local.body and local.body == remote.body


def test_each_store_gives_its_own_runner(services: tuple[QueryService, QueryService], release: Release) -> None:
    local, remote = services
    assert not isinstance(local.pool, RemoteRunner)
    assert isinstance(remote.pool, RemoteRunner)
    store = LocalStore(release.store_path)
    assert isinstance(store.runner(workers=0, memory_mb=0, timeout=1, queue=0, in_process=True), InProcessRunner)
    pool = store.runner(workers=0, memory_mb=1024, timeout=1, queue=0)  # no workers asked: still one, never in-process
    try:
        assert not isinstance(pool, InProcessRunner)
    finally:
        pool.close()


def test_the_remote_runner_shares_the_app_s_store() -> None:
    store = RemoteStore("http://127.0.0.1:9/query", timeout=1)
    runner = store.runner(workers=2, memory_mb=1024, timeout=1, queue=2)
    assert isinstance(runner, RemoteRunner) and runner.store is store


@pytest.mark.parametrize("fmt", ["json", "csv", "tsv", "xml"])
def test_peelkg_query_writes_what_the_endpoint_writes(services: tuple[QueryService, QueryService], data_dir: Path,
                                                       fmt: str) -> None:
    text = get_query("judgements", load_queries()).bind(SAMPLE["judgements"])
    expected = services[0].complete(text, services[0].check(text), fmt).body
    result = subprocess.run([PEELKG, "query", "judgements", "--param", "force=norfolk", "--param", "year=2016",
                             "--data", str(data_dir), "--format", fmt], capture_output=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout == expected  # bytes as written, line ends included
    if fmt == "json":
        assert json.loads(result.stdout)["results"]["bindings"]


def test_peelkg_query_refuses_what_the_endpoint_refuses(peelkg: Any, data_dir: Path) -> None:
    result = peelkg("query", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", "--data",
                    str(data_dir))
    assert result.returncode != 0 and "SERVICE" in result.stderr and "Traceback" not in result.stderr


def _rows(result: SelectResult) -> list[tuple[tuple[str, str], ...]]:
    return sorted(tuple(sorted((k, v.n3()) for k, v in row.items())) for row in result)


NORFOLK = URIRef("https://w3id.org/peelkg/id/force/norfolk")
SUFFOLK = URIRef("https://w3id.org/peelkg/id/force/suffolk")
LABELS = "SELECT ?force ?label WHERE { ?force a <https://w3id.org/peelkg/def/peel#Force> ; ?p ?label }"


def test_many_values_bound_in_one_select_answer_the_same_local_and_remote(
        stores: tuple[LocalStore, RemoteStore]) -> None:
    values: dict[str, Sequence[Term]] = {"force": [NORFOLK, SUFFOLK], "p": [RDFS.label]}
    local, remote = (s.select(LABELS, values=values) for s in stores)
    assert {str(r["force"]) for r in local} == {str(NORFOLK), str(SUFFOLK)}
    assert _rows(local) == _rows(remote)
    assert not stores[0].select(LABELS, values={"force": [], "p": [RDFS.label]}).rows  # no value: no answer


HOSTILE_LABELS = ['Norfolk" } ?force ?p ?label . { "', "x' } } ASK { ?s ?p ?o", "a\n} # comment", "\\\" }"]


@pytest.mark.parametrize("hostile", HOSTILE_LABELS)
def test_a_hostile_label_bound_as_one_of_many_values_stays_a_value(stores: tuple[LocalStore, RemoteStore],
                                                                    hostile: str) -> None:
    name = next(r["label"] for r in stores[0].select(LABELS, {"force": NORFOLK}, values={"p": [RDFS.label]}))
    query = "SELECT ?force ?label WHERE { ?force <http://www.w3.org/2000/01/rdf-schema#label> ?label }"
    for store in stores:
        rows = store.select(query, values={"label": [Literal(hostile), name]}).rows
        assert [(str(r["force"]), str(r["label"])) for r in rows] == [(str(NORFOLK), str(name))]


@pytest.mark.parametrize("hostile", ["https://e/x> } ?force ?p ?label . { <https://e/y", "https://e/a b",
                                     'https://e/"', "https://e/{x}"])
def test_a_hostile_iri_cannot_be_bound_as_one_of_many_values(stores: tuple[LocalStore, RemoteStore],
                                                              hostile: str) -> None:
    for store in stores:
        with pytest.raises(BadQuery, match="is not an IRI"):
            store.select(LABELS, values={"force": [NORFOLK, URIRef(hostile)], "p": [RDFS.label]})


def test_labels_of_many_iris_are_read_alike_local_and_remote_and_a_hostile_one_alters_nothing(
        stores: tuple[LocalStore, RemoteStore]) -> None:
    iris = [str(NORFOLK), str(SUFFOLK), "https://e/x> } ?iri ?property ?value . { <https://e/y"]
    local, remote = (fetch_texts(s, iris) for s in stores)
    assert local == remote
    assert set(local) == {str(NORFOLK), str(SUFFOLK)} and local[str(NORFOLK)].label == "Norfolk Constabulary"
