"""Home screen (controller): loads a profile's rows, fetches posters of visible cards, moves focus by keys."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent, QPixmap

from app.player.ui.browse.home_view import HomeRowView, HomeView, PosterCard
from app.player.ui.browse.latest import LatestRequest
from app.player.ui.browse.poster_loader import PosterLoader
from app.ui.backend_connection import BackendConnection
from app.ui.tasks import run_in_background

VISIBILITY_SETTLE_MS = 40  # coalesces a burst of scroll/resize events into one visibility scan
_STEPS = {
    Qt.Key.Key_Left: (0, -1),
    Qt.Key.Key_Right: (0, 1),
    Qt.Key.Key_Up: (-1, 0),
    Qt.Key.Key_Down: (1, 0),
}
_OPEN_KEYS = {Qt.Key.Key_Return, Qt.Key.Key_Enter}


def match_text(score: object) -> str:
    return f"{score}% match" if isinstance(score, int | float) else ""


class HomeController(QObject):
    """Owns what the home view shows; asks the app to open a title through :attr:`title_requested`."""

    title_requested = Signal(str, str)  # title id, why it was recommended ("" if the backend did not say)

    def __init__(self, view: HomeView, backend: BackendConnection, posters: PosterLoader) -> None:
        super().__init__(view)
        self.view = view
        self.backend = backend
        self.posters = posters
        self.profile_id: str | None = None
        self._latest = LatestRequest()
        self._cards_by_title: dict[str, list[PosterCard]] = {}
        self._positions: dict[PosterCard, tuple[int, int]] = {}
        self._scan = QTimer(self)
        self._scan.setSingleShot(True)
        self._scan.setInterval(VISIBILITY_SETTLE_MS)
        self._scan.timeout.connect(self._request_visible_posters)
        posters.loaded.connect(self._set_poster)
        view.scroller.verticalScrollBar().valueChanged.connect(self._scan.start)
        view.scroller.viewport().installEventFilter(self)

    def load(self, profile_id: str) -> None:
        self.profile_id = profile_id
        self.reload()

    def reload(self) -> None:
        if self.profile_id is None:
            return
        self.view.message.setText("Loading…")
        ticket, profile_id, backend = self._latest.start(), self.profile_id, self.backend

        def fetch() -> tuple[int, dict[str, Any]]:
            with backend.client() as client:
                return ticket, client.home(profile_id)

        run_in_background(fetch, self._show_home, self._show_error)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        """Cards get keys, clicks and focus here, so the view stays free of behaviour."""
        if isinstance(watched, PosterCard):
            return self._card_event(watched, event)
        if event.type() in (QEvent.Type.Resize, QEvent.Type.Show):
            self._scan.start()  # the viewport grew or came back on screen: more cards may be visible
        return False

    def _card_event(self, card: PosterCard, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if event.key() in _OPEN_KEYS:
                self.title_requested.emit(card.title_id, card.reason)
                return True
            step = _STEPS.get(Qt.Key(event.key()))
            if step is not None:
                self._move_focus(card, *step)
                return True
        elif event.type() == QEvent.Type.MouseButtonRelease and isinstance(event, QMouseEvent):
            if event.button() == Qt.MouseButton.LeftButton:
                card.setFocus()
                self.title_requested.emit(card.title_id, card.reason)
                return True
        elif event.type() == QEvent.Type.FocusIn:
            row, _ = self._positions[card]
            self.view.rows[row].scroller.ensureWidgetVisible(card, 12, 0)
            self.view.scroller.ensureWidgetVisible(card, 0, 48)
        return False

    def _move_focus(self, card: PosterCard, rows: int, columns: int) -> None:
        """Left/right walk a row; up/down jump to the same position in the next row (or its last card)."""
        row, column = self._positions[card]
        row = min(max(row + rows, 0), len(self.view.rows) - 1)
        cards = self.view.rows[row].cards
        cards[min(max(column + columns, 0), len(cards) - 1)].setFocus(Qt.FocusReason.OtherFocusReason)

    def _show_home(self, answer: tuple[int, dict[str, Any]]) -> None:
        ticket, page = answer
        if not self._latest.is_latest(ticket):
            return  # a newer profile's rows are on their way
        self.posters.drop_queued()
        self._cards_by_title = {}
        self._positions = {}
        rows: list[HomeRowView] = []
        for row in page.get("rows", []):
            cards = [self._card(title) for title in row.get("titles", [])]
            if not cards:
                continue
            row_view = HomeRowView(row.get("rowTitle", ""), row.get("reason", ""))
            row_view.scroller.horizontalScrollBar().valueChanged.connect(self._scan.start)
            for column, card in enumerate(cards):
                row_view.add_card(card)
                self._positions[card] = (len(rows), column)
            rows.append(row_view)
        self.view.show_rows(rows)
        self.view.message.setText(f"{len(rows)} rows" if rows else "Nothing to show for this profile yet.")
        self._scan.start()
        if rows and self.view.isVisible():
            rows[0].cards[0].setFocus(Qt.FocusReason.OtherFocusReason)

    def _card(self, title: dict[str, Any]) -> PosterCard:
        card = PosterCard(
            title["titleId"],
            title.get("title") or title["titleId"],
            match_text(title.get("matchScore")),
            bool(title.get("playable")),
            title.get("reason") or "",
        )
        card.installEventFilter(self)
        self._cards_by_title.setdefault(card.title_id, []).append(card)
        return card

    def _request_visible_posters(self) -> None:
        for title_id, cards in self._cards_by_title.items():
            if any(not c.has_poster() and not c.visibleRegion().isEmpty() for c in cards):
                self.posters.request(title_id)

    def _set_poster(self, title_id: str, pixmap: QPixmap) -> None:
        for card in self._cards_by_title.get(title_id, []):
            card.set_poster(pixmap)

    def _show_error(self, message: str) -> None:
        self.view.message.setText(f"Could not load the home page: {message}")
