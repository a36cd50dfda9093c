"""Studio job queue (controller): polls the content API while the studio is visible."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QTableWidgetItem

from app.studio.ui.jobs_view import JobsView
from app.ui.backend_connection import BackendConnection
from app.ui.polling import PollingController


class JobsController(PollingController):
    def __init__(self, view: JobsView, backend: BackendConnection) -> None:
        super().__init__(view, backend)
        self.view = view

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
