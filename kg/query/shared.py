"""One set of query workers for every web worker of a server: the web workers' side of the house.

The front end runs several web worker processes and hands each the connections it accepts, often
unevenly (all 8 of 8 to one of them).  With a pool of query workers in each web worker, the busy one
queued its queries behind its own engines while its sibling's engines idled: half the throughput
(docs/decisions/0317-one-set-of-query-workers-per-server.md).  So the web workers share one
``kg.query.pool.QueryPool``, held by a house process (``kg.query.house``), and send it
their jobs over a local socket: the engines, the waiting room and its refusals are the server's,
not a web worker's.

- **Found by name.**  The house listens on a Linux abstract socket named after what it serves (the
  store's real path, the pool's size, memory and time limits, the waiting room, and the server: the
  web workers' parent process), so the web workers of one server find the same house and a second
  server, or other settings, get their own.  The first web worker to open the release starts it; two
  starting at once race for the name, and the loser's house exits.  Both ends check the other's user
  (``SO_PEERCRED``): jobs are pickles, taken only from this server's own user.
- **Held by leases.**  Each ``SharedPool`` keeps a lease connection open; when the last one closes
  (its web worker closed the release, stopped, or died) the house stops its workers and exits, after
  giving up its name, so a web worker opening the release later starts a new one.
- **The same answers.**  Each failure crosses the socket as its kind (timeout, no place in time,
  refused, crashed, out of memory, damaged store, bad query) and is raised again in the web worker as
  the same exception with the same message, so the endpoint answers exactly as with its own pool.
  The time limit is the house's (the wait for a worker counts against it there); the web worker
  waits a little longer only in case the house itself is gone.

Two web workers' pools over one store, as one server's:

>>> import tempfile, pyoxigraph as ox
>>> store_folder = Path(tempfile.mkdtemp()); ox.Store(str(store_folder)).flush()
>>> first, second = (SharedPool(store_folder, size=1, memory_mb=1024, timeout=10, queue=0) for _ in "ab")
>>> first.pids() == second.pids()  # one house, and its one worker serves both
True
>>> second.run(Job("ASK {}", "ASK {}", "ASK", "json", 10)).body
b'{"head":{},"boolean":true}'
>>> first.close(); second.close()
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import json
import os
import pickle
import socket
import struct
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kg.errors import BadQuery, DamagedRelease, EngineCrashed, Overloaded, QueryFailed, QueryOutOfMemory, QueryTimeout
from kg.query.admission import NoPlaceInTime
from kg.query.execute import Answer, Job
from kg.query.worker import BAD, DAMAGED, FAILED, MEMORY, OK, read_exactly, read_reply

# Reply kinds: the worker's (an answer, a bad query, a failure, a damaged store, the memory limit), then one per
# other exception the pool raises.  The status field carries a BAD query's HTTP status, or an OVERLOADED
# refusal's Retry-After seconds.
CRASHED, TIMEOUT, NO_PLACE, OVERLOADED = 5, 6, 7, 8
RAISED: dict[int, type[Exception]] = {
    FAILED: QueryFailed, DAMAGED: DamagedRelease, MEMORY: QueryOutOfMemory, CRASHED: EngineCrashed,
    TIMEOUT: QueryTimeout, NO_PLACE: NoPlaceInTime,
}
_LENGTH = struct.Struct("!I")
_CREDENTIALS = struct.Struct("3i")  # pid, uid, gid (struct ucred)
START_SECONDS = 30.0  # longest a web worker waits for a house it started to listen
_ATTEMPTS = 3  # connections tried for one job when the house is gone (a kept one, then fresh ones)
_GRACE = 10.0  # past the time limit, how long a web worker waits for the house's own answer (it kills and replaces)
# Houses this process started, kept until they exit (and reaped then), whichever pool started them.
_STARTED: list[subprocess.Popen[bytes]] = []
_STARTED_LOCK = threading.Lock()


@atexit.register
def _reap_houses() -> None:
    """At exit, reap the houses this process started that are ending (their last lease was this process's);
    one that other web workers still lease goes on serving them, and is no longer this process's to reap."""
    ends = time.monotonic() + 1.0
    for house in list(_STARTED):
        with contextlib.suppress(subprocess.TimeoutExpired):
            house.wait(timeout=max(0.0, ends - time.monotonic()))
        if house.returncode is None:
            house.returncode = 0  # (not ours to wait for: its Popen would otherwise warn that it still runs)


def house_name(store_path: Path, *, size: int, memory_mb: int, timeout: float, queue: int) -> str:
    """The abstract socket name of the house for this store, these limits and this server.

    >>> a = house_name(Path("/srv/r1/store"), size=2, memory_mb=1024, timeout=10, queue=8)
    >>> a == house_name(Path("/srv/r1/store"), size=2, memory_mb=1024, timeout=10, queue=8)
    True
    >>> a == house_name(Path("/srv/r1/store"), size=2, memory_mb=1024, timeout=30, queue=8)
    False
    """
    served = json.dumps([os.path.realpath(store_path), size, memory_mb, timeout, queue, os.getuid(), os.getppid()])
    return "peelkg-query-" + hashlib.sha256(served.encode()).hexdigest()[:24]


def address(name: str) -> str:
    return "\0" + name


def same_user(sock: socket.socket) -> bool:
    """Whether the process at the other end of ``sock`` runs as this process's user."""
    _pid, uid, _gid = _CREDENTIALS.unpack(sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, _CREDENTIALS.size))
    return bool(uid == os.getuid())


def _send(sock: socket.socket, op: str, job: Job | None = None) -> None:
    data = pickle.dumps((op, job), pickle.HIGHEST_PROTOCOL)
    sock.sendall(_LENGTH.pack(len(data)) + data)


def receive(sock: socket.socket) -> tuple[str, Job | None]:
    (length,) = _LENGTH.unpack(read_exactly(sock, _LENGTH.size, None))
    request: tuple[str, Job | None] = pickle.loads(read_exactly(sock, length, None))  # noqa: S301 - our user (SO_PEERCRED)
    return request


class SharedPool:
    """The ``kg.query.pool.QueryPool`` of this server's house: a ``Runner`` that sends each job there.

    Safe to call from many threads; connections to the house are kept and reused.
    """

    def __init__(self, store_path: Path, *, size: int, memory_mb: int, timeout: float, queue: int = 2) -> None:
        self.store_path = store_path
        self.timeout = timeout
        self._argv = [str(store_path), str(max(1, size)), str(memory_mb), repr(float(timeout)), str(queue)]
        self.name = house_name(store_path, size=max(1, size), memory_mb=memory_mb, timeout=timeout, queue=queue)
        self._lock = threading.Lock()
        self._started: subprocess.Popen[bytes] | None = None  # the house, when this pool started it
        self._closed = False
        self._held = _Connections(self._lease_or_start())
        # A pool collected without close() still gives up its lease (and its house stops when it was the last).
        weakref.finalize(self, self._held.drop)

    def _connect(self) -> socket.socket | None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.connect(address(self.name))
        except (ConnectionRefusedError, FileNotFoundError):
            sock.close()
            return None
        if not same_user(sock):  # someone else holds the name: never send them a job
            sock.close()
            raise QueryFailed("the query workers' socket is held by another user; the query was not run")
        return sock

    def _lease_or_start(self) -> socket.socket:
        """A lease on the house, which is started first when there is none."""
        lease = self._connect()
        if lease is None:
            self._start()
            deadline = time.monotonic() + START_SECONDS
            while (lease := self._connect()) is None:
                assert self._started is not None
                code = self._started.poll()
                if (code is not None and code != 0) or time.monotonic() > deadline:
                    raise QueryFailed("the query workers could not be started"
                                      + (f" (exit status {code})" if code is not None else ""))
                time.sleep(0.02)
            self._started.poll()  # type: ignore[union-attr]  # (reaps it, when it lost the race for the name to another web worker's)
        _send(lease, "lease")
        return lease

    def _start(self) -> None:
        if self._started is not None and self._started.poll() is None:
            return
        # stderr is inherited: the workers' own lines (the memory limit, a crash) reach the server's log.
        self._started = subprocess.Popen(
            [sys.executable, "-m", "kg.query.house", self.name, str(os.getpid()), *self._argv],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        )
        with _STARTED_LOCK:  # a house may outlive the pool that started it (other web workers hold leases)
            _STARTED[:] = [house for house in _STARTED if house.poll() is None]
            _STARTED.append(self._started)

    def _open(self, *, reuse: bool = True) -> tuple[socket.socket, bool]:
        """An idle connection to the house (and True), or a new one (the house is started again if it is gone)."""
        with self._lock:
            if self._held.idle and reuse:
                return self._held.idle.pop(), True
            if self._closed:
                raise QueryFailed("the query service is shutting down")
            sock = self._connect()
            if sock is None:  # the house is gone (it should not be, while this pool holds a lease): a new one
                self._held.lease.close()
                self._held.lease = self._lease_or_start()
                sock = self._connect()
            if sock is None:
                raise QueryFailed("the query workers are not running; the query was not run")
            return sock, False

    def _give_back(self, sock: socket.socket) -> None:
        with self._lock:
            if self._closed:
                sock.close()
            else:
                self._held.idle.append(sock)

    def _ask(self, op: str, job: Job | None, wait: float) -> tuple[int, int, bool, bytes]:
        deadline = time.monotonic() + wait
        sock, _ = self._open()
        for attempt in range(1, _ATTEMPTS + 1):
            try:
                _send(sock, op, job)
                reply = read_reply(sock, deadline=deadline)
            except TimeoutError:
                sock.close()
                raise QueryTimeout.stopped(self.timeout) from None
            except (EOFError, OSError):
                # The house is gone (its workers die with it; a query never ends it), or was dying when this
                # connection reached it: the kept connections lead to it too. The job is sent again, to the
                # house that a fresh connection finds or starts.
                sock.close()
                self._forget_idle()
                if attempt == _ATTEMPTS:
                    raise QueryFailed("the query workers stopped while running this query; it was not "
                                      "answered") from None
                time.sleep(0.05 * attempt)  # (a dying house keeps its name until its last thread has ended)
                sock, _ = self._open(reuse=False)
                continue
            self._give_back(sock)
            return reply
        raise AssertionError("unreachable")

    def _forget_idle(self) -> None:
        with self._lock:
            idle, self._held.idle = self._held.idle, []
        for sock in idle:
            sock.close()

    def run(self, job: Job) -> Answer:
        """The answer to ``job`` from the house's pool: as ``QueryPool.run``, the same exceptions."""
        return _decode(self._ask("run", job, self.timeout + _GRACE))

    @contextmanager
    def queued(self) -> Iterator[None]:
        """A place in the house's waiting room, held until the block ends (``Overloaded`` when it is full)."""
        sock, _ = self._open(reuse=False)
        with sock:  # closed when the block ends: the house sees it and frees the place
            try:
                _send(sock, "hold")
                reply = read_reply(sock, deadline=time.monotonic() + _GRACE)
            except (EOFError, OSError, TimeoutError):
                raise QueryFailed("the query workers stopped; the query was not answered") from None
            _decode(reply)  # Overloaded when the room is full
            yield  # (what the caller's block raises, a TimeoutError included, is its own)

    def pids(self) -> list[int]:
        """Process ids of the house's query workers (for monitoring and tests)."""
        pids: list[int] = json.loads(self._ask("pids", None, _GRACE)[3])
        return pids

    def close(self) -> None:
        """Give up this pool's lease; the house stops its workers and exits when no lease is left."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            idle, self._held.idle = self._held.idle, []
        for sock in idle:
            sock.close()
        lease = self._held.lease
        with contextlib.suppress(OSError, EOFError, TimeoutError):
            _send(lease, "bye")
            left = read_reply(lease, deadline=time.monotonic() + _GRACE)[1]
            if left == 0 and self._started is not None:  # the last lease: wait for the house we started
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self._started.wait(timeout=_GRACE)
        self._held.drop()


class _Connections:
    """A pool's lease and its idle connections: what closing (or collecting) the pool closes."""

    def __init__(self, lease: socket.socket) -> None:
        self.lease = lease
        self.idle: list[socket.socket] = []

    def drop(self) -> None:
        for sock in (self.lease, *self.idle):
            sock.close()
        self.idle = []


def _decode(reply: tuple[int, int, bool, bytes]) -> Answer:
    kind, status, truncated, body = reply
    if kind == OK:
        return Answer(body, truncated)
    message = body.decode()
    if kind == BAD:
        raise BadQuery(message, status=status)
    if kind == OVERLOADED:
        raise Overloaded(message, retry_after=status)
    raise RAISED.get(kind, QueryFailed)(message)
