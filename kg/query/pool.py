"""A pool of query worker processes: each query runs where it can be stopped.

pyoxigraph has no query timeout, no way to interrupt a running query, and a pathological
query can crash its process.  So queries never run in the web process: each runs in a worker
process that opened the release's store read-only itself, under an address-space limit
(``RLIMIT_AS``).  The pool

- hands a query to an idle worker and waits at most the time limit (the wait for a free
  worker counts against it), else kills that worker and raises ``QueryTimeout``;
- lets at most ``queue`` queries wait for a busy worker; one more raises ``Overloaded`` at
  once, with the seconds until the first running query must end (so a flood of queries holds
  at most ``size + queue`` of the web worker's threads, and pages keep the rest);
- replaces a worker that died and raises, for the query that killed it, ``QueryOutOfMemory``
  (the engine could not allocate under the memory limit: it says so on its stderr, which the
  pool passes on to its own) or ``EngineCrashed`` (any other death, naming the signal); a
  damaged store is ``DamagedRelease``; the other workers keep serving meanwhile;
- keeps its workers running between queries (warm: store open, modules imported), at a lower
  CPU priority (``nice`` 10) than the web process, so pages are not starved by heavy queries.

Workers are fresh interpreters (``python -m kg.query.worker``), never a ``fork`` of a
threaded web worker; a replacement starts in the background while the failed query is
answered, so it does not hold up any request.

>>> import tempfile
>>> from pathlib import Path
>>> folder = Path(tempfile.mkdtemp())
>>> import pyoxigraph as ox
>>> ox.Store(str(folder)).flush()
>>> pool = QueryPool(folder, size=1, memory_mb=1024, timeout=10, queue=0)
>>> pool.run(Job("ASK {}", "ASK {}", "ASK", "json", 10)).body
b'{"head":{},"boolean":true}'
>>> pool.close()
"""

from __future__ import annotations

import collections
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import weakref
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kg.errors import BadQuery, DamagedRelease, EngineCrashed, QueryFailed, QueryOutOfMemory, QueryTimeout
from kg.query.admission import WaitingRoom
from kg.query.execute import Answer, Job
from kg.query.worker import BAD, DAMAGED, MEMORY, OK, out_of_memory_message, read_reply, send_job

if TYPE_CHECKING:
    from kg.query.shared import SharedPool

# Query workers run at a lower CPU priority than the web process: a flood of heavy queries then
# takes the cores only when pages and light requests leave them idle (docs/decisions/0307).
_NICE = ("nice", "-n", "10") if shutil.which("nice") else ()

# glibc gives each new thread its own malloc arena, reserving 64 MiB of address space apiece (up
# to 8 per core): how many the engine's threads happen to get made an idle worker's address space
# vary from 200 to 850 MiB, so under the limit a thread could fail to start (RocksDB then aborts).
# Two arenas keep an idle worker near 200 MiB, whatever the machine's core count.
_ARENAS = {"MALLOC_ARENA_MAX": "2"}


# What the engine (Rust's allocator) writes to stderr before it aborts on a failed allocation.
_OUT_OF_MEMORY = b"memory allocation of "


@dataclass(eq=False)  # identity, so workers can live in a set
class _Worker:
    process: subprocess.Popen[bytes]
    sock: socket.socket
    said: collections.deque[bytes] = field(default_factory=lambda: collections.deque(maxlen=8))  # its last lines
    relay: threading.Thread | None = None  # passes its stderr on to ours


class QueryPool:
    """``size`` warm worker processes over the store at ``store_path``.

    ``run`` is safe to call from many threads; each call has a worker to itself.
    """

    def __init__(self, store_path: Path, *, size: int, memory_mb: int, timeout: float, queue: int = 2) -> None:
        self.store_path = store_path
        self.memory_mb = memory_mb
        self.timeout = timeout
        self.queue = queue
        self._room: WaitingRoom[_Worker] = WaitingRoom(queue=queue, timeout=timeout, what="query worker")
        self._all: set[_Worker] = set()  # guarded by _lock
        self._lock = threading.Lock()
        self._closed = False
        # Workers never outlive their pool: stopped on close(), when the pool is collected, at exit.
        self._finalizer = weakref.finalize(self, _stop_all, self._all)
        for _ in range(max(1, size)):
            self._room.add(self._start())

    def _start(self) -> _Worker:
        parent, child = socket.socketpair()
        with child:
            process = subprocess.Popen(
                [*_NICE, sys.executable, "-m", "kg.query.worker", str(child.fileno()), str(self.store_path),
                 str(self.memory_mb)],
                pass_fds=(child.fileno(),), env={**os.environ, **_ARENAS}, stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
        worker = _Worker(process, parent)
        worker.relay = threading.Thread(target=_relay, args=(worker,), daemon=True, name="peelkg-worker-stderr")
        worker.relay.start()
        with self._lock:
            self._all.add(worker)
        return worker

    def _stop(self, worker: _Worker) -> None:
        with self._lock:
            self._all.discard(worker)
        self._room.forget(worker)
        _kill(worker)

    def _replace(self, worker: _Worker) -> None:
        self._stop(worker)
        if not self._closed:
            self._room.add(self._start())

    def _checkout(self, deadline: float) -> _Worker:
        """A live worker from the waiting room (``Overloaded`` or ``QueryTimeout`` when there is none in time)."""
        while True:
            worker = self._room.take(deadline)
            if worker.process.poll() is None:
                return worker
            self._replace(worker)  # died while idle (killed from outside): start another

    def run(self, job: Job) -> Answer:
        """The answer to ``job``, within the time limit.

        Raises ``QueryTimeout`` past the limit (the worker is killed and replaced),
        ``QueryOutOfMemory`` or ``EngineCrashed`` when the worker died on this query (it is
        replaced), ``BadQuery`` when the engine rejects the query, ``DamagedRelease`` when the
        store cannot be read.
        """
        if self._closed:
            raise QueryFailed("the query service is shutting down")
        deadline = time.monotonic() + self.timeout
        worker = self._checkout(deadline)
        healthy = False
        try:
            worker.sock.settimeout(None)
            send_job(worker.sock, job)
            try:
                reply = read_reply(worker.sock, deadline=deadline)
            except TimeoutError:
                raise QueryTimeout.stopped(self.timeout) from None
            healthy = True
        except (EOFError, OSError):
            raise _why_it_died(worker, self.memory_mb) from None
        finally:
            if healthy:
                self._room.add(worker)
            else:
                self._replace(worker)
        return _decode(reply)

    def pids(self) -> list[int]:
        """Process ids of the current workers (for monitoring and tests)."""
        with self._lock:
            return sorted(w.process.pid for w in self._all)

    def queued(self) -> AbstractContextManager[None]:
        """A place in the waiting room, held while the caller waits for the same query run for another."""
        return self._room.queued()

    def close(self) -> None:
        """Stop every worker; ``run`` fails afterwards."""
        self._closed = True
        self._finalizer()


def open_pool(store_path: Path, *, size: int, memory_mb: int, timeout: float, queue: int,
              shared: bool = False) -> QueryPool | SharedPool:
    """A pool of ``size`` query workers over ``store_path``: this process's own, or (``shared``) the one every
    web worker of this server uses (``kg.query.shared``)."""
    if shared:
        from kg.query.shared import SharedPool

        return SharedPool(store_path, size=size, memory_mb=memory_mb, timeout=timeout, queue=queue)
    return QueryPool(store_path, size=size, memory_mb=memory_mb, timeout=timeout, queue=queue)


def _kill(worker: _Worker) -> None:
    if worker.process.poll() is None:
        worker.process.kill()
    with contextlib.suppress(subprocess.TimeoutExpired):
        worker.process.wait(timeout=5)
    worker.sock.close()
    if worker.relay is not None and worker.relay is not threading.current_thread():
        worker.relay.join(timeout=2)  # it ends once the worker's stderr closes


def _stop_all(workers: set[_Worker]) -> None:
    for worker in list(workers):
        _kill(worker)
    workers.clear()


def _decode(reply: tuple[int, int, bool, bytes]) -> Answer:
    kind, status, truncated, body = reply
    if kind == OK:
        return Answer(body, truncated)
    if kind == BAD:
        raise BadQuery(body.decode(), status=status)
    if kind == DAMAGED:
        raise DamagedRelease(body.decode())
    if kind == MEMORY:
        raise QueryOutOfMemory(body.decode())
    raise QueryFailed(body.decode())


def _relay(worker: _Worker) -> None:
    """Pass what ``worker`` writes to stderr on to ours, keeping its last lines (ends when the worker does)."""
    stream = worker.process.stderr
    assert stream is not None
    with stream:
        for line in stream:
            worker.said.append(line)
            with contextlib.suppress(OSError, ValueError):
                sys.stderr.write(line.decode("utf-8", "replace"))
                sys.stderr.flush()


def _why_it_died(worker: _Worker, memory_mb: int) -> QueryFailed:
    """What ended ``worker`` during a query: the memory limit (the engine said so), a signal, or an exit."""
    with contextlib.suppress(subprocess.TimeoutExpired):
        worker.process.wait(timeout=5)
    if worker.relay is not None:
        worker.relay.join(timeout=2)  # the last lines it wrote
    if any(_OUT_OF_MEMORY in line for line in worker.said):
        return QueryOutOfMemory(out_of_memory_message(memory_mb))
    code = worker.process.returncode
    if code is not None and code < 0:
        try:
            how = f"killed by {signal.Signals(-code).name}"
        except ValueError:
            how = f"killed by signal {-code}"
    else:
        how = "gone" if code is None else f"exited with status {code}"
    return EngineCrashed(f"the query engine crashed while running this query ({how}); it was restarted and "
                         "the query was not answered")
