"""Send viewer events from the screens in the background; they feed recommendations and live re-ranking."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal

from app.ui.backend_connection import BackendConnection
from app.ui.tasks import run_in_background

log = logging.getLogger(__name__)


class EventSender(QObject):
    """Fire-and-forget: a lost event is not worth interrupting the viewer, so failures are only logged."""

    sent = Signal(str, str)  # event type, title id: the server has it

    def __init__(self, backend: BackendConnection, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._backend = backend

    def send(self, profile_id: str, title_id: str, kind: str, value: float | None = None) -> None:
        event: dict[str, object] = {"profileId": profile_id, "titleId": title_id, "type": kind}
        if value is not None:
            event["value"] = value
        backend = self._backend

        def post() -> tuple[str, str]:
            with backend.client() as client:
                client.send_events([event])
            return kind, title_id

        run_in_background(post, self._delivered, self._failed)

    def _delivered(self, sent: tuple[str, str]) -> None:
        self.sent.emit(*sent)

    def _failed(self, message: str) -> None:
        log.debug("a viewer event was not recorded: %s", message)
