"""Admission of queries: the pool's waiting room (503 at once past it, the wait bounded by the
time limit), the per-client budget (429), and caches whose budget counts their keys.

Real worker processes on a tiny store; no assertion on how long anything took."""

from __future__ import annotations

import threading
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.errors import OverBudget, Overloaded, QueryTimeout
from kg.query.budget import QueryBudget
from kg.query.cache import ResultCache, footprint
from kg.query.execute import Answer, Job
from kg.query.guard import Limits
from kg.query.pool import QueryPool
from kg.query.service import QueryService
from kg.store.local import LocalStore

ASK = Job("ASK {}", "ASK {}", "ASK", "json", 10)


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("store")
    store = ox.Store(str(folder))
    store.add(ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), ox.Literal("o")))
    store.flush()
    del store
    return folder


@pytest.fixture()
def pool(store_path: Path, request: pytest.FixtureRequest) -> Iterator[QueryPool]:
    queue = getattr(request, "param", 0)
    pool = QueryPool(store_path, size=1, memory_mb=1024, timeout=5, queue=queue)
    try:
        yield pool
    finally:
        pool.close()


def busy(pool: QueryPool) -> object:
    """Take the pool's only worker, as a running query would."""
    return pool._idle.get(timeout=30)


@pytest.mark.parametrize("pool", [0], indirect=True)
def test_with_no_waiting_room_a_busy_pool_answers_overloaded_at_once(pool: QueryPool) -> None:
    worker = busy(pool)
    with pytest.raises(Overloaded) as raised:
        pool.run(ASK)
    assert raised.value.retry_after >= 1 and "busy" in str(raised.value)
    pool._idle.put(worker)  # type: ignore[arg-type]
    assert pool.run(ASK).body == b'{"head":{},"boolean":true}'  # and it serves again once a worker is free


@pytest.mark.parametrize("pool", [1], indirect=True)
def test_a_waiting_query_gives_up_at_its_time_limit_not_later(pool: QueryPool) -> None:
    worker = busy(pool)  # never given back while the query waits
    with pytest.raises(QueryTimeout, match="stayed busy"):
        pool.run(ASK)
    pool._idle.put(worker)  # type: ignore[arg-type]


@pytest.mark.parametrize("pool", [1], indirect=True)
def test_past_the_waiting_room_the_next_query_is_refused_while_one_waits(pool: QueryPool) -> None:
    worker = busy(pool)
    outcome: list[BaseException] = []

    def wait() -> None:
        try:
            pool.run(ASK)
        except QueryTimeout as exc:
            outcome.append(exc)

    waiter = threading.Thread(target=wait)
    waiter.start()
    deadline = time.monotonic() + 10
    while pool._waiting == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert pool._waiting == 1
    with pytest.raises(Overloaded):
        pool.run(ASK)
    waiter.join(30)
    assert outcome and isinstance(outcome[0], QueryTimeout)
    pool._idle.put(worker)  # type: ignore[arg-type]


def test_a_client_past_its_budget_gets_over_budget_but_cached_answers_still(store_path: Path) -> None:
    service = QueryService(LocalStore(store_path), "r1", limits=Limits(), max_rows=10, timeout=10, workers=1,
                           memory_mb=1024, cache_bytes=1 << 20, budget_seconds=0.000001)
    try:
        first = "ASK { ?s ?p ?o }"
        assert service.answer(first, service.check(first), "json", client="10.0.0.1").body.endswith(b"true}")
        other = "ASK { ?s ?p 'x' }"
        with pytest.raises(OverBudget) as raised:
            service.answer(other, service.check(other), "json", client="10.0.0.1")
        assert raised.value.retry_after >= 1
        assert service.answer(first, service.check(first), "json", client="10.0.0.1")  # from the cache
        assert service.answer(other, service.check(other), "json", client="10.0.0.2")  # another client
    finally:
        service.close()


def test_the_budget_forgets_clients_past_its_table_size() -> None:
    budget = QueryBudget(seconds=1, max_clients=100)
    for n in range(1000):
        budget.admit(f"10.0.{n // 256}.{n % 256}")
        budget.charge(f"10.0.{n // 256}.{n % 256}", 0.5)
    assert len(budget) == 100


def test_many_long_keys_with_small_answers_stay_within_the_cache_budget() -> None:
    """20,000 distinct 18 KB queries with 26-byte answers: the budget holds, in its count and in memory."""
    budget = 1 << 20
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        cache: ResultCache[Answer] = ResultCache(budget)
        for n in range(20_000):
            text = f"ASK {{}} # {n:06d} " + "x" * 18_000
            cache.put(("r1", text, None, "json", 10000), Answer(b'{"head":{},"boolean":true}'))
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert cache.used <= budget
    assert len(cache) <= budget // footprint(("r1", "x" * 18_000))
    assert grown <= 2 * budget  # what the entries really hold, not only what the cache counts
