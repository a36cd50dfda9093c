"""Ingest panel (view): a drop zone and file chooser for masters, each master's validation report, the
encoding options and the Encode button."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.client.ingest import CODECS, GPU_MODES, LADDER_MODES
from app.ui.tables import read_only_table

ACCEPTED_STYLE = "color: #1e8e3e; font-weight: bold;"
REJECTED_STYLE = "color: #d93025; font-weight: bold;"
DROP_ZONE_STYLE = "QLabel { border: 2px dashed #8a8a8a; border-radius: 10px; padding: 24px; color: #5f6368; }"


class DropZone(QLabel):
    """Accepts drags that carry local files and reports the dropped paths."""

    files_dropped = Signal(list)  # list[Path]

    def __init__(self) -> None:
        super().__init__("Drop master files here")
        self.setAcceptDrops(True)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMinimumHeight(110)
        self.setStyleSheet(DROP_ZONE_STYLE)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 (Qt override)
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 (Qt override)
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.files_dropped.emit(paths)


class IngestView(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.drop_zone = DropZone()
        self.choose_button = QPushButton("Choose files…")
        self.masters = QListWidget()
        self.masters.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)

        self.verdict = QLabel("Drop or choose a master to validate it.")
        self.verdict.setWordWrap(True)
        self.verdict.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.report = read_only_table(("Check", "Result"))
        self.report.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)

        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText("the title's name in the catalog")
        self.ladder_combo = QComboBox()
        self.ladder_combo.addItems(LADDER_MODES)
        self.codec_boxes = {codec: QCheckBox(codec) for codec in CODECS}
        self.codec_boxes["h264"].setChecked(True)
        self.gpu_combo = QComboBox()
        self.gpu_combo.addItems(GPU_MODES)
        self.allow_silent = QCheckBox("Allow a master without audio")
        self.upload_box = QCheckBox("Upload the file to the backend (always done for a remote backend)")
        self.encode_button = QPushButton("Encode")
        self.encode_button.setEnabled(False)
        self.message = QLabel("")
        self.message.setWordWrap(True)

        left = QVBoxLayout()
        left.addWidget(self.drop_zone)
        left.addWidget(self.choose_button)
        left.addWidget(QLabel("Masters:"))
        left.addWidget(self.masters, 1)

        report_box = QGroupBox("Validation report")
        report_layout = QVBoxLayout(report_box)
        report_layout.addWidget(self.verdict)
        report_layout.addWidget(self.report, 1)

        codecs = QHBoxLayout()
        for box in self.codec_boxes.values():
            codecs.addWidget(box)
        codecs.addStretch(1)
        options_box = QGroupBox("Encoding options")
        options = QFormLayout(options_box)
        options.addRow("Title", self.title_edit)
        options.addRow("Ladder", self.ladder_combo)
        options.addRow("Codecs", codecs)
        options.addRow("GPU", self.gpu_combo)
        options.addRow("", self.allow_silent)
        options.addRow("", self.upload_box)

        right = QVBoxLayout()
        right.addWidget(report_box, 1)
        right.addWidget(options_box)
        right.addWidget(self.encode_button)
        right.addWidget(self.message)

        left_panel = QFrame()
        left_panel.setLayout(left)
        left_panel.setMaximumWidth(360)
        layout = QHBoxLayout(self)
        layout.addWidget(left_panel)
        layout.addLayout(right, 1)

    def selected_master(self) -> Path | None:
        item = self.masters.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def chosen_codecs(self) -> tuple[str, ...]:
        return tuple(codec for codec, box in self.codec_boxes.items() if box.isChecked())
