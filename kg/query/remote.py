"""Run the endpoint's checked queries on a remote SPARQL 1.1 server instead of the embedded store.

``peelkg serve --store URL`` puts one of these where the worker pool would be
(``kg.query.service``): queries still pass the same guard, row cap, cache and time limit;
only the engine is elsewhere.  Requests go through
``kg.store.remote.RemoteStore.send`` (SPARQLWrapper, POST).  Answers come back in a format pyoxigraph reads (TSV for
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
from itertools import islice

import pyoxigraph as ox

from kg.errors import BadQuery, QueryTimeout
from kg.query.admission import WaitingRoom
from kg.query.execute import GRAPH_FORMATS, RESULT_FORMATS, Answer, Job, _bytes, _cut, _prefixes
from kg.store.remote import RemoteStore

ACCEPT = {
    "SELECT": "text/tab-separated-values",
    "ASK": "application/sparql-results+json",
    "CONSTRUCT": "application/n-triples",
    "DESCRIBE": "application/n-triples",
}


class RemoteRunner:
    """Runs ``kg.query.execute.Job``s on the SPARQL endpoint at ``endpoint``, at most ``size`` at once
    and ``queue`` more waiting, each within ``timeout`` seconds from its arrival."""

    def __init__(self, endpoint: str, *, timeout: float, size: int = 2, queue: int = 2) -> None:
        self.store = RemoteStore(endpoint, timeout=timeout)
        self.timeout = timeout
        self._room: WaitingRoom[int] = WaitingRoom(queue=queue, timeout=timeout,
                                                   what="place for a query to the SPARQL store")
        for ticket in range(max(1, size)):
            self._room.add(ticket)

    def run(self, job: Job) -> Answer:
        """The answer to ``job``: ``Overloaded`` when every place and the waiting room are taken,
        ``QueryTimeout`` past the time limit (the wait for a place included)."""
        fmt_ok = job.fmt in (GRAPH_FORMATS if job.form in ("CONSTRUCT", "DESCRIBE") else RESULT_FORMATS)
        if not fmt_ok:
            raise BadQuery(f"format {job.fmt!r} does not fit a {job.form} query")
        deadline = time.monotonic() + self.timeout
        ticket = self._room.take(deadline)
        try:
            body = self._fetch(job, deadline - time.monotonic())
        finally:
            self._room.add(ticket)
        if job.form == "SELECT":
            return _cut(body, job)
        if job.form == "ASK":
            result = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
            return Answer(_bytes(result.serialize(format=RESULT_FORMATS[job.fmt])))
        triples = list(islice((q.triple for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)), job.max_rows + 1))
        text = ox.serialize(triples[: job.max_rows], format=GRAPH_FORMATS[job.fmt], prefixes=_prefixes(job.fmt))
        return Answer(_bytes(text), truncated=len(triples) > job.max_rows)

    def _fetch(self, job: Job, left: float) -> bytes:
        """The store's answer to ``job`` within the ``left`` seconds of its time limit."""
        if left > 0:
            try:
                return self.store.send(
                    job.text, job.form, accept=ACCEPT[job.form], timeout=left,
                    default_graphs=job.default_graphs or (), named_graphs=job.named_graphs or (),
                )
            except QueryTimeout:
                pass
        raise QueryTimeout(f"the query ran past the {self.timeout:g} s time limit (its wait for a place "
                           "included) and was abandoned; narrow it down (fewer joins, a LIMIT) and try again")

    def close(self) -> None:
        return None
