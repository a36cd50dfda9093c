"""Browse screen (view): a profile picker and the home rows of that profile."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QTreeWidget, QVBoxLayout, QWidget


class HomeView(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.profile_box = QComboBox()
        self.refresh_button = QPushButton("Refresh")
        self.rows = QTreeWidget()
        self.rows.setHeaderLabels(["Title", "Match", "Playable"])
        self.rows.setColumnWidth(0, 420)
        self.message = QLabel("Waiting for the backend…")
        top = QHBoxLayout()
        top.addWidget(QLabel("Profile:"))
        top.addWidget(self.profile_box, 1)
        top.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.rows, 1)
        layout.addWidget(self.message)
