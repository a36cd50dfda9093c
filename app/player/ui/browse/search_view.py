"""Search (view): facet chips for genre and decade above a list of results with thumbnails."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

THUMB = QSize(40, 60)
TITLE_ROLE = Qt.ItemDataRole.UserRole


class ChipBar(QWidget):
    """A labelled, sideways-scrolling strip of checkable chips (one facet)."""

    def __init__(self, label: str) -> None:
        super().__init__()
        self.chips: list[QPushButton] = []
        strip = QWidget()
        self._chips_layout = QHBoxLayout(strip)
        self._chips_layout.setContentsMargins(0, 0, 0, 0)
        self._chips_layout.addStretch(1)
        scroller = QScrollArea()
        scroller.setWidget(strip)
        scroller.setWidgetResizable(True)
        scroller.setFrameShape(QFrame.Shape.NoFrame)
        scroller.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroller.setFixedHeight(44)
        name = QLabel(label)
        name.setObjectName("muted")
        name.setFixedWidth(60)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(name)
        layout.addWidget(scroller, 1)

    def add_chip(self, text: str, checked: bool) -> QPushButton:
        chip = QPushButton(text)
        chip.setCheckable(True)
        chip.setChecked(checked)
        self._chips_layout.insertWidget(len(self.chips), chip)
        self.chips.append(chip)
        return chip

    def clear(self) -> None:
        for chip in self.chips:
            chip.hide()
            chip.deleteLater()
        self.chips = []


class SearchResultRow(QWidget):
    """One hit: thumbnail, title (rich text, matched words marked) and why it matched."""

    def __init__(self, title_html: str, detail_html: str) -> None:
        super().__init__()
        self.thumb = QLabel()
        self.thumb.setObjectName("posterPlaceholder")
        self.thumb.setFixedSize(THUMB)
        self.thumb.setScaledContents(True)
        self.title_label = QLabel(title_html)
        self.title_label.setObjectName("cardTitle")
        self.title_label.setTextFormat(Qt.TextFormat.RichText)
        self.detail_label = QLabel(detail_html)
        self.detail_label.setObjectName("muted")
        self.detail_label.setTextFormat(Qt.TextFormat.RichText)
        text = QVBoxLayout()
        text.setSpacing(2)
        text.addStretch(1)
        text.addWidget(self.title_label)
        text.addWidget(self.detail_label)
        text.addStretch(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(12)
        layout.addWidget(self.thumb)
        layout.addLayout(text, 1)

    def set_poster(self, pixmap: QPixmap) -> None:
        self.thumb.setPixmap(pixmap)


class SearchView(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.genre_bar = ChipBar("Genre")
        self.decade_bar = ChipBar("Decade")
        self.results = QListWidget()
        self.results.setUniformItemSizes(True)
        self.message = QLabel("Type to search titles, people and genres.")
        self.message.setObjectName("muted")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 8, 16, 8)
        layout.addWidget(self.genre_bar)
        layout.addWidget(self.decade_bar)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.message)

    def add_result(self, title_id: str, title_html: str, detail_html: str) -> SearchResultRow:
        row = SearchResultRow(title_html, detail_html)
        item = QListWidgetItem()
        item.setData(TITLE_ROLE, title_id)
        item.setSizeHint(QSize(0, THUMB.height() + 12))
        self.results.addItem(item)
        self.results.setItemWidget(item, row)
        return row
