"""Run the endpoint's checked queries on a remote SPARQL 1.1 server instead of the embedded store.

``peelkg serve --store URL`` serves a ``kg.store.remote.RemoteStore``, whose ``runner`` is one of
these where the embedded store's is the worker pool (``kg.query.service``): queries still pass the
same guard, row cap, cache and time limit; only the engine is elsewhere.  Requests go through the
store's own ``send`` (SPARQLWrapper, POST).  Answers come back in a format pyoxigraph reads (TSV for
SELECT, JSON for ASK, N-Triples for graphs) and are re-written by ``kg.query.execute`` so the
row cap and every output format behave exactly as with the embedded store.

The protocol's graph parameters are passed on as ``default-graph-uri``/``named-graph-uri``:
a standard store resolves them among its own graphs.  The store must expose the union of
its named graphs as its default graph, as the embedded store does (Oxigraph:
``--union-default-graph``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import pyoxigraph as ox

from kg.formats import N_TRIPLES, SPARQL_JSON, SPARQL_TSV
from kg.query.execute import Answer, Job, _bytes, _cut, job_format, write_triples


class Sender(Protocol):
    """What the runner needs of ``kg.store.remote.RemoteStore``: one raw request."""

    def send(self, query: str, form: str, *, accept: str | None = None,
             default_graphs: Sequence[str] = (), named_graphs: Sequence[str] = ()) -> bytes: ...


ACCEPT = {"SELECT": SPARQL_TSV, "ASK": SPARQL_JSON, "CONSTRUCT": N_TRIPLES, "DESCRIBE": N_TRIPLES}


class RemoteRunner:
    """Runs ``kg.query.execute.Job``s on the SPARQL endpoint of ``store`` (``RemoteStore.runner`` makes one)."""

    def __init__(self, store: Sender) -> None:
        self.store = store

    def run(self, job: Job) -> Answer:
        fmt = job_format(job)
        body = self._fetch(job)
        if job.form == "SELECT":
            return _cut(body, job)
        if job.form == "ASK":
            result = ox.parse_query_results(body, format=SPARQL_JSON.results_format)
            return Answer(_bytes(result.serialize(format=fmt.results_format)))
        return write_triples((q.triple for q in ox.parse(body, format=N_TRIPLES.rdf_format)), job)

    def _fetch(self, job: Job) -> bytes:
        return self.store.send(
            job.text, job.form, accept=ACCEPT[job.form].media_type,
            default_graphs=job.default_graphs or (), named_graphs=job.named_graphs or (),
        )

    def close(self) -> None:
        return None
