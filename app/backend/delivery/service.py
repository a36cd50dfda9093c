"""Where a viewer fetches media from: the embedded CDN's edges (signed, steered) or the backend itself."""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from app.backend.cdn.supervisor import CdnSupervisor
from app.backend.delivery.network import build_network
from app.backend.delivery.operations import CdnOperations
from app.backend.delivery.prepositioning import Prepositioner, PrepositionReport
from app.backend.delivery.steering import SteeringService
from app.backend.delivery.urls import EdgeUrls, signed_edge_urls, title_prefix
from app.backend.errors import Conflict
from app.config import Settings

log = logging.getLogger(__name__)


def seconds_until_hour(hour: int, now: datetime) -> float:
    """Seconds from ``now`` to the next time the local clock shows ``hour``:00."""
    target = now.replace(hour=hour, minute=0, second=0, microsecond=0)
    if target <= now:
        target += timedelta(days=1)
    return (target - now).total_seconds()


class Delivery:
    def __init__(self, settings: Settings, sessions: sessionmaker[Session]) -> None:
        self._settings = settings
        self._sessions = sessions
        self.network: CdnSupervisor | None = build_network(settings) if settings.cdn_edges > 0 else None
        self.steering = SteeringService(self.edge_urls)
        self._prepositioner = Prepositioner(settings.media_root, settings.resolved_signing_key)
        self._stop = threading.Event()
        self._push_lock = threading.Lock()
        self._push_wanted = False
        self._push_running = False

    def start(self) -> None:
        if self.network is None:
            return
        self._settings.ensure_dirs()
        self.network.start()
        self.steering.start()
        threading.Thread(target=self._off_peak_loop, name="preposition", daemon=True).start()
        log.info(
            "CDN up: origin %s, hub %s, edges %s",
            self.network.origin.url,
            self.network.hub.url,
            ", ".join(self.network.edge_urls),
        )

    def stop(self) -> None:
        self._stop.set()
        if self.network is not None:
            self.steering.stop()
            self.network.stop()

    def operations(self) -> CdnOperations:
        if self.network is None:
            raise Conflict("this backend runs no CDN (cdn_edges = 0)", code="no_cdn")
        return CdnOperations(self.network, self._settings.resolved_admin_token)

    def preposition(self) -> PrepositionReport:
        """Push the predicted popular titles to the edges now."""
        if self.network is None:
            raise Conflict("this backend runs no CDN (cdn_edges = 0)", code="no_cdn")
        with self._sessions() as session:
            return self._prepositioner.run(session, self.network.edge_urls, self.network.hub.url)

    def queue_preposition(self) -> bool:
        """Run a pre-positioning pass soon, in the background (False when there is no CDN).

        Requests during a pass coalesce into one more pass after it, so a title published meanwhile is
        still considered, and a burst of publishes never runs passes side by side.
        """
        if self.network is None:
            return False
        with self._push_lock:
            self._push_wanted = True
            if self._push_running:
                return True
            self._push_running = True
        threading.Thread(target=self._push_while_wanted, name="preposition-queued", daemon=True).start()
        return True

    def _push_while_wanted(self) -> None:
        while True:
            with self._push_lock:
                if not self._push_wanted or self._stop.is_set():
                    self._push_running = False
                    return
                self._push_wanted = False
            try:
                self.preposition()
            except Exception:
                log.exception("queued pre-positioning failed")

    def _off_peak_loop(self) -> None:
        while not self._stop.wait(seconds_until_hour(self._settings.preposition_hour, datetime.now())):
            started = time.monotonic()
            try:
                self.preposition()
            except Exception:
                log.exception("off-peak pre-positioning failed; next night tries again")
            self._stop.wait(max(0.0, 60 - (time.monotonic() - started)))  # never twice in one hour:00

    def edge_urls(self) -> list[str]:
        return self.network.edge_urls if self.network is not None else []

    def urls_for(
        self, session_id: str, manifest_path: str, dash_manifest_path: str | None, backend_url: str
    ) -> list[EdgeUrls]:
        """Ranked places to fetch this session's title; the backend's own /media when there is no CDN."""
        if self.network is None:
            dash = f"{backend_url}/media/{dash_manifest_path}" if dash_manifest_path else None
            return [EdgeUrls(backend_url, f"{backend_url}/media/{manifest_path}", dash)]
        ranked = self.steering.rank(session_id, title_prefix(manifest_path))
        return signed_edge_urls(
            ranked,
            session_id,
            manifest_path,
            dash_manifest_path,
            self._settings.resolved_signing_key,
            self._settings.signed_url_ttl_s,
        )
