"""A per-client budget of query seconds per minute, like the Wikidata Query Service's.

Each client (an address, as the web layer names it) may spend ``seconds`` of query-engine
time in any sliding minute; a query that would start past the budget raises ``OverBudget``
with the seconds until enough of the client's spending has aged out of the window.  Answers
from the cache cost nothing and are never refused.  The table of clients is bounded: past
``max_clients`` the client seen least recently is forgotten.

>>> clock = [0.0]
>>> budget = QueryBudget(seconds=5, window=60, now=lambda: clock[0])
>>> budget.admit("10.0.0.1"); budget.charge("10.0.0.1", 3.0)
>>> budget.admit("10.0.0.1"); budget.charge("10.0.0.1", 3.0)
>>> budget.admit("10.0.0.1")
Traceback (most recent call last):
...
kg.errors.OverBudget: this client used its 5 s of query time for the minute; try again in 60 s
>>> budget.admit("10.0.0.2")  # another client has its own budget
>>> clock[0] = 60.5  # the first charge has aged out
>>> budget.admit("10.0.0.1")
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable

from kg.errors import OverBudget


class QueryBudget:
    """At most ``seconds`` of query time per client in any ``window`` seconds (0: no budget)."""

    def __init__(self, *, seconds: float, window: float = 60.0, max_clients: int = 10_000,
                 now: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self.window = window
        self.max_clients = max_clients
        self._now = now
        self._spent: OrderedDict[str, deque[tuple[float, float]]] = OrderedDict()  # client → (when, seconds)
        self._lock = threading.Lock()

    def admit(self, client: str) -> None:
        """Return if ``client`` may start a query now, else raise ``OverBudget``."""
        if self.seconds <= 0:
            return
        with self._lock:
            charges = self._charges(client, create=False)
            spent = sum(seconds for _, seconds in charges)
            if spent < self.seconds:
                return
            # The earliest moment the spending in the window drops below the budget.
            for when, seconds in charges:
                spent -= seconds
                if spent < self.seconds:
                    wait = when + self.window - self._now()
                    break
        raise OverBudget(f"this client used its {self.seconds:g} s of query time for the minute; "
                         f"try again in {max(1, math.ceil(wait))} s", retry_after=max(1, math.ceil(wait)))

    def charge(self, client: str, seconds: float) -> None:
        """Count ``seconds`` of query time against ``client``."""
        if self.seconds <= 0:
            return
        with self._lock:
            self._charges(client).append((self._now(), seconds))
            self._spent.move_to_end(client)
            while len(self._spent) > self.max_clients:
                self._spent.popitem(last=False)

    def _charges(self, client: str, *, create: bool = True) -> deque[tuple[float, float]]:
        charges = self._spent.setdefault(client, deque()) if create else self._spent.get(client, deque())
        horizon = self._now() - self.window
        while charges and charges[0][0] <= horizon:
            charges.popleft()
        return charges

    def __len__(self) -> int:
        return len(self._spent)
