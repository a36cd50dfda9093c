"""ABR lab (view): network and controller pickers, the plots, a QoE table and the decision log."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.player.ui.abr_plots import AbrPlots
from app.ui.tables import read_only_table

COLUMNS = ("Controller", "QoE", "% of optimum", "Avg kb/s", "Rebuffer s", "Switches", "Startup s")
SIDEBAR_WIDTH = 280


class LabView(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.trace_picker = QComboBox()
        self.trace_picker.setMaxVisibleItems(20)
        self.trace_info = QLabel()
        self.trace_info.setWordWrap(True)
        self.controller_list = QListWidget()
        self.run_button = QPushButton("Run")
        self.status = QLabel("Pick a network and controllers, then Run.")
        self.status.setWordWrap(True)
        self.plots = AbrPlots()
        self.table = read_only_table(COLUMNS, row_selection=True)
        self.decisions = QPlainTextEdit()
        self.decisions.setReadOnly(True)
        self.decisions.setPlaceholderText("Select a controller in the table to read its decisions.")
        self.decisions.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)

        sidebar = QVBoxLayout()
        sidebar.addWidget(QLabel("<b>Network</b>"))
        sidebar.addWidget(self.trace_picker)
        sidebar.addWidget(self.trace_info)
        sidebar.addWidget(QLabel("<b>Controllers</b>"))
        sidebar.addWidget(self.controller_list, 1)
        sidebar.addWidget(self.run_button)
        sidebar.addWidget(self.status)
        side = QWidget()
        side.setLayout(sidebar)
        side.setFixedWidth(SIDEBAR_WIDTH)

        results = QSplitter(Qt.Orientation.Horizontal)
        results.addWidget(self.table)
        results.addWidget(self.decisions)
        results.setSizes([560, 440])
        main = QSplitter(Qt.Orientation.Vertical)
        main.addWidget(self.plots)
        main.addWidget(results)
        main.setStretchFactor(0, 3)
        main.setStretchFactor(1, 1)

        layout = QHBoxLayout(self)
        layout.addWidget(side)
        layout.addWidget(main, 1)

    def checked_controllers(self) -> list[str]:
        """Names of the ticked controllers, in list order."""
        items = (self.controller_list.item(row) for row in range(self.controller_list.count()))
        return [item.text() for item in items if item.checkState() == Qt.CheckState.Checked]
