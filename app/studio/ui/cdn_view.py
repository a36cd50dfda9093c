"""CDN panel (view): every tier server with its health, load and hit ratio, and the chaos buttons."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

COLUMNS = ("Server", "State", "Hit ratio", "In flight", "MB/s", "Objects", "Restarts", "Faults")
# (button label, faults to inject); an empty dict clears, None kills.
CHAOS_ACTIONS: tuple[tuple[str, dict | None], ...] = (
    ("+300 ms latency", {"latencyMs": 300}),
    ("Fail 30 %", {"failRatio": 0.3}),
    ("Stall mid-body", {"stallAfterBytes": 65536, "stallSeconds": 10}),
    ("Limit to 1 Mb/s", {"bandwidthMbps": 1}),
    ("Clear faults", {}),
    ("Kill", None),
)


class CdnView(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.chaos_buttons = {label: QPushButton(label) for label, _ in CHAOS_ACTIONS}
        self.message = QLabel("Waiting for the backend…")
        buttons = QHBoxLayout()
        buttons.addWidget(QLabel("Selected server:"))
        for button in self.chaos_buttons.values():
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.message)

    def selected_server(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return self.table.item(rows[0].row(), 0).text() if rows else None
