"""The waiting room in front of whatever runs queries: a fixed number of places and a bounded queue.

A place is what one running query holds: a query worker process (``kg.query.pool``) or a
ticket for one request to a remote SPARQL store (``kg.query.remote``).  ``take`` gives a free
place at once; when every place is taken, at most ``queue`` callers wait for one, each until
its own deadline (set when its query arrived, so the wait counts against the query's time
limit) and then ``QueryTimeout``.  One caller more is refused at once with ``Overloaded``, whose
``retry_after`` is the seconds until the first running query must end (at least 1)
(docs/decisions/0307-query-admission.md).

>>> import time
>>> room = WaitingRoom(queue=0, timeout=10, what="query worker")
>>> room.add("w1")
>>> room.take(time.monotonic() + 10)
'w1'
>>> room.take(time.monotonic() + 10)
Traceback (most recent call last):
...
kg.errors.Overloaded: every query worker is busy and 0 queries are waiting; try again in 10 s
>>> room.add("w1")  # its query ended: the place is free again
>>> room.take(time.monotonic() + 10)
'w1'
"""

from __future__ import annotations

import math
import queue as _queue
import threading
import time
from collections.abc import Hashable, Iterator
from contextlib import contextmanager
from typing import Generic, TypeVar

from kg.errors import Overloaded, QueryTimeout

P = TypeVar("P", bound=Hashable)


class NoPlaceInTime(QueryTimeout):
    """The query's time limit passed while it waited for a place: it never ran, so it cost no engine time."""


class WaitingRoom(Generic[P]):
    """Free places, the deadlines of the taken ones, and at most ``queue`` callers waiting.

    Thread-safe.  ``what`` names one place in the refusals ("query worker").
    """

    def __init__(self, *, queue: int, timeout: float, what: str) -> None:
        self.queue = queue
        self.timeout = timeout
        self.what = what
        self._free: _queue.Queue[P] = _queue.Queue()
        self._waiting = 0  # guarded by _lock
        self._deadlines: dict[P, float] = {}  # taken place → its query's deadline; guarded by _lock
        self._lock = threading.Lock()

    @property
    def waiting(self) -> int:
        """Callers waiting for a place now."""
        with self._lock:
            return self._waiting

    def add(self, place: P) -> None:
        """``place`` is free: new, or given back when its query ended."""
        self.forget(place)
        self._free.put(place)

    def forget(self, place: P) -> None:
        """``place``'s query ended and the place is not given back (it is being replaced)."""
        with self._lock:
            self._deadlines.pop(place, None)

    def take(self, deadline: float) -> P:
        """A free place, held until ``add`` or ``forget``; its query must end by ``deadline``.

        Raises ``Overloaded`` at once when the queue is full, ``NoPlaceInTime`` (a ``QueryTimeout``)
        when no place came free before ``deadline``.
        """
        place = self._free_or_wait(deadline)
        with self._lock:
            self._deadlines[place] = deadline
        return place

    @contextmanager
    def queued(self) -> Iterator[None]:
        """Hold one of the queue's places while the caller waits for something other than a place: the
        answer of the same query, already running for another caller (``kg.query.service``).  So every
        waiting query counts against ``queue``, and ``Overloaded`` is raised at once when it is full."""
        self._enter_queue()
        try:
            yield
        finally:
            with self._lock:
                self._waiting -= 1

    def _enter_queue(self) -> None:
        with self._lock:
            if self._waiting >= self.queue:
                now = time.monotonic()
                free = min(self._deadlines.values(), default=now + self.timeout) - now
                retry = max(1, math.ceil(free))
                raise Overloaded(f"every {self.what} is busy and {self.queue} queries are waiting; "
                                 f"try again in {retry} s", retry_after=retry)
            self._waiting += 1

    def _free_or_wait(self, deadline: float) -> P:
        try:
            return self._free.get_nowait()
        except _queue.Empty:
            pass
        self._enter_queue()
        try:
            return self._free.get(timeout=max(0.0, deadline - time.monotonic()))
        except _queue.Empty:
            raise NoPlaceInTime(f"every {self.what} stayed busy for {self.timeout:g} s; "
                                "try again shortly") from None
        finally:
            with self._lock:
                self._waiting -= 1
