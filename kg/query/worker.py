"""A query worker process: ``python -m kg.query.worker FD STORE MEMORY_MB``.

Started by ``kg.query.pool`` as a fresh interpreter (no fork of a threaded web process, no
re-import of the server's main script).  It cuts itself off from the network
(``kg.query.isolation``: no ``SERVICE`` can reach anything, whatever the guard let
through), limits its own address space, opens the store read-only, then answers jobs from
the connection on file descriptor ``FD`` until it closes.  A worker that could not be
isolated answers every job with a failure instead of running it.
A reply is an answer (``OK``), a query the engine refused (``BAD``, with its status), a damaged
store (``DAMAGED``: its files cannot be opened or read, corrupted, truncated or missing), a
query over the memory limit (``MEMORY``) or any other failure (``FAILED``).  No reply carries a
traceback or an engine message that could name a file.

The wire (one socket pair per worker, one job at a time): a job is a length-prefixed pickle (it
comes from the web process that started the worker); a reply is an 8-byte header (kind, HTTP
status, truncated, length) followed by its body.  The body of an answer is the bytes the engine's
writer produced, sent as they are (never pickled), so the answer is copied once into the socket
and once out of it, and the web process only wraps it
(docs/decisions/0314-admission-for-every-engine-and-bytes-on-the-wire.md).

>>> a, b = socket.socketpair()
>>> send_reply(a, OK, b"12345", truncated=True); read_reply(b, deadline=None)
(0, 0, True, b'12345')
>>> a.close(); b.close()
"""

from __future__ import annotations

import pickle
import resource
import signal
import socket
import struct
import sys
import time
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.errors import BadQuery, DamagedRelease, damaged_store, reports_damage
from kg.query.execute import Job, execute
from kg.query.isolation import isolate

NOT_ISOLATED = "this query worker could not be cut off from the network, so it runs no queries"
ENGINE_ERROR = "the query engine could not evaluate this query"
# Reply kinds: an answer, a query the engine refused (with its status), a failure, a damaged store, the memory limit.
OK, BAD, FAILED, DAMAGED, MEMORY = 0, 1, 2, 3, 4
_LENGTH = struct.Struct("!I")
_REPLY = struct.Struct("!BHBI")  # kind, status, truncated, body length


def send_job(sock: socket.socket, job: Job) -> None:
    """Write ``job`` to a worker."""
    data = pickle.dumps(job, pickle.HIGHEST_PROTOCOL)
    sock.sendall(_LENGTH.pack(len(data)) + data)


def read_job(sock: socket.socket) -> Job:
    """The next job from the pool; ``EOFError`` when the pool closed the connection."""
    (length,) = _LENGTH.unpack(read_exactly(sock, _LENGTH.size, None))
    job: Job = pickle.loads(read_exactly(sock, length, None))  # noqa: S301 - written by the process that started us
    return job


def send_reply(sock: socket.socket, kind: int, body: bytes, *, status: int = 0, truncated: bool = False) -> None:
    """Write one reply: its header and ``body`` in one system call where the socket takes it whole."""
    header = _REPLY.pack(kind, status, truncated, len(body))
    sent = sock.sendmsg([header, body])
    if sent < len(header) + len(body):  # rare: the socket took part of a large answer
        sock.sendall(memoryview(header + body)[sent:])


def read_reply(sock: socket.socket, *, deadline: float | None) -> tuple[int, int, bool, bytes]:
    """(kind, status, truncated, body) of the worker's reply; ``TimeoutError`` past ``deadline``
    (a ``time.monotonic()`` value; None: wait as long as it takes), ``EOFError`` if the worker died."""
    kind, status, truncated, length = _REPLY.unpack(read_exactly(sock, _REPLY.size, deadline))
    return kind, status, bool(truncated), read_exactly(sock, length, deadline)


def read_exactly(sock: socket.socket, size: int, deadline: float | None) -> bytes:
    """Exactly ``size`` bytes (usually one ``recv``)."""
    parts, left = [], size
    while left:
        if deadline is not None:
            wait = deadline - time.monotonic()
            if wait <= 0:
                raise TimeoutError
            sock.settimeout(wait)
        part = sock.recv(left)
        if not part:
            raise EOFError
        parts.append(part)
        left -= len(part)
    return parts[0] if len(parts) == 1 else b"".join(parts)


class _NotIsolated(Exception):
    """This worker runs no queries: it could not be cut off from the network."""


def limit_memory(memory_mb: int) -> None:
    """Cap this process's address space at ``memory_mb`` MiB (``RLIMIT_AS``)."""
    limit = memory_mb * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def serve(sock: socket.socket, store_path: str, memory_mb: int) -> None:
    """Open the store, then answer jobs until the connection closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the web process decides when workers stop
    isolated = bool(isolate())
    if not isolated:
        print(f"peelkg query worker: {NOT_ISOLATED}", file=sys.stderr, flush=True)
    limit_memory(memory_mb)
    damaged: DamagedRelease | None = None  # why the store cannot be opened
    try:
        store: ox.Store | None = ox.Store.read_only(store_path)
    except (OSError, RuntimeError) as exc:  # RocksDB reports a damaged store as a RuntimeError ("Corruption: …")
        store, damaged = None, damaged_store(Path(store_path), exc)
    while True:
        try:
            job = read_job(sock)
        except (EOFError, OSError):
            return
        kind, status, truncated, body = FAILED, 0, False, b""
        try:
            if not isolated:
                raise _NotIsolated(NOT_ISOLATED)
            if store is None:  # (not "if not store": an empty store is falsy)
                raise damaged or DamagedRelease("the release's store cannot be opened")
            answer = execute(store, job)
            kind, truncated, body = OK, answer.truncated, answer.body
        except _NotIsolated:
            body = NOT_ISOLATED.encode()
        except DamagedRelease as exc:
            kind, body = DAMAGED, str(exc).encode()
        except BadQuery as exc:
            kind, status, body = BAD, exc.status, str(exc).encode()
        except MemoryError:
            kind, body = MEMORY, out_of_memory_message(memory_mb).encode()
        except (OSError, RuntimeError) as exc:  # the engine's I/O and storage errors
            if reports_damage(exc):
                kind, body = DAMAGED, str(damaged_store(Path(store_path), exc)).encode()
            else:
                body = (_os_error_message(job) if isinstance(exc, OSError) else ENGINE_ERROR).encode()
        except Exception:  # an engine error: its text may name files, so it is not passed on
            body = ENGINE_ERROR.encode()
        try:
            send_reply(sock, kind, body, status=status, truncated=truncated)
        except OSError:
            return


def out_of_memory_message(memory_mb: int) -> str:
    """What a query over the memory limit is told (``memory_mb``: the ``query_memory_mb`` setting).

    >>> out_of_memory_message(768).split(";")[0]
    'the query needed more memory than a query may use (768 MiB, the query_memory_mb setting) and was stopped'
    """
    return (f"the query needed more memory than a query may use ({memory_mb} MiB, the query_memory_mb setting) "
            "and was stopped; narrow it down (fewer joins, no ORDER BY over everything, a LIMIT) and try again")


def _os_error_message(job: Any) -> str:
    """What an ``OSError`` from the engine means: a SERVICE call refused by the isolation, or a store fault."""
    if "SERVICE" in getattr(job, "text", "").upper():
        return "a SERVICE call failed: query workers have no network access, so no SERVICE can succeed here"
    return "the release's store cannot be opened or read"


def main(argv: list[str]) -> None:
    fd, store_path, memory_mb = int(argv[0]), argv[1], int(argv[2])
    serve(socket.socket(fileno=fd), store_path, memory_mb)


if __name__ == "__main__":
    main(sys.argv[1:])
