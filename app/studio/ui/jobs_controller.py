"""Studio job queue (controller): polls the content API while the queue is visible, drives the job
controls, and fills the selected job's log, publish status and ladder preview."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import QProgressBar, QTableWidgetItem

from app.client.api import ApiError
from app.studio.ui.jobs_view import DEVICE_COLUMN, PROGRESS_COLUMN, DeviceBadge, JobsView
from app.studio.ui.ladder_controller import LadderController
from app.studio.ui.models.job_detail import PENDING, PUBLISHED, UNPUBLISHED, publish_status, step_log
from app.studio.ui.models.job_rows import ACTIONS, JobRow, allowed_actions, job_row
from app.ui.backend_connection import BackendConnection
from app.ui.polling import PollingController
from app.ui.tasks import run_in_background

POLL_MS = 1500
ERROR_COLOUR = "#d93025"
PUBLISH_COLOURS = {PUBLISHED: "#1e8e3e", PENDING: "#5f6368", UNPUBLISHED: ERROR_COLOUR}


@dataclass(frozen=True)
class QueueSnapshot:
    """One poll: the jobs, and the catalog entry of the title of the job selected when it was taken."""

    jobs: list[dict[str, Any]]
    selected: str | None
    selected_title: dict[str, Any] | None  # None if unknown


class JobsController(PollingController):
    poll_ms = POLL_MS

    def __init__(self, view: JobsView, backend: BackendConnection) -> None:
        super().__init__(view, backend)
        self.view = view
        self.ladder = LadderController(view.ladder, backend)
        self._jobs: dict[str, dict[str, Any]] = {}
        self._title: dict[str, Any] | None = None
        self._selected: str | None = None
        self._acting = False  # a control request is in flight: its buttons wait for the answer
        self._note = ""
        view.table.itemSelectionChanged.connect(self._selection_changed)
        for label, action in ACTIONS.items():
            view.action_buttons[label].clicked.connect(lambda _checked=False, a=action: self._control(a))

    def select_job(self, job_id: str) -> None:
        """Select ``job_id`` as soon as the queue lists it (e.g. a job the ingest panel just submitted)."""
        self._selected = job_id
        self.ladder.show_job(job_id)
        if self._ready:
            self.refresh()

    def _fetch(self) -> QueueSnapshot:
        selected = self._selected
        with self.backend.client() as client:
            jobs = client.jobs()
            job = next((j for j in jobs if j["jobId"] == selected), None)
            title = None
            if job is not None:
                try:
                    title = client.title(job["titleId"])
                except ApiError:  # a title can be missing from the catalog; the job still shows
                    title = None
        return QueueSnapshot(jobs, selected, title)

    def _show(self, snapshot: QueueSnapshot) -> None:
        self._jobs = {job["jobId"]: job for job in snapshot.jobs}
        self._title = snapshot.selected_title if snapshot.selected == self._selected else None
        rows = [job_row(job) for job in snapshot.jobs]
        table = self.view.table
        table.blockSignals(True)
        table.setRowCount(len(rows))
        for index, row in enumerate(rows):
            self._fill_row(index, row)
        table.clearSelection()
        for index, row in enumerate(rows):
            if row.job_id == self._selected:
                table.selectRow(index)
        table.blockSignals(False)
        self._show_count()
        self._show_selected()

    def _show_error(self, message: str) -> None:
        self.view.message.setText(f"Could not load jobs: {message}")

    def _fill_row(self, index: int, row: JobRow) -> None:
        table = self.view.table
        cells = (row.title_id, row.status, row.step, "", row.eta, row.fps, "", row.job_id)
        for column, text in enumerate(cells):
            table.setItem(index, column, QTableWidgetItem(text))
        bar = table.cellWidget(index, PROGRESS_COLUMN)
        if not isinstance(bar, QProgressBar):
            bar = QProgressBar()
            bar.setRange(0, 1000)
            table.setCellWidget(index, PROGRESS_COLUMN, bar)
        bar.setValue(round(row.percent * 10))
        bar.setFormat(f"{row.percent:.1f}%")
        badge = table.cellWidget(index, DEVICE_COLUMN)
        if not isinstance(badge, DeviceBadge):
            badge = DeviceBadge()
            table.setCellWidget(index, DEVICE_COLUMN, badge)
        badge.show_device(row.device)

    def _selection_changed(self) -> None:
        selected = self.view.selected_job_id()
        if selected != self._selected:
            self._selected = selected
            self._title = None
            self._show_selected()
            if self._ready:
                self.refresh()  # fetches the selected title's catalog status for the publish line

    def _show_selected(self) -> None:
        job = self._jobs.get(self._selected) if self._selected else None
        view = self.view
        states = allowed_actions(job["status"]) if job and not self._acting else set()
        for label, action in ACTIONS.items():
            view.action_buttons[label].setEnabled(action in states)
        self.ladder.show_job(self._selected if job else None)
        if job is None:
            view.log.clear()
            view.publish_status.setText("")
            return
        text, state = publish_status(job, self._title)
        view.publish_status.setText(text)
        view.publish_status.setStyleSheet(f"color: {PUBLISH_COLOURS[state]}; font-weight: bold;")
        lines = step_log(job)
        scroll = view.log.verticalScrollBar().value()
        view.log.clear()
        for line in lines:
            escaped = html.escape(line.text).replace("  ", "&nbsp;&nbsp;")
            view.log.appendHtml(
                f'<span style="color:{ERROR_COLOUR}">{escaped}</span>' if line.error else escaped
            )
        view.log.verticalScrollBar().setValue(scroll)

    def _control(self, action: str) -> None:
        job_id = self._selected
        if job_id is None:
            return
        backend = self.backend

        def act() -> tuple[str, dict[str, Any]]:
            with backend.client() as client:
                return action, client.control_job(job_id, action)

        self._acting = True
        self._show_selected()
        self._set_note(f"{action} {job_id}…")
        run_in_background(act, self._controlled, self._control_failed)

    def _controlled(self, outcome: tuple[str, dict[str, Any]]) -> None:
        action, job = outcome
        self._acting = False
        if action == "rerun":
            self._set_note(f"retrying {job['titleId']} as job {job['jobId']}")
            self._selected = job["jobId"]
        else:
            self._set_note(f"{job['titleId']}: {action} accepted, the job is {job['status']}")
        self.refresh()

    def _control_failed(self, message: str) -> None:
        self._acting = False
        self._set_note(f"the backend refused: {message}")
        self._show_selected()

    def _set_note(self, note: str) -> None:
        """The last control's outcome, kept beside the job count until the next control."""
        self._note = note
        self._show_count()

    def _show_count(self) -> None:
        count = (
            f"{len(self._jobs)} job{'s' * (len(self._jobs) != 1)}" if self._jobs else "No encoding jobs yet."
        )
        self.view.message.setText(f"{count} — {self._note}" if self._note else count)
