"""Running queries: the row cap and the formats (kg.query.execute), the worker pool's time limit,
memory limit and replacement of dead workers (kg.query.pool), and the cache (kg.query.service)."""

from __future__ import annotations

import csv
import io
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

from kg.errors import BadQuery, DamagedRelease, QueryFailed, QueryTimeout
from kg.namespaces import REFERENCE_GRAPH, VOCABULARY_GRAPH
from kg.query.execute import Job, execute, table
from kg.query.guard import Limits, capped, inspect
from kg.query.pool import QueryPool
from kg.query.service import Dataset, QueryService
from kg.release.layout import Release
from kg.store.local import LocalStore

CROSS_PRODUCT = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
ALL_TRIPLES = "SELECT * { ?s ?p ?o }"


@pytest.fixture(scope="module")
def oxstore(release: Release) -> ox.Store:
    return ox.Store.read_only(str(release.store_path))


def job(text: str, fmt: str = "json", max_rows: int = 10, **kwargs: object) -> Job:
    info = inspect(text)
    run, count = capped(text, info, max_rows)
    assert info.form is not None
    return Job(run, text, info.form, fmt, max_rows, count, info.dataset_clause, **kwargs)  # type: ignore[arg-type]


def rows(body: bytes) -> list[dict[str, object]]:
    bindings: list[dict[str, object]] = json.loads(body)["results"]["bindings"]
    return bindings


# -- execute: the row cap and the formats -------------------------------------------------------

@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_a_select_is_cut_at_the_cap_in_every_format(oxstore: ox.Store, fmt: str) -> None:
    answer = execute(oxstore, job(ALL_TRIPLES, fmt, max_rows=7))
    assert answer.truncated
    parsed = ox.parse_query_results(answer.body, format=ox.QueryResultsFormat.from_extension(fmt)) \
        if fmt != "csv" else None
    if parsed is not None:
        assert len(list(parsed)) == 7  # type: ignore[arg-type]
    else:
        assert len(list(csv.reader(io.StringIO(answer.body.decode())))) == 1 + 7


def test_an_answer_within_the_cap_is_whole_and_not_marked(oxstore: ox.Store) -> None:
    answer = execute(oxstore, job("SELECT ?f { ?f a <https://w3id.org/peelkg/def/peel#Force> }", max_rows=43))
    assert not answer.truncated
    assert len(rows(answer.body)) == 43
    assert execute(oxstore, job("SELECT ?f { ?f a <https://w3id.org/peelkg/def/peel#Force> }", max_rows=42)).truncated


def test_the_users_own_smaller_limit_is_kept(oxstore: ox.Store) -> None:
    answer = execute(oxstore, job(ALL_TRIPLES + " LIMIT 3", max_rows=10))
    assert (len(rows(answer.body)), answer.truncated) == (3, False)


def test_a_query_the_limit_cannot_be_added_to_is_counted_row_by_row(oxstore: ox.Store) -> None:
    broken = Job("SELECT * { ?s ?p ?o } LIMIT LIMIT", ALL_TRIPLES, "SELECT", "tsv", 5, True)
    answer = execute(oxstore, broken)
    assert answer.truncated
    assert answer.body.count(b"\n") == 1 + 5


def test_construct_is_cut_at_the_cap(oxstore: ox.Store) -> None:
    answer = execute(oxstore, job("CONSTRUCT WHERE { ?s ?p ?o }", "ttl", max_rows=9))
    assert answer.truncated
    assert len(Graph().parse(data=answer.body, format="turtle")) == 9


@pytest.mark.parametrize("fmt", ["ttl", "nt", "jsonld", "rdf"])
def test_describe_in_every_graph_format(oxstore: ox.Store, fmt: str) -> None:
    answer = execute(oxstore, job("DESCRIBE <https://w3id.org/peelkg/id/force/norfolk>", fmt, max_rows=10_000))
    rdf_format = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD,
                  "rdf": ox.RdfFormat.RDF_XML}[fmt]
    assert len(list(ox.parse(answer.body, format=rdf_format))) > 5
    assert not answer.truncated


def test_ask_and_a_format_that_does_not_fit(oxstore: ox.Store) -> None:
    assert execute(oxstore, job("ASK { ?s ?p ?o }", "xml")).body.endswith(b"<boolean>true</boolean></sparql>")
    with pytest.raises(BadQuery, match="does not fit"):
        execute(oxstore, job("ASK { ?s ?p ?o }", "ttl"))


def test_a_syntax_error_is_a_400_with_the_engines_position(oxstore: ox.Store) -> None:
    with pytest.raises(BadQuery) as err:
        execute(oxstore, job("SELECT * WHERE { ?s ?p }"))
    assert err.value.status == 400 and "1:" in str(err.value)


def count(oxstore: ox.Store, text: str, **kwargs: object) -> int:
    answer = execute(oxstore, job(text, max_rows=100_000, **kwargs))
    return int(rows(answer.body)[0]["n"]["value"])  # type: ignore[index]


def test_the_default_graph_is_the_union_and_from_selects_own_graphs(oxstore: ox.Store) -> None:
    everything = count(oxstore, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")
    reference = count(oxstore, f"SELECT (COUNT(*) AS ?n) FROM <{REFERENCE_GRAPH}> {{ ?s ?p ?o }}")
    assert 0 < reference < everything
    assert count(oxstore, "SELECT (COUNT(*) AS ?n) FROM <file:///etc/passwd> { ?s ?p ?o }") == 0
    assert count(oxstore, f"SELECT (COUNT(*) AS ?n) FROM NAMED <{REFERENCE_GRAPH}> {{ ?s ?p ?o }}") == 0
    assert count(oxstore, f"SELECT (COUNT(*) AS ?n) FROM NAMED <{REFERENCE_GRAPH}> "
                          "{ GRAPH ?g { ?s ?p ?o } }") == reference


def test_protocol_graphs_select_own_graphs_and_override_from(oxstore: ox.Store) -> None:
    reference = count(oxstore, f"SELECT (COUNT(*) AS ?n) FROM <{REFERENCE_GRAPH}> {{ ?s ?p ?o }}")
    vocabulary = count(oxstore, f"SELECT (COUNT(*) AS ?n) FROM <{VOCABULARY_GRAPH}> {{ ?s ?p ?o }}")
    query = f"SELECT (COUNT(*) AS ?n) FROM <{VOCABULARY_GRAPH}> {{ ?s ?p ?o }}"
    assert count(oxstore, query, default_graphs=(str(REFERENCE_GRAPH),), named_graphs=()) == reference
    assert count(oxstore, "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }", default_graphs=(),
                 named_graphs=(str(VOCABULARY_GRAPH),)) == vocabulary
    assert count(oxstore, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", default_graphs=("http://127.0.0.1:9/x",),
                 named_graphs=()) == 0


def test_table_gives_cells_with_links_and_notes(oxstore: ox.Store) -> None:
    text = "SELECT ?f ?label ?n { ?f a <https://w3id.org/peelkg/def/peel#Force> ; <http://www.w3.org/2000/01/rdf-schema#label> ?label BIND(1 AS ?n) } LIMIT 1"  # noqa: E501
    columns, table_rows = table(execute(oxstore, job(text)).body, "SELECT")
    assert columns == ["f", "label", "n"]
    assert table_rows[0]["f"].iri and table_rows[0]["f"].iri.startswith("https://w3id.org/peelkg/id/force/")
    assert table_rows[0]["n"].note == "xsd:integer"


# -- the pool ---------------------------------------------------------------------------------

@pytest.fixture()
def pool(release: Release) -> Iterator[QueryPool]:
    """Two warm workers and a 3 s limit.  Each worker answers once first (idle workers are taken in turn),
    under a limit long enough for a worker still starting on a loaded machine, which the tests' 3 s are not."""
    pool = QueryPool(release.store_path, size=2, memory_mb=1024, timeout=60)
    for _ in range(2):
        light(pool)
    pool.timeout = 3
    yield pool
    pool.close()


def light(pool: QueryPool) -> bytes:
    return pool.run(job("ASK { ?s ?p ?o }")).body


def test_a_query_past_the_time_limit_is_stopped_and_its_worker_replaced(pool: QueryPool) -> None:
    before = pool.pids()
    started = time.monotonic()
    with pytest.raises(QueryTimeout, match="3 s"):
        pool.run(job(CROSS_PRODUCT))
    assert time.monotonic() - started < 3 + 10  # stopped at the limit, not when the query ends
    assert len(pool.pids()) == 2 and pool.pids() != before
    assert light(pool).endswith(b"true}")


def test_other_queries_are_answered_while_one_runs_long(pool: QueryPool) -> None:
    outcome: list[BaseException] = []

    def heavy() -> None:
        try:
            pool.run(job(CROSS_PRODUCT))
        except QueryTimeout as exc:
            outcome.append(exc)

    thread = threading.Thread(target=heavy)
    thread.start()
    try:
        time.sleep(0.5)
        assert thread.is_alive()
        for _ in range(5):
            assert light(pool).endswith(b"true}")
        assert thread.is_alive(), "the light queries waited for the heavy one"
    finally:
        thread.join(timeout=30)
    assert len(outcome) == 1


def test_a_crash_takes_down_only_its_worker(pool: QueryPool) -> None:
    deep = "SELECT * WHERE " + "{" * 5000 + " ?s ?p ?o " + "}" * 5000  # crashes pyoxigraph; the guard refuses it
    before = set(pool.pids())
    with pytest.raises(QueryFailed, match="query engine crashed"):
        pool.run(Job(deep, deep, "SELECT", "json", 10, False))
    after = set(pool.pids())
    assert len(after) == 2 and len(before & after) == 1
    assert light(pool).endswith(b"true}")


def test_a_query_past_the_memory_limit_fails_and_the_pool_goes_on(release: Release) -> None:
    pool = QueryPool(release.store_path, size=1, memory_mb=768, timeout=60)
    try:
        hungry = "SELECT * { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?c ?f ?i LIMIT 1"
        with pytest.raises(QueryFailed):
            pool.run(Job(hungry, hungry, "SELECT", "json", 10, False))
        assert light(pool).endswith(b"true}")
    finally:
        pool.close()


def test_a_closed_pool_refuses_work(release: Release) -> None:
    pool = QueryPool(release.store_path, size=1, memory_mb=1024, timeout=5)
    pool.close()
    assert pool.pids() == []
    with pytest.raises(QueryFailed):
        light(pool)


def test_a_missing_store_is_reported_without_its_path(tmp_path: Path) -> None:
    pool = QueryPool(tmp_path / "nowhere", size=1, memory_mb=1024, timeout=10)
    try:
        with pytest.raises(DamagedRelease, match="is damaged") as err:  # a store that is not there is damaged
            light(pool)
        assert "nowhere" not in str(err.value) and "/" not in str(err.value)
    finally:
        pool.close()


# -- the service: cache -------------------------------------------------------------------------

def test_repeated_queries_come_from_the_cache(release: Release) -> None:
    service = QueryService(LocalStore(release.store_path), release.id, limits=Limits(), max_rows=10, timeout=10,
                           workers=1, memory_mb=1024, cache_bytes=1 << 20)
    try:
        info = service.check(ALL_TRIPLES)
        first = service.answer(ALL_TRIPLES, info, "csv")
        assert service.answer(ALL_TRIPLES, info, "csv") is first
        assert service.answer(ALL_TRIPLES, info, "tsv") is not first
        other = Dataset(default_graphs=(str(REFERENCE_GRAPH),))
        assert service.answer(ALL_TRIPLES, info, "csv", other) is not first
        assert first.truncated
    finally:
        service.close()
