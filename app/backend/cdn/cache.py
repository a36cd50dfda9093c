"""The cache index: which objects are held, how many bytes they take, and what to evict.

It is pure bookkeeping (no I/O) so the same code runs in the edge server and in the benchmark's
simulation; :mod:`.store` owns the files and applies the evictions this index decides.
"""

from __future__ import annotations

from collections.abc import Iterator

from .policy import EvictionPolicy


class CacheIndex:
    """Objects held in a cache bounded by ``capacity_bytes``, evicting through ``policy``."""

    def __init__(self, capacity_bytes: int, policy: EvictionPolicy) -> None:
        if capacity_bytes <= 0:
            raise ValueError("capacity must be positive")
        self.capacity_bytes = capacity_bytes
        self._policy = policy
        self._sizes: dict[str, int] = {}
        self.used_bytes = 0
        self.evictions = 0

    def __len__(self) -> int:
        return len(self._sizes)

    def __contains__(self, key: object) -> bool:
        return key in self._sizes

    def size_of(self, key: str) -> int | None:
        return self._sizes.get(key)

    def hit(self, key: str) -> bool:
        """Record a request for ``key``; True when it is held."""
        if key not in self._sizes:
            return False
        self._policy.touch(key)
        return True

    def fits(self, size: int) -> bool:
        """Whether an object of ``size`` bytes may be cached at all (bigger ones are served through)."""
        return 0 <= size <= self.capacity_bytes

    def make_room(self, size: int) -> list[str]:
        """Evict until ``size`` more bytes fit; returns the evicted keys for the store to delete."""
        evicted: list[str] = []
        while self._sizes and self.used_bytes + size > self.capacity_bytes:
            key = self._policy.victim()
            self.remove(key)
            self.evictions += 1
            evicted.append(key)
        return evicted

    def add(self, key: str, size: int, hits: int = 1) -> None:
        """Track a stored object (after :meth:`make_room`); ``hits`` restores remembered popularity."""
        self.remove(key)
        self._sizes[key] = size
        self.used_bytes += size
        self._policy.admit(key, hits)

    def remove(self, key: str) -> None:
        size = self._sizes.pop(key, None)
        if size is not None:
            self.used_bytes -= size
            self._policy.forget(key)

    def popularity(self) -> dict[str, int]:
        """Hit counts per key, persisted on shutdown so popularity survives a restart."""
        return {key: self._policy.hits(key) for key in self._sizes}

    def keys_with_prefix(self, prefix: str) -> Iterator[str]:
        return (key for key in self._sizes if key.startswith(prefix))
