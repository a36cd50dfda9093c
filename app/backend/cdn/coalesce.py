"""Request coalescing: concurrent misses for one object share a single upstream fetch.

Without it, a popular new segment requested by 500 viewers in the same second would cost 500
upstream fetches (a thundering herd on the hub and origin). The fill runs as its own task shielded
from the callers, so a viewer who disconnects does not cancel the fill the others are waiting on.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Coalescer(Generic[T]):
    """Runs at most one ``factory()`` per key at a time; concurrent callers await the same result."""

    def __init__(self) -> None:
        self._inflight: dict[str, asyncio.Task[T]] = {}
        self.joined = 0

    def __len__(self) -> int:
        return len(self._inflight)

    async def run(self, key: str, factory: Callable[[], Awaitable[T]]) -> T:
        task = self._inflight.get(key)
        if task is None:
            task = asyncio.ensure_future(factory())
            self._inflight[key] = task
            task.add_done_callback(lambda done: self._finished(key, done))
        else:
            self.joined += 1
        return await asyncio.shield(task)

    def _finished(self, key: str, task: asyncio.Task[T]) -> None:
        if self._inflight.get(key) is task:
            del self._inflight[key]
        if not task.cancelled():
            task.exception()  # retrieved here so an error nobody awaited is not logged as lost
