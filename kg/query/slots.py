"""A fixed number of places for one kind of request, refused rather than queued when full.

Reconciliation batches and searches run in the web process, on its threads; without a bound a
handful of heavy ones would take every thread and pages would wait behind them.  ``Slots(n)``
lets ``n`` run at once; one more waits at most ``wait`` seconds for a place (a burst of quick
searches gets through), then raises ``Overloaded`` (a 503 with ``Retry-After``).

>>> slots = Slots(1, what="reconciliation batches", wait=0)
>>> with slots:
...     with slots:
...         pass
Traceback (most recent call last):
...
kg.errors.Overloaded: 1 reconciliation batches are running already; try again in 1 s
>>> with slots:  # free again
...     pass
"""

from __future__ import annotations

import threading

from kg.errors import Overloaded


class Slots:
    """At most ``size`` holders at once (0: no bound), a newcomer waiting at most ``wait`` seconds."""

    def __init__(self, size: int, *, what: str, wait: float = 0.5) -> None:
        self.size = size
        self.what = what
        self.wait = wait
        self._free = threading.BoundedSemaphore(max(1, size))

    def __enter__(self) -> Slots:
        if self.size > 0 and not self._free.acquire(timeout=self.wait):
            raise Overloaded(f"{self.size} {self.what} are running already; try again in 1 s", retry_after=1)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.size > 0:
            self._free.release()
