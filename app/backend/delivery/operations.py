"""Operating the embedded CDN: each tier's health, load and hit ratio, and fault injection.

The tiers' admin API needs the admin token, which stays in the backend; operators (the GUI's CDN
panel) go through these calls with the content token instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx

from app.backend.cdn.supervisor import CdnSupervisor, ManagedServer
from app.backend.errors import DomainError, NotFound

ADMIN_TIMEOUT_S = 2.0


class TierUnavailable(DomainError):
    status_code = 502
    code = "tier_unavailable"


@dataclass
class TierStatus:
    name: str
    role: str
    url: str
    alive: bool
    restarts: int
    metrics: dict = field(default_factory=dict)
    faults: dict = field(default_factory=dict)


class CdnOperations:
    def __init__(self, network: CdnSupervisor, admin_token: str) -> None:
        self._network = network
        self._headers = {"Authorization": f"Bearer {admin_token}"}

    def statuses(self) -> list[TierStatus]:
        with httpx.Client(timeout=ADMIN_TIMEOUT_S, headers=self._headers) as client:
            return [self._status(client, server) for server in self._network.servers]

    def set_faults(self, name: str, faults: dict) -> dict:
        return self._admin("POST", name, "faults", faults)

    def clear_faults(self, name: str) -> dict:
        return self._admin("DELETE", name, "faults")

    def kill(self, name: str) -> None:
        """The supervisor notices and restarts it on the same port, as it would after a crash."""
        self._admin("POST", name, "kill")

    def _server(self, name: str) -> ManagedServer:
        for server in self._network.servers:
            if server.name == name:
                return server
        raise NotFound(f"no CDN server named {name!r}", code="cdn_server_not_found")

    def _admin(self, method: str, name: str, action: str, body: dict | None = None) -> dict:
        server = self._server(name)
        try:
            response = httpx.request(
                method,
                f"{server.url}/admin/{action}",
                json=body,
                headers=self._headers,
                timeout=ADMIN_TIMEOUT_S,
            )
        except httpx.HTTPError as exc:
            raise TierUnavailable(f"{name} did not answer: {exc}") from exc
        if response.status_code == 400:
            raise DomainError(str(response.json().get("error", "invalid fault")), code="invalid_fault")
        if response.status_code >= 300:
            raise TierUnavailable(f"{name} answered {response.status_code}")
        return response.json()

    @staticmethod
    def _status(client: httpx.Client, server: ManagedServer) -> TierStatus:
        status = TierStatus(
            server.name, server.name.split("-")[0], server.url, server.alive(), server.restarts
        )
        try:
            status.metrics = client.get(f"{server.url}/metrics").json()
            status.faults = client.get(f"{server.url}/admin/faults").json()
        except (httpx.HTTPError, ValueError):
            status.alive = False
        return status
