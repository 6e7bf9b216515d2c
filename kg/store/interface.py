"""The one Store interface: what pages, ``/sparql``, canned queries and ``peelkg query`` read through.

Two backends implement it, local and remote alike: the release's embedded pyoxigraph store
(``kg.store.local.LocalStore``) and a SPARQL 1.1 service (``kg.store.remote.RemoteStore``).

- ``query``/``select``/``ask``/``construct``: values as rdflib terms, for code that reads the
  data (pages, analytics, reconciliation).  ``bindings`` are values for variables, never
  pasted into the query text.  The default graph is the union of the named graphs.
- ``runner``: the engine behind ``kg.query.service.QueryService`` (the endpoint, canned queries,
  ``peelkg query``), which runs checked, capped jobs and serialises their answers with
  ``kg.query.execute``'s writers.  The embedded store's runner is a pool of worker processes
  over its files (or, for the command line, this process); the remote store's runner sends the job
  to the same endpoint through the same connection settings.  Whoever asks for a runner closes it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol

from rdflib import Graph

from kg.query.execute import Answer, Job
from kg.sparql.binding import Term


@dataclass(frozen=True)
class SelectResult:
    variables: list[str]
    rows: list[dict[str, Term]]

    def __iter__(self) -> Iterator[dict[str, Term]]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


QueryOutcome = SelectResult | bool | Graph


class Runner(Protocol):
    """Runs the endpoint's jobs: ``kg.query.execute.Job`` in, serialised ``Answer`` out."""

    def run(self, job: Job) -> Answer: ...

    def queued(self) -> AbstractContextManager[None]:
        """A place in the runner's waiting room, held while a caller waits for another caller's run of the
        same query (``Overloaded`` when the room is full)."""
        ...

    def close(self) -> None: ...


class Store(Protocol):
    """What every backend offers."""

    def query(self, query: str, bindings: Mapping[str, Term] | None = None) -> QueryOutcome: ...

    def select(self, query: str, bindings: Mapping[str, Term] | None = None, *,
               values: Mapping[str, Sequence[Term]] | None = None) -> SelectResult:
        """Rows of a SELECT query; ``values`` gives a variable many values at once (a ``VALUES`` block built from
        the terms, never from text), ``bindings`` one each."""
        ...

    def ask(self, query: str, bindings: Mapping[str, Term] | None = None) -> bool: ...

    def construct(self, query: str, bindings: Mapping[str, Term] | None = None) -> Graph: ...

    def runner(self, *, workers: int, memory_mb: int, timeout: float, queue: int,
               in_process: bool = False, shared: bool = False) -> Runner:
        """The engine for checked jobs over this store (``workers`` processes, each limited to ``memory_mb``
        and ``timeout`` seconds a job, ``queue`` jobs waiting; ``in_process``: in this process, with no limit
        of its own, for the command line; ``shared``: the processes are the server's, shared by its web
        workers, where the backend has processes of its own), to be closed by the caller."""
        ...

    def close(self) -> None: ...


__all__ = ["QueryOutcome", "Runner", "SelectResult", "Store", "Term"]
