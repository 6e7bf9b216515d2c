"""The path of every query the endpoint answers: check → cap → cache → the store's runner.

One ``QueryService`` per web worker process serves one release: the SPARQL endpoint, the
canned queries and ``peelkg query`` all go through it, over whichever store serves the release
(``kg.store.interface``: its ``runner`` is the worker pool of the embedded store, or the remote
endpoint), so every query gets the same limits, the same row cap and
the same time limit.  Answers are cached by (release id, query text, dataset, format, row
cap): a release never changes while served, so a repeated query costs a dictionary lookup.
A query that misses the cache is admitted first: its client must have query seconds left
for the minute (``kg.query.budget``; 429), and a worker or a place in the pool's waiting room
must be free (``kg.query.admission``, in front of the worker pool or the remote store; 503 at once
otherwise).  Identical queries that miss the cache at the same time run once: the later ones wait
for the first one's answer (a burst of one popular query takes one worker, not all of them), each holding
a place in the waiting room meanwhile, so a burst larger than the room is refused as any other.

>>> import tempfile, pyoxigraph as ox
>>> from pathlib import Path
>>> from kg.store.local import LocalStore
>>> folder = Path(tempfile.mkdtemp())
>>> ox.Store(str(folder)).flush()
>>> service = QueryService(LocalStore(folder), "r1", limits=Limits(), max_rows=10, timeout=10, workers=1,
...                        memory_mb=1024, cache_bytes=1 << 20, budget_seconds=30)
>>> info = service.check("ASK { ?s ?p ?o }")
>>> service.answer("ASK { ?s ?p ?o }", info, "json").body
b'{"head":{},"boolean":false}'
>>> service.close()
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass

from kg.errors import BadQuery, QueryTimeout
from kg.formats import SPARQL_CSV
from kg.query.admission import NoPlaceInTime
from kg.query.budget import QueryBudget
from kg.query.cache import ResultCache
from kg.query.csv_cells import neutralise_csv
from kg.query.execute import Answer, Job
from kg.query.guard import Limits, QueryInfo, capped, check
from kg.store.interface import Runner, Store


@dataclass(frozen=True)
class Dataset:
    """An RDF dataset named by the protocol's ``default-graph-uri`` and ``named-graph-uri``."""

    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Checked:
    """The guard's verdict on one text, as the answer cache keeps it: what the scan found, or why it refused."""

    info: QueryInfo | None
    refusal: str = ""
    status: int = 400

    def verdict(self) -> QueryInfo:
        if self.info is None:
            raise BadQuery(self.refusal, status=self.status)
        return self.info

    def __len__(self) -> int:
        return 256 + len(self.refusal)  # the scan's fields (a few ints, SERVICE names) and the message


class QueryService:
    """Checked, capped, cached and time-limited queries over ``store`` (its runner is closed by :meth:`close`)."""

    def __init__(self, store: Store, release_id: str, *, limits: Limits, max_rows: int, timeout: float,
                 workers: int, memory_mb: int, cache_bytes: int, queue: int = 2,
                 budget_seconds: float = 0.0, in_process: bool = False, shared: bool = False) -> None:
        self.release_id = release_id
        self.limits = limits
        self.max_rows = max_rows
        self.timeout = timeout
        # in_process: jobs run in this process, without the workers' time and memory limits (the command line);
        # shared: the workers are the server's, shared by its web workers (kg.query.shared)
        self.pool: Runner = store.runner(workers=workers, memory_mb=memory_mb, timeout=timeout, queue=queue,
                                         in_process=in_process, shared=shared)
        self.budget = QueryBudget(seconds=budget_seconds)
        self.cache: ResultCache[Answer | _Checked] | None = ResultCache(cache_bytes) if cache_bytes > 0 else None
        self._running: dict[tuple[object, ...], Future[Answer]] = {}  # cache keys of the queries running now
        self._running_lock = threading.Lock()

    def check(self, text: str) -> QueryInfo:
        """What ``kg.query.guard.check`` says of ``text`` under this service's limits (``BadQuery``
        for a refused text).

        The verdict is a function of the exact text and the limits, which are fixed for the
        service, so it is kept in the answer cache beside the answers (its key counts the text
        in the same budget): a repeated query skips the lexical scan, which costs more than the
        rest of a cached answer's path (0.5–2.5 ms for the canned queries).  With the cache off
        every text is scanned.
        """
        if self.cache is None:
            return check(text, self.limits)
        key = (self.release_id, "check", text)
        found = self.cache.get(key)
        if isinstance(found, _Checked):
            return found.verdict()
        try:
            info = check(text, self.limits)
        except BadQuery as exc:
            self.cache.put(key, _Checked(None, str(exc), exc.status))
            raise
        self.cache.put(key, _Checked(info))
        return info

    def answer(self, text: str, info: QueryInfo, fmt: str, dataset: Dataset | None = None, *,
               client: str = "") -> Answer:
        """The answer to the checked query ``text`` in format ``fmt`` (a ``kg.query.execute`` key),
        its engine time counted against ``client``'s budget.

        Raises ``BadQuery`` (the engine rejects it), ``QueryTimeout``, ``QueryFailed``,
        ``OverBudget`` (the client spent its query seconds), ``Overloaded`` (no worker free).
        """
        assert info.form is not None, "check() refuses texts with no query form"
        run_text, count = capped(text, info, self.max_rows)
        job = Job(run_text, text, info.form, fmt, self.max_rows, count, info.dataset_clause,
                  dataset.default_graphs if dataset else None, dataset.named_graphs if dataset else None)
        key = (self.release_id, *job.key)
        if self.cache is None:  # no cache, no sharing: every query runs (what the benchmarks time)
            self.budget.admit(client)
            return self._run(job, client)
        cached = self.cache.get(key)
        if isinstance(cached, Answer):
            return cached
        self.budget.admit(client)  # before sharing: a client over its budget waits for no one's answer
        with self._running_lock:  # (an answer is kept and its query leaves the running under this lock)
            cached = self.cache.get(key)
            if isinstance(cached, Answer):
                return cached
            running = self._running.get(key)
            if running is None:
                mine: Future[Answer] = Future()
                self._running[key] = mine
        if running is not None:
            with self.pool.queued():  # it waits as a query in the waiting room would, and counts as one
                try:
                    return running.result(timeout=self.timeout)  # or its exception, if it failed
                except TimeoutError:
                    raise QueryTimeout.stopped(self.timeout) from None
        try:
            answer = self._run(job, client)
        except BaseException as exc:
            with self._running_lock:
                del self._running[key]
            mine.set_exception(exc)
            raise
        with self._running_lock:
            self.cache.put(key, answer)
            del self._running[key]
        mine.set_result(answer)
        return answer

    def _run(self, job: Job, client: str) -> Answer:
        """``job``'s answer from the runner, its engine time charged to ``client``."""
        started = time.monotonic()
        try:
            answer = self.pool.run(job)
        except NoPlaceInTime:
            raise  # it waited for a worker and never ran: no engine time to charge
        except QueryTimeout:
            self.budget.charge(client, self.timeout)
            raise
        self.budget.charge(client, time.monotonic() - started)
        if job.fmt == SPARQL_CSV.key:  # every CSV it gives is defused once, before it is kept (kg.query.csv_cells)
            answer = Answer(neutralise_csv(answer.body), answer.truncated)
        return answer

    def complete(self, text: str, info: QueryInfo, fmt: str, dataset: Dataset | None = None, *,
                 client: str = "") -> Answer:
        """:meth:`answer`, refused with ``BadQuery`` (400) when it would have to be cut at ``max_rows``.

        What a program gets: a whole answer or a 400 naming the cap, never a cut one that its
        client would pass on as complete (``docs/decisions/0308-refuse-cut-answers.md``).
        """
        answer = self.answer(text, info, fmt, dataset, client=client)
        if answer.truncated:
            raise BadQuery(too_many_rows(self.max_rows))
        return answer

    def close(self) -> None:
        self.pool.close()


def too_many_rows(max_rows: int) -> str:
    """Why an answer over the cap is refused, and what to do instead.

    >>> too_many_rows(10).split(";")[0]
    'the answer has more than 10 rows (or triples), the most this endpoint sends (max_rows)'
    """
    return (f"the answer has more than {max_rows} rows (or triples), the most this endpoint sends (max_rows); "
            f"it is refused rather than sent cut short: add LIMIT {max_rows} or less to the query "
            "(ORDER BY and OFFSET page through the rest), or use the dumps at /download/")
