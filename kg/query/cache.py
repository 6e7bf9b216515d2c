"""A bounded, thread-safe cache of serialised answers (query results, rendered pages).

A release never changes once published, so an answer is valid for as long as its release is
served: keys include the release id, and nothing expires but by size (least recently used
first).  The budget counts what an entry holds in memory: its value (``len``), its key (the
strings in it: a query's text is often larger than its answer) and a fixed overhead for the
entry's bookkeeping, so many small entries under long keys cannot exceed it.

>>> cache = ResultCache(max_bytes=4 * (5 + footprint(("r1", "a"))))
>>> for name in ("a", "b", "c", "d"):
...     cache.put(("r1", name), b"12345")
>>> cache.get(("r1", "a"))
b'12345'
>>> cache.put(("r1", "e"), b"12345")  # over the budget: the least recently used entry goes
>>> cache.get(("r1", "b")) is None, len(cache), cache.used <= cache.max_bytes
(True, 4, True)
"""

from __future__ import annotations

import sys
import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, Protocol, TypeVar

ENTRY_OVERHEAD = 160  # bytes: the ordered dict's node and slot, the key tuple, the value's object


class Sized(Protocol):
    def __len__(self) -> int: ...


V = TypeVar("V", bound=Sized)


def footprint(key: Hashable) -> int:
    """Bytes ``key`` holds: its strings (as Python stores them) and nested tuples, plus the entry's overhead."""
    if isinstance(key, tuple):
        return ENTRY_OVERHEAD + sum(footprint(part) - ENTRY_OVERHEAD for part in key)
    if isinstance(key, str | bytes):
        return ENTRY_OVERHEAD + sys.getsizeof(key)
    return ENTRY_OVERHEAD + 16


class ResultCache(Generic[V]):
    """Least-recently-used entries, at most ``max_bytes`` in all (key and ``len`` of each value);
    an entry larger than ``max_entry`` (a quarter of the budget unless told) is not kept."""

    def __init__(self, max_bytes: int, *, max_entry: int | None = None) -> None:
        self.max_bytes = max_bytes
        self.max_entry = max_bytes // 4 if max_entry is None else max_entry
        self.used = 0
        self._entries: OrderedDict[Hashable, tuple[V, int]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> V | None:
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return None
            self._entries.move_to_end(key)
            return found[0]

    def put(self, key: Hashable, value: V) -> None:
        size = len(value) + footprint(key)
        if size > self.max_entry:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.used -= old[1]
            self._entries[key] = (value, size)
            self.used += size
            while self.used > self.max_bytes:
                _, (_, evicted) = self._entries.popitem(last=False)
                self.used -= evicted

    def __contains__(self, key: Hashable) -> bool:
        return key in self._entries

    def __len__(self) -> int:
        return len(self._entries)
