"""Studio job queue (view): every encoding job with its progress and controls, and the selected job's
per-step log, publish status and ladder preview."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.studio.ui.ladder_view import LadderView
from app.studio.ui.models.job_rows import ACTIONS
from app.ui.tables import read_only_table

COLUMNS = ("Title", "Status", "Step", "Progress", "ETA", "Speed", "Device", "Job")
STATUS_COLUMN, PROGRESS_COLUMN, SPEED_COLUMN, DEVICE_COLUMN, JOB_COLUMN = 1, 3, 5, 6, 7
BADGE_COLOURS = {"GPU": "#1e8e3e", "CPU": "#3367d6", "GPU+CPU": "#b06000"}


class DeviceBadge(QLabel):
    """Where a job encodes, as a coloured tag that stays readable on a selected row."""

    def __init__(self) -> None:
        super().__init__()
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)

    def show_device(self, device: str) -> None:
        self.setText(device)
        colour = BADGE_COLOURS.get(device)
        self.setStyleSheet(
            f"background: {colour}; color: white; font-weight: bold; border-radius: 4px; margin: 3px 12px;"
            if colour
            else ""
        )


class JobsView(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.table = read_only_table(COLUMNS, row_selection=True)
        self.table.setColumnWidth(PROGRESS_COLUMN, 160)
        self.action_buttons = {label: QPushButton(label) for label in ACTIONS}
        for button in self.action_buttons.values():
            button.setEnabled(False)
        self.message = QLabel("Waiting for the backend…")
        self.message.setWordWrap(True)

        self.publish_status = QLabel("")
        self.publish_status.setWordWrap(True)
        self.publish_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.log = QPlainTextEdit()
        self.log.setReadOnly(True)
        self.log.setPlaceholderText("Select a job to see its steps.")
        self.ladder = LadderView()
        self.detail_tabs = QTabWidget()
        self.detail_tabs.addTab(self.log, "Steps and log")
        self.detail_tabs.addTab(self.ladder, "Ladder and hull")

        buttons = QHBoxLayout()
        buttons.addWidget(QLabel("Selected job:"))
        for button in self.action_buttons.values():
            buttons.addWidget(button)
        buttons.addStretch(1)
        queue = QWidget()
        queue_layout = QVBoxLayout(queue)
        queue_layout.setContentsMargins(0, 0, 0, 0)
        queue_layout.addWidget(self.table, 1)
        queue_layout.addLayout(buttons)
        queue_layout.addWidget(self.message)
        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addWidget(self.publish_status)
        detail_layout.addWidget(self.detail_tabs, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(queue)
        splitter.addWidget(detail)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

    def selected_job_id(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return self.table.item(rows[0].row(), JOB_COLUMN).text() if rows else None
