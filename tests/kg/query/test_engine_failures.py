"""A query that kills the engine, a store that is damaged and a query over the memory limit each get their own,
true message (not one "may need more memory" for all three). Each is produced for real: a query that crashes
pyoxigraph, a worker killed by a signal, a query past the address-space limit, store files damaged in a copy
of a release."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from kg.errors import DamagedRelease, EngineCrashed, QueryFailed, QueryOutOfMemory
from kg.query.execute import Job
from kg.query.pool import QueryPool
from kg.release.layout import STORE, Release
from kg.store.local import open_store
from tests.store_damage import DEEP, ENDLESS, HUNGRY, damaged_copy, flip_data_blocks, truncate_largest

ASK = "ASK { ?s ?p ?o }"


def job(text: str) -> Job:
    form = "ASK" if text.startswith("ASK") else "SELECT"
    return Job(text, text, form, "json", 10, False)


def test_a_query_that_crashes_the_engine_is_called_a_crash(release: Release) -> None:
    pool = QueryPool(release.store_path, size=1, memory_mb=1024, timeout=60, queue=0)
    try:
        with pytest.raises(EngineCrashed, match=r"query engine crashed .*killed by SIGSEGV") as err:
            pool.run(job(DEEP))
        assert "memory" not in str(err.value)
        assert pool.run(job(ASK)).body.endswith(b"true}")  # replaced
    finally:
        pool.close()


def test_a_worker_killed_by_a_signal_is_called_a_crash_naming_it(release: Release) -> None:
    pool = QueryPool(release.store_path, size=1, memory_mb=1024, timeout=60, queue=0)
    outcome: list[BaseException] = []

    def endless() -> None:
        try:
            pool.run(job(ENDLESS))
        except QueryFailed as exc:
            outcome.append(exc)

    try:
        [pid] = pool.pids()
        runner = threading.Thread(target=endless)
        runner.start()
        time.sleep(1.0)
        os.kill(pid, signal.SIGKILL)
        runner.join(timeout=30)
        assert len(outcome) == 1 and isinstance(outcome[0], EngineCrashed)
        assert "killed by SIGKILL" in str(outcome[0]) and "memory" not in str(outcome[0])
    finally:
        pool.close()


def test_a_query_over_the_memory_limit_is_called_out_of_memory(release: Release) -> None:
    pool = QueryPool(release.store_path, size=1, memory_mb=768, timeout=120, queue=0)
    try:
        with pytest.raises(QueryOutOfMemory, match=r"more memory than a query may use \(768 MiB") as err:
            pool.run(job(HUNGRY))
        assert err.value.status == 503 and "crash" not in str(err.value)
        assert pool.run(job(ASK)).body.endswith(b"true}")
    finally:
        pool.close()


def address_space_mib(pid: int) -> int:
    status = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines())
    return int(status["VmSize"].split()[0]) // 1024


def test_an_idle_worker_leaves_most_of_its_memory_limit_to_the_query(release: Release) -> None:
    """Regression: glibc's per-thread malloc arenas (64 MiB of address space each, up to 8 per core)
    made an idle worker reserve 200 to 850 MiB of its 1024, so a thread RocksDB started to read a
    damaged store could not get a stack, and the engine aborted (a crash, not "damaged")."""
    pool = QueryPool(release.store_path, size=1, memory_mb=1024, timeout=60, queue=0)
    try:
        for _ in range(3):
            pool.run(job("SELECT * { GRAPH ?g { ?s ?p ?o } }"))
        [pid] = pool.pids()
        assert address_space_mib(pid) < 400
    finally:
        pool.close()


@pytest.mark.parametrize("damage", [truncate_largest, flip_data_blocks], ids=["truncated", "flipped"])
def test_a_damaged_store_is_called_damaged_by_the_workers(release: Release, tmp_path: Path,
                                                          damage: Callable[[Path], None]) -> None:
    copy = damaged_copy(release, tmp_path, damage)
    pool = QueryPool(copy / STORE, size=1, memory_mb=1024, timeout=60, queue=0)
    try:
        with pytest.raises(DamagedRelease, match=f"the store of release {release.id} is damaged") as err:
            pool.run(job("SELECT * { GRAPH ?g { ?s ?p ?o } }"))
        assert "/" not in str(err.value).split("`")[0]  # no path (the advice names `peelkg build --out DIR`)
    finally:
        pool.close()


def test_a_damaged_store_is_called_damaged_in_the_web_process(release: Release, tmp_path: Path) -> None:
    truncated = damaged_copy(release, tmp_path / "t", truncate_largest)
    with pytest.raises(DamagedRelease, match=r"damaged \(RocksDB reports corruption\): rebuild it"):
        open_store(truncated / STORE)
    flipped = open_store(damaged_copy(release, tmp_path / "f", flip_data_blocks) / STORE)
    with pytest.raises(DamagedRelease, match=f"the store of release {release.id} is damaged"):
        flipped.select("SELECT * { GRAPH ?g { ?s ?p ?o } }")
