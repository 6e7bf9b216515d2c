"""One set of query workers for every web worker of a server (kg.query.shared, kg.query.house): pools of
the same store and settings share the house's workers and its waiting room; its refusals, time limit and
failures reach each web worker as its own pool's would; the house ends with its last lease and is started
again when it is gone.

Each ``SharedPool`` here stands for one web worker; real house and worker processes on a small store, no
assertion on how long anything took."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.errors import BadQuery, EngineCrashed, Overloaded, QueryTimeout
from kg.query.execute import Job
from kg.query.shared import SharedPool

ASK = Job("ASK {}", "ASK {}", "ASK", "json", 10)
TRUE = b'{"head":{},"boolean":true}'
# Runs far past any time limit here on 60 triples (60^5 rows to count).
CROSS = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
HEAVY = Job(CROSS, CROSS, "SELECT", "json", 10)


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("house-store")
    store = ox.Store(str(folder))
    for i in range(60):
        store.add(ox.Quad(ox.NamedNode(f"http://e/s{i}"), ox.NamedNode("http://e/p"), ox.Literal(str(i))))
    store.flush()
    del store
    return folder


def pools(store_path: Path, n: int, **settings: float) -> list[SharedPool]:
    limits = {"size": 1, "memory_mb": 1024, "timeout": 5.0, "queue": 0, **settings}
    return [SharedPool(store_path, size=int(limits["size"]), memory_mb=int(limits["memory_mb"]),
                       timeout=limits["timeout"], queue=int(limits["queue"])) for _ in range(n)]


@pytest.fixture()
def two(store_path: Path) -> Iterator[list[SharedPool]]:
    """Two web workers' pools of one server: one query worker between them, no waiting room."""
    started = pools(store_path, 2)
    yield started
    for pool in started:
        pool.close()


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] if Path(f"/proc/{pid}").exists() else "Z"
    return state != "Z"


def listening(name: str) -> bool:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        try:
            sock.connect("\0" + name)
        except ConnectionRefusedError:
            return False
        return True


def heavy_in_background(pool: SharedPool) -> tuple[threading.Thread, list[BaseException]]:
    """A query that holds the house's one worker until the time limit, running once this returns."""
    outcome: list[BaseException] = []

    def run() -> None:
        try:
            pool.run(HEAVY)
        except Exception as exc:
            outcome.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    time.sleep(0.5)  # (to order it before the next request: the time limit is seconds away)
    assert thread.is_alive(), outcome
    return thread, outcome


def until(condition: object, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.02)
    return False


def test_pools_of_one_server_share_one_house_and_its_workers(two: list[SharedPool]) -> None:
    a, b = two
    assert a.name == b.name
    assert a.pids() == b.pids() and len(a.pids()) == 1
    assert a.run(ASK).body == TRUE and b.run(ASK).body == TRUE


def test_other_limits_get_a_house_of_their_own(store_path: Path, two: list[SharedPool]) -> None:
    (other,) = pools(store_path, 1, timeout=6.0)
    try:
        assert other.name != two[0].name
        assert set(other.pids()).isdisjoint(two[0].pids())
    finally:
        other.close()


def test_a_query_from_one_web_worker_takes_the_place_the_other_would_have_had(two: list[SharedPool]) -> None:
    """The waiting room is the server's: with the one worker busy for web worker a, web worker b is refused
    at once (it used to have a worker of its own, idle, while a's queries queued)."""
    a, b = two
    thread, outcome = heavy_in_background(a)
    assert _refused(b)
    thread.join(30)
    assert outcome and isinstance(outcome[0], QueryTimeout) and "ran past the 5 s time limit" in str(outcome[0])
    assert b.run(ASK).body == TRUE  # the killed worker was replaced, and serves both


def _refused(pool: SharedPool) -> bool:
    try:
        pool.run(ASK)
    except Overloaded as exc:
        assert exc.retry_after >= 1 and "busy" in str(exc)
        return True
    return False


def test_a_held_waiting_place_counts_for_every_web_worker(store_path: Path) -> None:
    a, b = pools(store_path, 2, queue=1)
    try:
        thread, _ = heavy_in_background(a)
        assert _refused_after_hold(a, b)
        thread.join(30)
    finally:
        a.close()
        b.close()


def _refused_after_hold(a: SharedPool, b: SharedPool) -> bool:
    """While a holds the room's one waiting place (as a caller waiting for another's run), b is refused."""
    with a.queued():
        try:
            b.run(ASK)
        except Overloaded:
            return True
        return False


def test_the_engine_s_refusal_keeps_its_status_and_message(two: list[SharedPool]) -> None:
    bad = Job("SELECT * WHERE { ?s ?p }", "SELECT * WHERE { ?s ?p }", "SELECT", "json", 10)
    with pytest.raises(BadQuery) as raised:
        two[0].run(bad)
    assert raised.value.status == 400


def test_a_worker_killed_during_a_query_is_a_crash_named_by_its_signal(two: list[SharedPool]) -> None:
    a, b = two
    (worker,) = a.pids()
    thread, outcome = heavy_in_background(a)
    os.kill(worker, signal.SIGKILL)
    thread.join(30)
    assert outcome and isinstance(outcome[0], EngineCrashed) and "SIGKILL" in str(outcome[0])
    assert until(lambda: b.pids() != [worker])
    assert b.run(ASK).body == TRUE


def test_the_house_ends_with_its_last_lease_and_takes_its_workers(store_path: Path) -> None:
    a, b = pools(store_path, 2)
    workers = a.pids()
    a.close()
    assert listening(b.name) and b.run(ASK).body == TRUE  # b's lease keeps it
    b.close()
    assert not listening(b.name)
    assert until(lambda: not any(alive(pid) for pid in workers))


def test_a_pool_dropped_without_closing_gives_up_its_lease(store_path: Path) -> None:
    (pool,) = pools(store_path, 1)
    name, workers = pool.name, pool.pids()
    del pool
    assert until(lambda: not listening(name))
    assert until(lambda: not any(alive(pid) for pid in workers))


def test_a_house_that_died_is_started_again(two: list[SharedPool]) -> None:
    a, b = two
    house = _house_of(a)
    os.kill(house, signal.SIGKILL)
    assert until(lambda: not alive(house))  # (its threads may still hold its name for a moment)
    assert a.run(ASK).body == TRUE  # a starts a new house (if it reached the dying one first, it tried again)
    assert b.run(ASK).body == TRUE and _house_of(b) != house  # b finds it


def _house_of(pool: SharedPool) -> int:
    (worker,) = pool.pids()
    return int(Path(f"/proc/{worker}/stat").read_text().rsplit(")", 1)[1].split()[1])


@pytest.mark.skipif(os.getuid() != 0, reason="needs root to connect as another user")
def test_another_user_gets_nothing_from_the_house(two: list[SharedPool]) -> None:
    probe = (
        "import os, socket, struct, sys\n"
        "os.setgid(65534); os.setuid(65534)\n"
        "s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); s.connect('\\0' + sys.argv[1])\n"
        "s.settimeout(10)\n"
        "try:\n"
        "    s.sendall(struct.pack('!I', 1) + b'x'); print(repr(s.recv(100)))\n"
        "except (BrokenPipeError, ConnectionResetError):\n"
        "    print('closed')\n"
    )
    done = subprocess.run([sys.executable, "-c", probe, two[0].name], capture_output=True, text=True, timeout=30,
                          check=False)
    assert done.stdout.strip() in {"b''", "closed"}, done.stderr  # closed unread: no pickle of theirs is ever loaded
    assert two[0].run(ASK).body == TRUE


def test_what_the_block_raises_while_it_holds_a_place_is_its_own(store_path: Path) -> None:
    """Regression: the service waits for another caller's run inside ``queued()`` and turns its
    ``TimeoutError`` into the time-limit answer; the held place once turned it into "workers stopped"."""
    (pool,) = pools(store_path, 1, queue=1)
    try:
        with pytest.raises(TimeoutError), pool.queued():
            raise TimeoutError
        with pool.queued():
            pass
        assert pool.run(ASK).body == TRUE  # the place was given back
    finally:
        pool.close()


def test_a_house_whose_starter_died_before_any_lease_ends(store_path: Path) -> None:
    """Regression: a web worker told to stop while it waited for the house it had started died before its
    lease; the house took its new parent for its starter and kept its workers for a minute."""
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True).stdout.strip()
    house = subprocess.Popen([sys.executable, "-m", "kg.query.house", "peelkg-query-test-orphan", gone,
                              str(store_path), "1", "1024", "5.0", "0"])
    assert house.wait(timeout=30) == 0  # at once (it waited 60 s for a lease)
