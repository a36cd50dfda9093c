"""Profile picker (view): who is watching, and the "Add profile…" dialog."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

REGIONS = ("US", "GB", "DE", "FR", "IN", "BR", "JP")


class ProfilePicker(QWidget):
    """A combo of profiles (its item data is the profile id) and a button to add one."""

    def __init__(self) -> None:
        super().__init__()
        self.combo = QComboBox()
        self.combo.setMinimumWidth(200)
        self.combo.setToolTip("Who is watching?")
        self.add_button = QPushButton("Add profile…")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Watching as"))
        layout.addWidget(self.combo)
        layout.addWidget(self.add_button)


class AddProfileDialog(QDialog):
    """Name, a Kids switch (kids profiles only see titles rated 7 and under) and a region."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add profile")
        self.name = QLineEdit()
        self.name.setPlaceholderText("Name")
        self.name.setMaxLength(64)
        self.kids = QCheckBox("Kids profile (titles rated 7 and under)")
        self.region = QComboBox()
        self.region.addItems(REGIONS)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Create")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Name", self.name)
        form.addRow("", self.kids)
        form.addRow("Region", self.region)
        form.addRow(self.buttons)
