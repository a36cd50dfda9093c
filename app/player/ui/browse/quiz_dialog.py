"""Taste quiz (view): a new profile picks the genres it likes, as checkable chips in a grid."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

CHIP_COLUMNS = 4


class QuizDialog(QDialog):
    """Shows one chip per genre; the controller enables Done once enough are picked."""

    def __init__(self, profile_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("What do you like to watch?")
        self.prompt = QLabel(f"Pick three or more genres {profile_name} enjoys: the home page starts there.")
        self.prompt.setWordWrap(True)
        self.chips: list[QPushButton] = []
        self._grid = QGridLayout()
        self.count_label = QLabel("")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.done_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.done_button.setText("Done")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Skip")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.prompt)
        layout.addLayout(self._grid)
        layout.addWidget(self.count_label)
        layout.addWidget(self.buttons)

    def add_chip(self, genre: str, tooltip: str) -> QPushButton:
        chip = QPushButton(genre)
        chip.setCheckable(True)
        chip.setToolTip(tooltip)
        index = len(self.chips)
        self._grid.addWidget(chip, index // CHIP_COLUMNS, index % CHIP_COLUMNS)
        self.chips.append(chip)
        return chip
