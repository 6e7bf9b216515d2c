"""Run the endpoint's checked queries on a remote SPARQL 1.1 server instead of the embedded store.

``peelkg serve --store URL`` serves a ``kg.store.remote.RemoteStore``, whose ``runner`` is one of
these where the embedded store's is the worker pool (``kg.query.service``): queries still pass the
same guard, row cap, cache and time limit; only the engine is elsewhere.  Requests go through the
store's own ``send`` (SPARQLWrapper, POST).  Answers come back in a format pyoxigraph reads (TSV for
SELECT, JSON for ASK, N-Triples for graphs) and are re-written by ``kg.query.execute`` so the
row cap and every output format behave exactly as with the embedded store.

Remote queries are admitted as the embedded store's are: at most ``size`` of them are sent at
once per web worker, at most ``queue`` more wait for a place (``kg.query.admission``; 503 at
once past that), and the wait counts against the time limit, so a request to the store gets
only the seconds its query has left.

The protocol's graph parameters are passed on as ``default-graph-uri``/``named-graph-uri``:
a standard store resolves them among its own graphs.  The store must expose the union of
its named graphs as its default graph, as the embedded store does (Oxigraph:
``--union-default-graph``).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Protocol

import pyoxigraph as ox

from kg.errors import QueryTimeout
from kg.formats import N_TRIPLES, SPARQL_JSON, SPARQL_TSV
from kg.query.admission import WaitingRoom
from kg.query.execute import Answer, Job, _bytes, _cut, job_format, write_triples


class Sender(Protocol):
    """What the runner needs of ``kg.store.remote.RemoteStore``: one raw request."""

    def send(self, query: str, form: str, *, accept: str | None = None,
             default_graphs: Sequence[str] = (), named_graphs: Sequence[str] = (),
             timeout: float | None = None) -> bytes: ...


ACCEPT = {"SELECT": SPARQL_TSV, "ASK": SPARQL_JSON, "CONSTRUCT": N_TRIPLES, "DESCRIBE": N_TRIPLES}


class RemoteRunner:
    """Runs ``kg.query.execute.Job``s on the SPARQL endpoint of ``store`` (``RemoteStore.runner`` makes one),
    at most ``size`` at once and ``queue`` more waiting, each within ``timeout`` seconds from its arrival."""

    def __init__(self, store: Sender, *, timeout: float, size: int = 2, queue: int = 2) -> None:
        self.store = store
        self.timeout = timeout
        self._room: WaitingRoom[int] = WaitingRoom(queue=queue, timeout=timeout,
                                                   what="place for a query to the SPARQL store")
        for ticket in range(max(1, size)):
            self._room.add(ticket)

    def run(self, job: Job) -> Answer:
        """The answer to ``job``: ``Overloaded`` when every place and the waiting room are taken,
        ``QueryTimeout`` past the time limit (the wait for a place included)."""
        fmt = job_format(job)
        deadline = time.monotonic() + self.timeout
        ticket = self._room.take(deadline)
        try:
            body = self._fetch(job, deadline - time.monotonic())
        finally:
            self._room.add(ticket)
        if job.form == "SELECT":
            return _cut(body, job)
        if job.form == "ASK":
            result = ox.parse_query_results(body, format=SPARQL_JSON.results_format)
            return Answer(_bytes(result.serialize(format=fmt.results_format)))
        return write_triples((q.triple for q in ox.parse(body, format=N_TRIPLES.rdf_format)), job)

    def _fetch(self, job: Job, left: float) -> bytes:
        """The store's answer to ``job`` within the ``left`` seconds of its time limit."""
        if left > 0:
            try:
                return self.store.send(
                    job.text, job.form, accept=ACCEPT[job.form].media_type, timeout=left,
                    default_graphs=job.default_graphs or (), named_graphs=job.named_graphs or (),
                )
            except QueryTimeout:
                pass
        raise QueryTimeout(f"the query ran past the {self.timeout:g} s time limit (its wait for a place "
                           "included) and was abandoned; narrow it down (fewer joins, a LIMIT) and try again")

    def queued(self) -> AbstractContextManager[None]:
        """A place in the waiting room, held while the caller waits for the same query run for another."""
        return self._room.queued()

    def close(self) -> None:
        return None
