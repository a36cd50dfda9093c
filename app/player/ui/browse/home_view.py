"""Home screen (view): rows of focusable poster cards, each row titled with the reason it is there."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics, QPixmap
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from app.player.ui.browse.poster_loader import CARD_POSTER


class PosterCard(QFrame):
    """One title in a row: poster (a placeholder until it loads), title, match and a playable badge."""

    def __init__(self, title_id: str, title: str, match_text: str, playable: bool, reason: str) -> None:
        super().__init__()
        self.setObjectName("posterCard")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.title_id = title_id
        self.reason = reason
        self.setToolTip(f"{title}\n{reason}" if reason else title)
        self.poster = QLabel(title)
        self.poster.setObjectName("posterPlaceholder")
        self.poster.setFixedSize(CARD_POSTER)
        self.poster.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.poster.setWordWrap(True)
        self.badge = QLabel("▶ PLAYABLE", self.poster)
        self.badge.setObjectName("playableBadge")
        self.badge.move(6, 6)
        self.badge.setVisible(playable)
        self.title_label = QLabel(title)
        self.title_label.setObjectName("cardTitle")
        self.title_label.setFixedWidth(CARD_POSTER.width())
        bold = self.title_label.font()
        bold.setBold(True)  # the theme makes it bold too; eliding must measure the bold glyphs
        self.title_label.setFont(bold)
        self.title_label.setText(
            QFontMetrics(bold).elidedText(title, Qt.TextElideMode.ElideRight, CARD_POSTER.width())
        )
        self.match_label = QLabel(match_text)
        self.match_label.setObjectName("cardMatch")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(4)
        layout.addWidget(self.poster)
        layout.addWidget(self.title_label)
        layout.addWidget(self.match_label)

    def has_poster(self) -> bool:
        return self.poster.pixmap() is not None and not self.poster.pixmap().isNull()

    def set_poster(self, pixmap: QPixmap) -> None:
        self.poster.setPixmap(pixmap)


class HomeRowView(QWidget):
    """A titled row whose cards scroll sideways."""

    def __init__(self, title: str, reason: str) -> None:
        super().__init__()
        self.title_label = QLabel(title)
        self.title_label.setObjectName("rowTitle")
        self.title_label.setToolTip(reason)
        self.reason_label = QLabel(reason)
        self.reason_label.setObjectName("rowReason")
        self.cards: list[PosterCard] = []
        strip = QWidget()
        self._cards_layout = QHBoxLayout(strip)
        self._cards_layout.setContentsMargins(0, 0, 0, 0)
        self._cards_layout.setSpacing(10)
        self._cards_layout.addStretch(1)
        self.scroller = QScrollArea()
        self.scroller.setWidget(strip)
        self.scroller.setWidgetResizable(True)
        self.scroller.setFrameShape(QFrame.Shape.NoFrame)
        self.scroller.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroller.setFixedHeight(CARD_POSTER.height() + 80)  # card text and margins, and a thin scrollbar
        header = QHBoxLayout()
        header.addWidget(self.title_label)
        header.addWidget(self.reason_label)
        header.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        layout.addLayout(header)
        layout.addWidget(self.scroller)
        self.reason_label.setVisible(bool(reason))  # only once parented: a parentless label would pop up

    def add_card(self, card: PosterCard) -> None:
        self._cards_layout.insertWidget(len(self.cards), card, 0, Qt.AlignmentFlag.AlignTop)
        self.cards.append(card)


class HomeView(QWidget):
    """All rows, scrolling vertically, plus a line for loading and error messages."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[HomeRowView] = []
        self.message = QLabel("Waiting for the backend…")
        self.message.setObjectName("muted")
        self.message.setContentsMargins(16, 2, 16, 4)
        self.scroller = QScrollArea()
        self.scroller.setWidgetResizable(True)
        self.scroller.setFrameShape(QFrame.Shape.NoFrame)
        self.scroller.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.scroller, 1)
        layout.addWidget(self.message)
        self.show_rows([])

    def show_rows(self, rows: list[HomeRowView]) -> None:
        """Replace all rows at once with finished ones.

        Showing a finished widget tree lays it out in one synchronous pass, so card geometry (and so
        which cards are on screen) is right at once; rows added one by one to a visible parent would be
        shown and laid out over several later event-loop passes.
        """
        box = QWidget()
        box_layout = QVBoxLayout(box)
        box_layout.setContentsMargins(16, 8, 16, 8)
        for row in rows:
            box_layout.addWidget(row)
        box_layout.addStretch(1)
        self.scroller.setWidget(box)  # deletes the previous rows
        self.rows = rows
