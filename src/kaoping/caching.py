"""A small bounded, thread-safe cache (最近使用缓存) for values that are costly to rebuild and never go stale
under their key: results keyed by the store's data version, frozen versions keyed by their id, snapshots
keyed by their content hash.  ``functools.lru_cache`` cannot serve here: the value is built from a database
session that is not part of the key.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Bounded(Generic[K, V]):
    """At most ``size`` entries; the least recently used one goes first."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._items: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        with self._lock:
            hit = self._items.get(key)
            if hit is not None:
                self._items.move_to_end(key)
            return hit

    def put(self, key: K, value: V) -> V:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return value

    def get_or_make(self, key: K, make: Callable[[], V]) -> V:
        """The cached value, or ``make()``'s, kept (two threads may both make it; the values are equal)."""
        hit = self.get(key)
        return hit if hit is not None else self.put(key, make())

    def latest(self, wanted: Callable[[K], bool]) -> tuple[K, V] | None:
        """The most recently kept entry whose key ``wanted`` accepts, or None."""
        with self._lock:
            for key in reversed(self._items):
                if wanted(key):
                    return key, self._items[key]
        return None

    def drop(self, keep: Callable[[K], bool]) -> None:
        """Forget every entry whose key ``keep`` refuses."""
        with self._lock:
            for key in [k for k in self._items if not keep(k)]:
                del self._items[key]
