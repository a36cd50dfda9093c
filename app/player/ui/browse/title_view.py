"""Title page (view): poster, facts, synopsis, why recommended, credits, episodes, Play, list and rating."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTreeWidget, QVBoxLayout, QWidget

TITLE_POSTER = QSize(240, 360)
EPISODE_ROLE = Qt.ItemDataRole.UserRole


class TitleView(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.back_button = QPushButton("← Back")
        self.poster = QLabel()
        self.poster.setObjectName("posterPlaceholder")
        self.poster.setFixedSize(TITLE_POSTER)
        self.title_label = QLabel()
        self.title_label.setObjectName("pageTitle")
        self.title_label.setWordWrap(True)
        self.facts_label = QLabel()
        self.facts_label.setObjectName("muted")
        self.play_button = QPushButton("▶  Play")
        self.play_button.setObjectName("playButton")
        self.list_button = QPushButton("+ My List")
        self.like_button = QPushButton("Like")
        self.like_button.setToolTip("More titles like this one")
        self.dislike_button = QPushButton("Not for me")
        self.dislike_button.setToolTip("Fewer titles like this one")
        self.synopsis_label = QLabel()
        self.synopsis_label.setWordWrap(True)
        self.why_label = QLabel()
        self.why_label.setObjectName("whyLabel")
        self.why_label.setWordWrap(True)
        self.credits_label = QLabel()
        self.credits_label.setWordWrap(True)
        self.credits_label.setTextFormat(Qt.TextFormat.RichText)
        self.episodes = QTreeWidget()
        self.episodes.setHeaderLabels(["Episode", "Length", ""])
        self.episodes.setColumnWidth(0, 360)
        self.message = QLabel()
        self.message.setObjectName("muted")

        play_row = QHBoxLayout()
        for button in (self.play_button, self.list_button, self.like_button, self.dislike_button):
            play_row.addWidget(button)
        play_row.addStretch(1)
        details = QVBoxLayout()
        details.addWidget(self.title_label)
        details.addWidget(self.facts_label)
        details.addLayout(play_row)
        details.addWidget(self.synopsis_label)
        details.addWidget(self.why_label)
        details.addWidget(self.credits_label)
        details.addWidget(self.episodes, 1)
        body = QHBoxLayout()
        body.setSpacing(24)
        body.addWidget(self.poster, 0, Qt.AlignmentFlag.AlignTop)
        body.addLayout(details, 1)
        top = QHBoxLayout()
        top.addWidget(self.back_button)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 8, 16, 8)
        layout.addLayout(top)
        layout.addLayout(body, 1)
        layout.addWidget(self.message)

    def set_poster(self, pixmap: QPixmap) -> None:
        self.poster.setPixmap(pixmap)
