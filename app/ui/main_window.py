"""The shell's main window (view only): a Player / Studio mode switch, the pages, a status bar."""

from __future__ import annotations

from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QLabel, QMainWindow, QStackedWidget, QToolBar, QWidget

MODES = ("Player", "Studio")


class MainWindow(QMainWindow):
    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle("Marquee")
        self.resize(1100, 720)
        self.pages = QStackedWidget()
        self.setCentralWidget(self.pages)

        toolbar = QToolBar("Mode")
        toolbar.setMovable(False)
        self.addToolBar(toolbar)
        self.mode_actions: dict[str, QAction] = {}
        group = QActionGroup(self)
        group.setExclusive(True)
        for mode in MODES:
            action = QAction(mode, self, checkable=True)
            group.addAction(action)
            toolbar.addAction(action)
            self.mode_actions[mode] = action
        self.mode_actions[MODES[0]].setChecked(True)

        self.about_action = QAction("About Marquee", self)
        self.menuBar().addMenu("&Help").addAction(self.about_action)

        self.backend_label = QLabel("backend: not started")
        self.statusBar().addPermanentWidget(self.backend_label)

    def add_mode_page(self, mode: str, page: QWidget) -> None:
        """Pages are added in MODES order, so a mode's index is its page index."""
        self.pages.insertWidget(MODES.index(mode), page)

    def show_mode(self, mode: str) -> None:
        self.mode_actions[mode].setChecked(True)
        self.pages.setCurrentIndex(MODES.index(mode))
