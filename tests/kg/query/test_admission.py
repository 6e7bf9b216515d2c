"""Admission of queries: the waiting room in front of the worker pool and of the remote store (503 at
once past it, the wait bounded by the time limit), the per-client budget (429), and caches whose
budget counts their keys.

Real worker processes on a tiny store, and a real ``oxigraph serve`` on 127.0.0.1 for the remote
store; no assertion on how long anything took."""

from __future__ import annotations

import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from kg.errors import OverBudget, Overloaded, QueryTimeout
from kg.query.budget import QueryBudget
from kg.query.cache import ResultCache, footprint
from kg.query.execute import Answer, Job
from kg.query.guard import Limits
from kg.query.pool import QueryPool
from kg.query.remote import RemoteRunner
from kg.query.service import QueryService
from kg.store.local import LocalStore
from kg.store.remote import RemoteStore
from tests.listener import counting_listener
from tests.remote_support import oxigraph_serve

ASK = Job("ASK {}", "ASK {}", "ASK", "json", 10)


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("store")
    store = ox.Store(str(folder))
    store.add(ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), ox.Literal("o")))
    store.flush()
    del store
    return folder


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    """A real ``oxigraph serve`` (in memory, empty: ``ASK {}`` is true there as here)."""
    with oxigraph_serve() as url:
        yield url


Runner = QueryPool | RemoteRunner


@pytest.fixture()
def runner(store_path: Path, request: pytest.FixtureRequest) -> Iterator[Runner]:
    """One place for a running query (a worker process, or one request at a time to the remote store)
    and a waiting room of ``queue`` (the parameter: ``(kind, queue)``)."""
    kind, queue = request.param
    runner: Runner = (
        QueryPool(store_path, size=1, memory_mb=1024, timeout=5, queue=queue) if kind == "pool"
        else RemoteRunner(RemoteStore(request.getfixturevalue("endpoint"), timeout=5), timeout=5, size=1, queue=queue)
    )
    try:
        yield runner
    finally:
        runner.close()


def busy(runner: Runner) -> Any:
    """Take the runner's only place, as a running query would."""
    return runner._room.take(time.monotonic() + 30)


@pytest.mark.parametrize("runner", [("pool", 0), ("remote", 0)], indirect=True, ids=["pool", "remote"])
def test_with_no_waiting_room_a_busy_runner_answers_overloaded_at_once(runner: Runner) -> None:
    place = busy(runner)
    with pytest.raises(Overloaded) as raised:
        runner.run(ASK)
    assert raised.value.retry_after >= 1 and "busy" in str(raised.value)
    runner._room.add(place)
    assert runner.run(ASK).body == b'{"head":{},"boolean":true}'  # and it serves again once a place is free


@pytest.mark.parametrize("runner", [("pool", 1), ("remote", 1)], indirect=True, ids=["pool", "remote"])
def test_a_waiting_query_gives_up_at_its_time_limit_not_later(runner: Runner) -> None:
    place = busy(runner)  # never given back while the query waits
    with pytest.raises(QueryTimeout, match="stayed busy"):
        runner.run(ASK)
    runner._room.add(place)


@pytest.mark.parametrize("runner", [("pool", 1), ("remote", 1)], indirect=True, ids=["pool", "remote"])
def test_past_the_waiting_room_the_next_query_is_refused_while_one_waits(runner: Runner) -> None:
    place = busy(runner)
    outcome: list[BaseException] = []

    def wait() -> None:
        try:
            runner.run(ASK)
        except QueryTimeout as exc:
            outcome.append(exc)

    waiter = threading.Thread(target=wait)
    waiter.start()
    deadline = time.monotonic() + 10
    while runner._room.waiting == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert runner._room.waiting == 1
    with pytest.raises(Overloaded):
        runner.run(ASK)
    waiter.join(30)
    assert outcome and isinstance(outcome[0], QueryTimeout)
    runner._room.add(place)


def test_a_remote_query_whose_wait_used_up_its_limit_is_not_sent() -> None:
    with counting_listener() as (port, accepted):
        runner = RemoteRunner(RemoteStore(f"http://127.0.0.1:{port}/query", timeout=5), timeout=5, size=1, queue=0)
        with pytest.raises(QueryTimeout, match="its wait for a place included"):
            runner._fetch(ASK, 0.0)
        assert accepted == []


def _past_its_budget_a_client_gets_over_budget_but_cached_answers_still(service: QueryService, first: str) -> None:
    try:
        assert service.answer(first, service.check(first), "json", client="10.0.0.1").body.endswith(b"true}")
        other = "ASK { ?s ?p 'x' }"
        with pytest.raises(OverBudget) as raised:
            service.answer(other, service.check(other), "json", client="10.0.0.1")
        assert raised.value.retry_after >= 1
        assert service.answer(first, service.check(first), "json", client="10.0.0.1")  # from the cache
        assert service.answer(other, service.check(other), "json", client="10.0.0.2").body.endswith(b"false}")
    finally:
        service.close()


def test_a_remote_client_past_its_budget_gets_over_budget_but_cached_answers_still(endpoint: str) -> None:
    service = QueryService(RemoteStore(endpoint, timeout=10), "r1", limits=Limits(), max_rows=10, timeout=10,
                           workers=1, memory_mb=1024, cache_bytes=1 << 20, budget_seconds=0.000001, queue=0)
    assert isinstance(service.pool, RemoteRunner)
    _past_its_budget_a_client_gets_over_budget_but_cached_answers_still(service, "ASK { }")


def test_a_client_past_its_budget_gets_over_budget_but_cached_answers_still(store_path: Path) -> None:
    service = QueryService(LocalStore(store_path), "r1", limits=Limits(), max_rows=10, timeout=10, workers=1,
                           memory_mb=1024, cache_bytes=1 << 20, budget_seconds=0.000001)
    _past_its_budget_a_client_gets_over_budget_but_cached_answers_still(service, "ASK { ?s ?p ?o }")


def _counted(service: QueryService, gate: threading.Event, runs: list[Job],
             fail: BaseException | None = None) -> None:
    """Make ``service``'s runner count its jobs and hold each until ``gate`` opens (then fail with ``fail``)."""
    real = service.pool.run

    def run(job: Job) -> Answer:
        runs.append(job)
        gate.wait(30)
        if fail is not None:
            raise fail
        return real(job)

    service.pool.run = run  # type: ignore[method-assign]


def _burst(ask: Callable[[], None], copies: int, gate: threading.Event, runs: list[Job]) -> None:
    """Call ``ask`` from ``copies`` threads: the first until its job is held at the runner, the others
    while it is held; then open ``gate`` and wait for all."""
    threads = [threading.Thread(target=ask) for _ in range(copies)]
    threads[0].start()
    while not runs:
        time.sleep(0.01)
    for thread in threads[1:]:
        thread.start()
    time.sleep(0.3)  # let them find it running
    gate.set()
    for thread in threads:
        thread.join(30)


def test_identical_queries_that_miss_the_cache_together_run_once(store_path: Path) -> None:
    """Regression: a burst of one query on a cold cache sent every copy to the workers; past the
    waiting room they got 503 (the load test saw it), though one answer would have served them all."""
    service = QueryService(LocalStore(store_path), "r1", limits=Limits(), max_rows=10, timeout=30, workers=1,
                           memory_mb=1024, cache_bytes=1 << 20, queue=7)
    gate, runs, answers = threading.Event(), [], []
    _counted(service, gate, runs)
    text = "SELECT ?o { ?s ?p ?o }"
    info = service.check(text)

    def ask() -> None:
        answers.append(service.answer(text, info, "json", client="10.0.0.1"))

    try:
        _burst(ask, 8, gate, runs)
        assert len(runs) == 1
        assert len(answers) == 8 and len(set(answer.body for answer in answers)) == 1
        assert b'"o"' in answers[0].body
    finally:
        service.close()


def test_callers_waiting_for_a_shared_answer_count_against_the_waiting_room(store_path: Path) -> None:
    """Regression: callers waiting for another's run of the same query took no place in the waiting room, so
    32 copies of one heavy query held every thread of a web worker for the whole time limit, and its pages
    waited behind them (the flood benchmark's force page: p99 9.6 s)."""
    service = QueryService(LocalStore(store_path), "r1", limits=Limits(), max_rows=10, timeout=30, workers=1,
                           memory_mb=1024, cache_bytes=1 << 20, queue=2)
    gate, runs, answers, refused = threading.Event(), [], [], []
    _counted(service, gate, runs)
    info = service.check("ASK { ?s ?p ?o }")

    def ask() -> None:
        try:
            answers.append(service.answer("ASK { ?s ?p ?o }", info, "json"))
        except Overloaded as exc:
            refused.append(exc)

    try:
        _burst(ask, 6, gate, runs)
        assert len(runs) == 1
        assert len(answers) == 3 and len(refused) == 3  # the one running, the two the room holds; the rest at once
        assert all(exc.retry_after >= 1 for exc in refused)
    finally:
        service.close()


def test_a_shared_query_that_failed_fails_for_all_who_waited_and_runs_again_next_time(store_path: Path) -> None:
    service = QueryService(LocalStore(store_path), "r1", limits=Limits(), max_rows=10, timeout=30, workers=1,
                           memory_mb=1024, cache_bytes=1 << 20, queue=2)
    gate, runs, outcomes = threading.Event(), [], []
    _counted(service, gate, runs, fail=Overloaded("every query worker is busy", retry_after=1))
    info = service.check("ASK {}")

    def ask() -> None:
        try:
            service.answer("ASK {}", info, "json")
        except Overloaded as exc:
            outcomes.append(exc)

    try:
        _burst(ask, 3, gate, runs)
        assert len(outcomes) == 3 and len(runs) == 1
        with pytest.raises(Overloaded):
            service.answer("ASK {}", info, "json")
        assert len(runs) == 2  # nothing was kept: the next one ran
    finally:
        service.close()


def test_a_query_that_timed_out_waiting_for_a_worker_is_not_charged_to_its_client(store_path: Path) -> None:
    """Regression: a query that never got a worker was charged the whole time limit, as if it had run."""
    service = QueryService(LocalStore(store_path), "r1", limits=Limits(), max_rows=10, timeout=1, workers=1,
                           memory_mb=1024, cache_bytes=0, budget_seconds=0.5, queue=1)
    try:
        assert isinstance(service.pool, QueryPool)
        worker = busy(service.pool)
        with pytest.raises(QueryTimeout, match="stayed busy"):
            service.answer("ASK {}", service.check("ASK {}"), "json", client="10.0.0.1")
        service.pool._room.add(worker)
        assert service.answer("ASK {}", service.check("ASK {}"), "json", client="10.0.0.1")  # not OverBudget
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
