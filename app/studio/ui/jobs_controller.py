"""Studio job queue (controller): polls the content API while the studio is visible."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QTableWidgetItem

from app.studio.ui.jobs_view import JobsView
from app.ui.backend_connection import BackendConnection
from app.ui.tasks import run_in_background

POLL_MS = 3000


class JobsController(QObject):
    def __init__(self, view: JobsView, backend: BackendConnection) -> None:
        super().__init__(view)
        self.view = view
        self.backend = backend
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
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

    def _fetch(self) -> list[dict[str, Any]]:
        with self.backend.client() as client:
            return client.jobs()

    def _show(self, jobs: list[dict[str, Any]]) -> None:
        self.view.table.setRowCount(len(jobs))
        for row, job in enumerate(jobs):
            progress = job.get("progress") or {}
            cells = (
                job["titleId"],
                job["status"],
                str(progress.get("step", "")),
                f"{float(progress.get('percent', 0.0)):.0f}%",
                job["jobId"],
            )
            for column, text in enumerate(cells):
                self.view.table.setItem(row, column, QTableWidgetItem(text))
        self.view.message.setText(f"{len(jobs)} jobs" if jobs else "No encoding jobs yet.")

    def _show_error(self, message: str) -> None:
        self.view.message.setText(f"Could not load jobs: {message}")
