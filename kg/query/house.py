"""The house: the process that holds the query workers every web worker of a server shares.

``python -m kg.query.house NAME STARTER STORE SIZE MEMORY_MB TIMEOUT QUEUE``, started by the first
``kg.query.shared.SharedPool`` of a release (that module says how web workers find it, lease it and
talk to it).  It claims the abstract socket ``NAME``, starts a ``kg.query.pool.QueryPool``, then
answers each web worker's connection on a thread of its own: a job's answer bytes, or the kind and
message of what the pool raised; a place held in the waiting room; its workers' process ids.  It
ends when its last lease closes, or when no lease came before its starter died.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import sys
import threading
import time
from pathlib import Path

from kg.errors import BadQuery, Overloaded
from kg.query.execute import Job
from kg.query.pool import QueryPool
from kg.query.shared import CRASHED, NO_PLACE, OVERLOADED, RAISED, TIMEOUT, address, receive, same_user
from kg.query.worker import BAD, DAMAGED, FAILED, MEMORY, OK, send_reply

NO_LEASE_SECONDS = 60.0  # a house no web worker leased in this time (its starter died at once) exits


def _reply_for(exc: Exception) -> tuple[int, int]:
    """(kind, status) of the reply that carries ``exc`` (most specific class first).

    >>> from kg.query.admission import NoPlaceInTime
    >>> _reply_for(Overloaded("every query worker is busy", retry_after=4)) == (OVERLOADED, 4)
    True
    >>> _reply_for(NoPlaceInTime("stayed busy")) == (NO_PLACE, 0), _reply_for(BadQuery("no", status=413))
    (True, (1, 413))
    >>> _reply_for(ValueError("anything else")) == (FAILED, 0)
    True
    """
    if isinstance(exc, BadQuery):
        return BAD, exc.status
    if isinstance(exc, Overloaded):
        return OVERLOADED, exc.retry_after
    for kind in (NO_PLACE, TIMEOUT, MEMORY, CRASHED, DAMAGED, FAILED):
        if isinstance(exc, RAISED[kind]):
            return kind, 0
    return FAILED, 0


class _House:
    """The house's side: a pool, the connections of the web workers, and their leases."""

    def __init__(self, listener: socket.socket, pool: QueryPool, starter: int) -> None:
        self.listener = listener
        self.starter = starter  # the web worker that started it (from its command line: it may be gone already)
        self.pool = pool
        self.leases = 0  # guarded by _lock
        self.leased = threading.Event()
        self._lock = threading.Lock()

    def serve(self) -> None:
        threading.Thread(target=self._unleased, daemon=True, name="peelkg-house-unleased").start()
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return  # the listener was closed: the house is stopping
            if not same_user(conn):
                conn.close()
                continue
            threading.Thread(target=self._connection, args=(conn,), daemon=True, name="peelkg-house").start()

    def _unleased(self) -> None:
        """Stop when no web worker takes a lease: its starter died first (told to stop while it built its
        app), or none came in time."""
        given_up = time.monotonic() + NO_LEASE_SECONDS
        while not self.leased.wait(0.05):
            if os.getppid() != self.starter or time.monotonic() > given_up:
                self.stop()

    def _connection(self, conn: socket.socket) -> None:
        with conn:
            while True:
                try:
                    op, job = receive(conn)
                except (EOFError, OSError):
                    return
                if op == "lease":
                    self._lease(conn)
                    return
                if op == "hold":
                    self._hold(conn)
                    return
                try:
                    if op == "pids":
                        send_reply(conn, OK, json.dumps(self.pool.pids()).encode())
                    elif op == "run" and job is not None:
                        self._run(conn, job)
                    else:
                        return
                except OSError:
                    return  # the web worker went away (its time ran out first): nothing to answer

    def _run(self, conn: socket.socket, job: Job) -> None:
        try:
            answer = self.pool.run(job)
        except Exception as exc:  # every failure is carried over, with its own message (never a traceback)
            kind, status = _reply_for(exc)
            send_reply(conn, kind, str(exc).encode(), status=status)
            return
        send_reply(conn, OK, answer.body, truncated=answer.truncated)

    def _hold(self, conn: socket.socket) -> None:
        try:
            with self.pool.queued():
                send_reply(conn, OK, b"")
                with contextlib.suppress(OSError):
                    conn.recv(1)  # until the web worker closes it: its wait for another's run is over
        except Overloaded as exc:
            with contextlib.suppress(OSError):
                send_reply(conn, OVERLOADED, str(exc).encode(), status=exc.retry_after)

    def _lease(self, conn: socket.socket) -> None:
        with self._lock:
            self.leases += 1
        self.leased.set()
        said_bye = False
        with contextlib.suppress(OSError, EOFError):
            said_bye = receive(conn)[0] == "bye"
        with self._lock:
            self.leases -= 1
            left = self.leases
            if left == 0:
                self._give_up_name()  # at once: a web worker opening the release later starts a new house
        if said_bye:
            with contextlib.suppress(OSError):
                send_reply(conn, OK, b"", status=left)
        if left == 0:
            self.stop()

    def _give_up_name(self) -> None:
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the accept() in progress, which holds the socket open
        self.listener.close()

    def stop(self) -> None:
        self._give_up_name()
        self.pool.close()
        os._exit(0)


def main(argv: list[str]) -> None:
    name, starter, store_path, size, memory_mb, timeout, queue = argv
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the web workers decide when the house stops (their leases)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        listener.bind(address(name))
    except OSError:  # another web worker's house took the name first: that one serves
        sys.exit(0)
    # The name is ours: the workers start, then the house listens (a web worker connecting before then is
    # refused and waits), so a lease means the workers are there.
    pool = QueryPool(Path(store_path), size=int(size), memory_mb=int(memory_mb), timeout=float(timeout),
                     queue=int(queue))
    listener.listen(256)
    _House(listener, pool, int(starter)).serve()


if __name__ == "__main__":
    main(sys.argv[1:])
