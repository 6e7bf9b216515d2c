"""A bounded, thread-safe cache of serialised query answers.

A release never changes once published, so an answer is valid for as long as its release is
served: keys include the release id, and nothing expires but by size (least recently used
first).

>>> cache = ResultCache(max_bytes=20)
>>> for name in ("a", "b", "c", "d"):
...     cache.put(("r1", name), b"12345")
>>> cache.get(("r1", "a"))
b'12345'
>>> cache.put(("r1", "e"), b"12345")  # over the budget: the least recently used entry goes
>>> cache.get(("r1", "b")) is None, len(cache)
(True, 4)
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, Protocol, TypeVar


class Sized(Protocol):
    def __len__(self) -> int: ...


V = TypeVar("V", bound=Sized)


class ResultCache(Generic[V]):
    """Least-recently-used entries, at most ``max_bytes`` in all (``len`` of each value);
    a value larger than a quarter of the budget is not kept."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[Hashable, V] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> V | None:
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, key: Hashable, value: V) -> None:
        size = len(value)
        if size > self.max_bytes // 4:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._size -= len(old)
            self._entries[key] = value
            self._size += size
            while self._size > self.max_bytes:
                _, evicted = self._entries.popitem(last=False)
                self._size -= len(evicted)

    def __len__(self) -> int:
        return len(self._entries)
