"""A query worker process: ``python -m kg.query.worker FD STORE MEMORY_MB``.

Started by ``kg.query.pool`` as a fresh interpreter (no fork of a threaded web process, no
re-import of the server's main script).  It cuts itself off from the network
(``kg.query.isolation``: no ``SERVICE`` can reach anything, whatever the guard let
through), limits its own address space, opens the store read-only, then answers jobs from
the connection on file descriptor ``FD`` until it closes.  A worker that could not be
isolated answers every job with a failure instead of running it.
Replies are ``("ok", Answer)``, ``("bad", status, message)`` or ``("failed", message)``;
no reply carries a traceback or an engine message that could name a file.
"""

from __future__ import annotations

import resource
import signal
import socket
import sys
from multiprocessing.connection import Connection
from typing import Any

import pyoxigraph as ox

from kg.errors import BadQuery
from kg.query.execute import execute
from kg.query.isolation import isolate

NOT_ISOLATED = "this query worker could not be cut off from the network, so it runs no queries"


class _NotIsolated(Exception):
    """This worker runs no queries: it could not be cut off from the network."""


def limit_memory(memory_mb: int) -> None:
    """Cap this process's address space at ``memory_mb`` MiB (``RLIMIT_AS``)."""
    limit = memory_mb * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def serve(conn: Connection, store_path: str, memory_mb: int) -> None:
    """Open the store, then answer jobs until the connection closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the web process decides when workers stop
    isolated = bool(isolate())
    if not isolated:
        print(f"peelkg query worker: {NOT_ISOLATED}", file=sys.stderr, flush=True)
    limit_memory(memory_mb)
    try:
        store: ox.Store | None = ox.Store.read_only(store_path)
    except OSError:
        store = None
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        reply: tuple[Any, ...]
        try:
            if not isolated:
                raise _NotIsolated(NOT_ISOLATED)
            if store is None:  # (not "if not store": an empty store is falsy)
                raise OSError("no store")
            reply = ("ok", execute(store, job))
        except _NotIsolated:
            reply = ("failed", NOT_ISOLATED)
        except OSError:
            reply = ("failed", _os_error_message(job))
        except BadQuery as exc:
            reply = ("bad", exc.status, str(exc))
        except MemoryError:
            reply = ("failed", "the query needed more memory than a query may use")
        except Exception:  # an engine error: its text may name files, so it is not passed on
            reply = ("failed", "the query engine could not evaluate this query")
        try:
            conn.send(reply)
        except (OSError, ValueError):
            return


def _os_error_message(job: Any) -> str:
    """What an ``OSError`` from the engine means: a SERVICE call refused by the isolation, or a store fault."""
    if "SERVICE" in getattr(job, "text", "").upper():
        return "a SERVICE call failed: query workers have no network access, so no SERVICE can succeed here"
    return "the release's store cannot be opened or read"


def main(argv: list[str]) -> None:
    fd, store_path, memory_mb = int(argv[0]), argv[1], int(argv[2])
    sock = socket.socket(fileno=fd)
    serve(Connection(sock.detach()), store_path, memory_mb)


if __name__ == "__main__":
    main(sys.argv[1:])
