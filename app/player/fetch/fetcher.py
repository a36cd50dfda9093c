"""Fetch one object (manifest or segment) from the best edge, failing over to the next on any fault.

Every request has a deadline: the longest the edge may stay silent, before the first byte or between
two.  A body that keeps arriving is slow, not broken (another edge would not be faster over the same
last mile; ABR abandonment handles slowness), so it may take longer, up to ``STALL_FACTOR`` deadlines.
A timeout, a 5xx, a refused connection, a short or oversized body all
count as that edge failing: it rests (see :class:`EdgeSet`) and the request moves on immediately to the
next edge.  When every edge is resting the fetcher waits for the first to come back: it never gives up
while some edge may still answer, only after ``max_rounds`` full passes in which nobody did.

While a body streams in, an ``on_progress`` callback may ask to abandon it (ABR: the buffer will not
last); that is not an edge failure.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin

import httpx

from app.player.fetch.edges import Edge, EdgeSet
from app.player.fetch.pacing import ClientPacer
from app.player.manifest.model import Resource

log = logging.getLogger(__name__)

CHUNK_BYTES = 64 * 1024
MAX_OBJECT_BYTES = 256 * 1024 * 1024  # far above any 4 s segment; a body past this is garbage
SHAPE_HEADER = "x-marquee-shape"
STALL_FACTOR = 10  # a trickling body is given up after this many deadlines in all

# (bytes so far, total bytes if known, seconds since the request) -> None to carry on, or the rung to
# re-fetch at instead (the caller's choice travels back in Abandoned.lower)
ProgressCallback = Callable[[int, int | None, float], int | None]


class FetchStopped(Exception):
    """The playback is stopping or seeking; the fetch was dropped on purpose."""


class Abandoned(Exception):
    """The progress callback gave up on this download (not the edge's fault)."""

    def __init__(self, nbytes: int, seconds: float, lower: int) -> None:
        super().__init__(f"abandoned after {nbytes} bytes for rung {lower}")
        self.nbytes = nbytes
        self.seconds = seconds
        self.lower = lower


class NoEdgeAnswered(Exception):
    """Every edge failed ``max_rounds`` times over for one object."""


class _EdgeFault(Exception):
    """One attempt on one edge failed (the reason goes to the log and the decision record)."""


@dataclass(frozen=True, slots=True)
class Fetched:
    data: bytes
    seconds: float  # request sent to last byte, what throughput estimates use
    edge: str
    attempts: int


@dataclass
class FetchOptions:
    connect_timeout_s: float = 2.0
    max_rounds: int = 3
    shape_profile: str | None = None  # a network profile the edges shape for us
    pacer: ClientPacer | None = None  # or: shape our own reads


class Fetcher:
    """Failover fetching over one keep-alive HTTP client (one per playback)."""

    def __init__(
        self,
        edges: EdgeSet,
        fmt: str = "hls",
        options: FetchOptions | None = None,
        client: httpx.Client | None = None,
    ) -> None:
        self.edges = edges
        self.fmt = fmt
        self.options = options or FetchOptions()
        headers = {SHAPE_HEADER: self.options.shape_profile} if self.options.shape_profile else {}
        self._http = client or httpx.Client(headers=headers, follow_redirects=False)
        self._cancel = threading.Event()
        self.last_edge: str | None = None
        self.on_failure: Callable[[str, str], None] | None = None  # (edge, reason), for logs and UI

    def close(self) -> None:
        self._cancel.set()
        self._http.close()

    def interrupt(self) -> None:
        """Make the fetch in progress (and the next ones until :meth:`resume`) raise FetchStopped."""
        self._cancel.set()

    def resume(self) -> None:
        self._cancel.clear()

    def url_for(self, edge: Edge, resource: Resource) -> str:
        return urljoin(edge.base_for(self.fmt), resource.uri)

    def fetch(
        self,
        resource: Resource,
        deadline_s: float,
        on_progress: ProgressCallback | None = None,
        max_attempts: int | None = None,
    ) -> Fetched:
        """The object's bytes from the first edge that serves all of them within the deadline.

        ``max_attempts`` cuts the search short (the loader then retries at a lower rung); by default
        every edge gets ``max_rounds`` chances.
        """
        attempts = 0
        for _ in range(self.options.max_rounds):
            tried: set[str] = set()
            while len(tried) < len(self.edges.ranked()) and attempts < (max_attempts or 1 << 30):
                edge = self._next_edge(tried)
                tried.add(edge.name)
                attempts += 1
                try:
                    data, seconds = self._attempt(edge, resource, deadline_s, on_progress)
                except _EdgeFault as fault:
                    log.info("edge %s failed: %s", edge.name, fault)
                    self.edges.failed(edge)
                    if self.on_failure:
                        self.on_failure(edge.name, str(fault))
                    continue
                self.edges.succeeded(edge)
                self.last_edge = edge.name
                return Fetched(data, seconds, edge.name, attempts)
        raise NoEdgeAnswered(f"no edge served {resource.uri} after {attempts} attempts")

    def fetch_text(self, resource: Resource, deadline_s: float = 5.0) -> str:
        return self.fetch(resource, deadline_s).data.decode("utf-8", errors="replace")

    def _next_edge(self, tried: set[str]) -> Edge:
        """The best edge not yet tried in this round, waiting while all untried ones rest."""
        while True:
            if self._cancel.is_set():
                raise FetchStopped
            ready = [e for e in self.edges.candidates() if e.name not in tried]
            if ready:
                return ready[0]
            resting = [e for e in self.edges.ranked() if e.name not in tried]
            if not resting:  # the ranking changed under us; start the round over
                tried.clear()
                continue
            self._cancel.wait(min(max(self.edges.next_ready_in(), 0.05), 1.0))

    def _attempt(
        self, edge: Edge, resource: Resource, deadline_s: float, on_progress: ProgressCallback | None
    ) -> tuple[bytes, float]:
        url = self.url_for(edge, resource)
        headers = {"range": resource.byte_range.header} if resource.byte_range else {}
        timeout = httpx.Timeout(deadline_s, connect=min(self.options.connect_timeout_s, deadline_s))
        started = time.monotonic()
        try:
            with self._http.stream("GET", url, headers=headers, timeout=timeout) as response:
                expected = _expected_length(response, resource)
                body = self._read(response, expected, started, deadline_s, on_progress)
        except httpx.HTTPError as exc:
            raise _EdgeFault(f"{type(exc).__name__}: {exc}") from exc
        if expected is not None and len(body) != expected:
            raise _EdgeFault(f"short body: {len(body)} of {expected} bytes")
        return body, time.monotonic() - started

    def _read(
        self,
        response: httpx.Response,
        expected: int | None,
        started: float,
        deadline_s: float,
        on_progress: ProgressCallback | None,
    ) -> bytes:
        chunks: list[bytes] = []
        received = 0
        for chunk in response.iter_bytes(CHUNK_BYTES):
            if self._cancel.is_set():
                raise FetchStopped
            received += len(chunk)
            if received > (expected or MAX_OBJECT_BYTES):
                raise _EdgeFault(f"body larger than the {expected or MAX_OBJECT_BYTES} bytes expected")
            chunks.append(chunk)
            if self.options.pacer is not None:
                self.options.pacer.consume(len(chunk))
            elapsed = time.monotonic() - started
            lower = on_progress(received, expected, elapsed) if on_progress is not None else None
            if lower is not None:
                raise Abandoned(received, elapsed, lower)
            if elapsed > STALL_FACTOR * deadline_s:
                raise _EdgeFault(f"still trickling after {elapsed:.1f} s ({received} bytes)")
        return b"".join(chunks)


def _expected_length(response: httpx.Response, resource: Resource) -> int | None:
    """Check the status and say how many bytes must arrive (None when the server does not say)."""
    if response.status_code >= 500:
        raise _EdgeFault(f"HTTP {response.status_code}")
    wanted = resource.byte_range
    if wanted is not None and response.status_code == 206:
        return wanted.length
    if response.status_code != 200:
        raise _EdgeFault(f"HTTP {response.status_code}")
    if wanted is not None:  # a server that ignores Range would send the whole file: not ours to slice
        raise _EdgeFault("server ignored the byte range")
    length = response.headers.get("content-length")
    return int(length) if length and length.isdigit() else None
