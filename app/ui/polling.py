"""A screen that refreshes from the backend on a timer, but only while it is on screen."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QTimer

from app.ui.backend_connection import BackendConnection
from app.ui.tasks import run_in_background


class PollingController(QObject):
    """Subclasses say what to fetch (off the GUI thread) and how to show it (on it)."""

    poll_ms = 3000

    def __init__(self, parent: QObject, backend: BackendConnection) -> None:
        super().__init__(parent)
        self.backend = backend
        self.timer = QTimer(self)
        self.timer.setInterval(self.poll_ms)
        self.timer.timeout.connect(self.refresh)
        self._ready = False

    def backend_ready(self) -> None:
        self._ready = True
        self.refresh()

    def set_active(self, active: bool) -> None:
        if active and self._ready:
            self.refresh()
            self.timer.start()
        else:
            self.timer.stop()

    def refresh(self) -> None:
        run_in_background(self._fetch, self._show, self._show_error)

    def _fetch(self) -> Any:
        raise NotImplementedError

    def _show(self, data: Any) -> None:
        raise NotImplementedError

    def _show_error(self, message: str) -> None:
        raise NotImplementedError
