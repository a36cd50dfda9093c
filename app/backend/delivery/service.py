"""Where a viewer fetches media from: the embedded CDN's edges (signed, steered) or the backend itself."""

from __future__ import annotations

import logging

from app.backend.cdn.supervisor import CdnSupervisor
from app.backend.delivery.network import build_network
from app.backend.delivery.steering import SteeringService
from app.backend.delivery.urls import EdgeUrls, signed_edge_urls, title_prefix
from app.config import Settings

log = logging.getLogger(__name__)


class Delivery:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self.network: CdnSupervisor | None = build_network(settings) if settings.cdn_edges > 0 else None
        self.steering = SteeringService(self.edge_urls)

    def start(self) -> None:
        if self.network is None:
            return
        self._settings.ensure_dirs()
        self.network.start()
        self.steering.start()
        log.info(
            "CDN up: origin %s, hub %s, edges %s",
            self.network.origin.url,
            self.network.hub.url,
            ", ".join(self.network.edge_urls),
        )

    def stop(self) -> None:
        if self.network is not None:
            self.steering.stop()
            self.network.stop()

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
