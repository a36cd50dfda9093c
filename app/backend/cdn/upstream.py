"""Fetching from the parent tier: verified fills into the disk cache, and pass-through streaming.

A fill is only committed when the bytes received equal the upstream ``Content-Length``; an upstream
that dies mid-transfer costs one failed request (502) and leaves nothing in the cache. When the
object cannot be stored (bigger than the whole cache, no ``Content-Length``, or the disk is full)
the edge still serves it, streaming from upstream without caching, so a sick disk degrades the
hit ratio instead of taking the edge down.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from .store import DiskStore

log = logging.getLogger(__name__)
FILL_CHUNK = 256 * 1024
RELAYED_HEADERS = (
    "content-length",
    "content-range",
    "content-type",
    "etag",
    "cache-control",
    "accept-ranges",
)


class UpstreamError(Exception):
    """The parent tier failed or sent a truncated body (answered with 502)."""


@dataclass(frozen=True, slots=True)
class Stored:
    path: Path
    size: int


class NotFound:
    """The parent tier does not have the object."""


class ServeThrough:
    """The object exists but will not be cached; stream it from upstream for each request."""


FillResult = Stored | NotFound | ServeThrough


class Upstream:
    """An HTTP client to the parent tier (a hub or the origin)."""

    def __init__(self, base_url: str, timeout_s: float = 30.0) -> None:
        self._client = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            timeout=httpx.Timeout(timeout_s, connect=5.0),
            limits=httpx.Limits(max_connections=64, max_keepalive_connections=16),
        )

    async def close(self) -> None:
        await self._client.aclose()

    async def fill(self, key: str, store: DiskStore) -> FillResult:
        """Fetch ``key`` into ``store``; raises :class:`UpstreamError` on a failed or short transfer."""
        try:
            async with self._client.stream("GET", "/" + key) as response:
                if response.status_code == 404:
                    return NotFound()
                if response.status_code != 200:
                    raise UpstreamError(f"upstream answered {response.status_code}")
                length = response.headers.get("content-length")
                if length is None or not length.isdigit() or not store.index.fits(int(length)):
                    return ServeThrough()
                return await self._write(response, key, int(length), store)
        except httpx.HTTPError as exc:
            raise UpstreamError(f"upstream transfer failed: {exc!r}") from exc

    async def _write(self, response: httpx.Response, key: str, length: int, store: DiskStore) -> FillResult:
        temp = store.temp_path()
        received = 0
        try:
            with temp.open("wb") as out:
                async for chunk in response.aiter_raw(FILL_CHUNK):
                    received += len(chunk)
                    if received > length:
                        break
                    out.write(chunk)
        except OSError as exc:
            log.warning("cache write failed for %s (%s); serving through", key, exc)
            temp.unlink(missing_ok=True)
            return ServeThrough()
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        if received != length:
            temp.unlink(missing_ok=True)
            raise UpstreamError(f"upstream sent {received} of {length} bytes for {key}")
        path = store.commit(temp, key, length)
        return Stored(path, length) if path is not None else ServeThrough()

    @contextlib.asynccontextmanager
    async def relay(
        self, key: str, range_header: str | None
    ) -> AsyncIterator[tuple[int, dict[str, str], AsyncIterator[bytes]]]:
        """Open a pass-through GET: yields (status, relayed headers, body chunks)."""
        headers = {"range": range_header} if range_header else {}
        try:
            async with self._client.stream("GET", "/" + key, headers=headers) as response:
                relayed = {k: v for k, v in response.headers.items() if k in RELAYED_HEADERS}
                yield response.status_code, relayed, _body(response)
        except httpx.HTTPError as exc:
            raise UpstreamError(f"upstream transfer failed: {exc!r}") from exc


async def _body(response: httpx.Response) -> AsyncIterator[bytes]:
    """The body's chunks, with a broken transfer reported as :class:`UpstreamError` where it happens."""
    try:
        async for chunk in response.aiter_raw(FILL_CHUNK):
            yield chunk
    except httpx.HTTPError as exc:
        raise UpstreamError(f"upstream transfer broke: {exc!r}") from exc
