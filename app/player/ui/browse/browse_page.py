"""Browse (view): the Player page — brand, search, ABR lab and profile picker above a stack of screens
(home, search results, a title, the player, the ABR lab)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.player.ui.browse.home_view import HomeView
from app.player.ui.browse.profile_picker import ProfilePicker
from app.player.ui.browse.search_view import SearchView
from app.player.ui.browse.theme import ACCENT, STYLE
from app.player.ui.browse.title_view import TitleView
from app.player.ui.lab import AbrLabPage
from app.player.ui.playback.player_view import PlayerView


class BrowsePage(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("browsePage")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(STYLE)
        brand = QLabel(f'<span style="color:{ACCENT}; font-size:20px; font-weight:bold">MARQUEE</span>')
        self.search_box = QLineEdit()
        self.search_box.setPlaceholderText("Search titles, people, genres…")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setMinimumWidth(320)
        self.profile_picker = ProfilePicker()
        self.status = QLabel()
        self.status.setObjectName("muted")
        self.home = HomeView()
        self.search = SearchView()
        self.title = TitleView()
        self.player = PlayerView()
        self.lab = AbrLabPage()
        self.lab_button = QPushButton("ABR lab")
        self.lab_button.setCheckable(True)
        self.lab_button.setToolTip("Replay ABR controllers over network traces and compare them")
        self.stack = QStackedWidget()
        for page in (self.home, self.search, self.title, self.player, self.lab):
            self.stack.addWidget(page)
        top = QHBoxLayout()
        top.setContentsMargins(16, 10, 16, 4)
        top.setSpacing(16)
        top.addWidget(brand)
        top.addWidget(self.search_box, 1)
        top.addWidget(self.status)
        top.addWidget(self.lab_button)
        top.addWidget(self.profile_picker)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.stack, 1)
