"""The About box: what this is and which versions it runs on."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget


class AboutDialog(QDialog):
    def __init__(self, versions: dict[str, str], backend_detail: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About Marquee")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h2>Marquee</h2><p>An open desktop streaming studio and player.</p>"))
        form = QFormLayout()
        self.version_labels: dict[str, QLabel] = {}
        for name, version in {**versions, "Backend": backend_detail}.items():
            label = QLabel(version)
            self.version_labels[name] = label
            form.addRow(f"{name}:", label)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)
