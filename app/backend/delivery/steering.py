"""Content steering: which edges a viewer should use, best first, refreshed by active probes.

A background thread probes every edge's ``/health``; whether an edge already holds a title is asked
on demand (``/has``) and remembered briefly. Ranking itself is the CDN's pure
:func:`~app.backend.cdn.steering.rank_edges`, so the player's failover order and the steering
endpoint it polls come from one place.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import httpx

from app.backend.cdn.steering import EdgeStatus, rank_edges

log = logging.getLogger(__name__)
PROBE_INTERVAL_S = 5.0
PROBE_TIMEOUT_S = 1.0
HOLDS_TTL_S = 30.0


class SteeringService:
    def __init__(
        self, edge_urls: Callable[[], list[str]], probe_interval_s: float = PROBE_INTERVAL_S
    ) -> None:
        self._edge_urls = edge_urls
        self._interval = probe_interval_s
        self._health: dict[str, EdgeStatus] = {}
        self._holds: dict[tuple[str, str], tuple[float, bool]] = {}
        self._http = httpx.Client(timeout=PROBE_TIMEOUT_S)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self.probe()
        self._thread = threading.Thread(target=self._run, name="steering-probes", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._http.close()

    def probe(self) -> None:
        """Probe every edge once now (health and load)."""
        self._health = {url: self._probe(url) for url in self._edge_urls()}

    def rank(self, session_id: str, title_prefix: str) -> list[str]:
        """Healthy edges for this viewer and title, best first; every edge if none looks healthy."""
        urls = self._edge_urls()
        statuses = [
            self._with_holds(self._health.get(url) or EdgeStatus(url, healthy=True), title_prefix)
            for url in urls
        ]
        return rank_edges(statuses, session_id) or urls

    def _with_holds(self, status: EdgeStatus, prefix: str) -> EdgeStatus:
        if not status.healthy:
            return status
        holds = self._holds_title(status.url, prefix)
        return EdgeStatus(status.url, True, status.in_flight, status.bytes_per_second, holds)

    def _holds_title(self, url: str, prefix: str) -> bool:
        cached = self._holds.get((url, prefix))
        if cached is not None and time.monotonic() - cached[0] < HOLDS_TTL_S:
            return cached[1]
        try:
            holds = bool(self._http.get(f"{url}/has", params={"prefix": prefix}).json().get("held"))
        except (httpx.HTTPError, ValueError, AttributeError):
            holds = False
        self._holds[(url, prefix)] = (time.monotonic(), holds)
        return holds

    def _probe(self, url: str) -> EdgeStatus:
        try:
            health = self._http.get(f"{url}/health").json()
            # An edge under injected faults still answers probes but should not be anyone's first choice.
            healthy = health.get("status") == "ok" and not health.get("faulty")
            return EdgeStatus(
                url, healthy, int(health.get("inFlight", 0)), float(health.get("bytesPerSecond", 0.0))
            )
        except (httpx.HTTPError, ValueError, AttributeError, TypeError):
            return EdgeStatus(url, healthy=False)

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self.probe()
            except Exception:
                log.exception("edge probe round failed")
