"""One Store interface (kg.store.interface) behind the endpoint's path, local and remote alike.

The same canned query through ``QueryService`` over the embedded store (worker processes) and
over a real ``oxigraph serve`` holding the same release gives the same bytes in every format;
``peelkg query`` takes the same path and writes the same bytes.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kg.formats import GRAPH, RESULTS, of_kind
from kg.query.canned import get_query, load_queries
from kg.query.guard import Limits
from kg.query.remote import RemoteRunner
from kg.query.service import QueryService
from kg.release.layout import Release
from kg.store.interface import Store
from kg.store.local import InProcessRunner, LocalStore
from kg.store.remote import RemoteStore
from tests.conftest import PEELKG
from tests.remote_support import oxigraph_with_release

SAMPLE = {"forces": {}, "judgements": {"force": "norfolk", "year": "2016"}, "themes": {},
          "grade-changes": {"force": "norfolk"}, "partners": {"force": "norfolk"}}
CONSTRUCT = "CONSTRUCT { ?f ?p ?o } WHERE { ?f a <https://w3id.org/peelkg/def/peel#Force> ; ?p ?o } ORDER BY ?f ?p ?o"


def service(store: Store, release: Release) -> QueryService:
    return QueryService(store, release.id, limits=Limits(), max_rows=10000, timeout=30, workers=1, memory_mb=1024,
                        cache_bytes=0)


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory, data_dir: Path, release: Release,
             peelkg: Any) -> Iterator[tuple[QueryService, QueryService]]:
    with oxigraph_with_release(tmp_path_factory.mktemp("oxigraph-interface"), data_dir, peelkg) as url:
        local, remote = service(LocalStore(release.store_path), release), service(RemoteStore(url, timeout=30), release)
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
