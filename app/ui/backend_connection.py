"""The app's link to its backend: starts the embedded child (or checks a remote URL) off the GUI thread."""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtCore import QObject, Signal

from app.client.api import ApiClient
from app.client.embedded import EmbeddedBackend
from app.config import Settings
from app.ui.tasks import run_in_background


class BackendState(StrEnum):
    STARTING = "starting"
    READY = "ready"
    FAILED = "failed"
    STOPPED = "stopped"


class BackendConnection(QObject):
    """Owns the backend for the app's lifetime and tells the UI about its state."""

    state_changed = Signal(str, str)  # BackendState, human-readable detail

    def __init__(self, settings: Settings, remote_url: str | None = None, token: str | None = None) -> None:
        super().__init__()
        self.settings = settings
        self.remote_url = remote_url
        self.token = token
        self.embedded: EmbeddedBackend | None = None
        self.base_url: str | None = None
        self.state = BackendState.STOPPED

    def start(self) -> None:
        self._set(BackendState.STARTING, self.remote_url or "embedded backend starting…")
        run_in_background(self._connect, self._on_ready, self._on_failed)

    def client(self) -> ApiClient:
        """A fresh client for the connected backend: one per background task, never shared."""
        if self.base_url is None:
            raise RuntimeError("backend is not ready")
        return ApiClient(self.base_url, token=self.token)

    def stop(self) -> None:
        if self.embedded is not None:
            self.embedded.stop()
            self.embedded = None
        self._set(BackendState.STOPPED, "stopped")

    def _connect(self) -> str:
        if self.remote_url:
            with ApiClient(self.remote_url) as client:
                if not client.health():
                    raise RuntimeError(f"no healthy backend at {self.remote_url}")
            return self.remote_url
        self.embedded = EmbeddedBackend(self.settings)
        self.token = self.token or self.settings.resolved_content_token
        return self.embedded.start()

    def _on_ready(self, base_url: str) -> None:
        self.base_url = base_url
        kind = "remote" if self.remote_url else "embedded"
        self._set(BackendState.READY, f"{kind} backend at {base_url}")

    def _on_failed(self, message: str) -> None:
        self._set(BackendState.FAILED, message)

    def _set(self, state: BackendState, detail: str) -> None:
        self.state = state
        self.state_changed.emit(state.value, detail)
