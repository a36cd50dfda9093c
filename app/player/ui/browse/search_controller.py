"""Search (controller): debounced search-as-you-type, facet filters, and opening a hit."""

from __future__ import annotations

import html
import logging
import re
from functools import partial
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QLineEdit, QListWidgetItem, QStyle

from app.player.ui.browse.events import EventSender
from app.player.ui.browse.latest import LatestRequest
from app.player.ui.browse.poster_loader import PosterLoader
from app.player.ui.browse.search_view import TITLE_ROLE, ChipBar, SearchResultRow, SearchView
from app.player.ui.browse.theme import ACCENT
from app.ui.backend_connection import BackendConnection
from app.ui.tasks import run_in_background

log = logging.getLogger(__name__)

DEBOUNCE_MS = 250  # one request per pause in typing, not per key
FACETS = ("genre", "decade")
_DECADE = re.compile(r"^(\d{4})-\d{4}$")


def facet_counts(raw: object) -> list[tuple[str, int]]:
    """Facets as ``(value, count)`` pairs, from ``[{value, count}]`` or ``{value: count}``."""
    if isinstance(raw, dict):
        return [(str(value), int(count)) for value, count in raw.items()]
    if isinstance(raw, list):
        return [(str(f["value"]), int(f.get("count", 0))) for f in raw if "value" in f]
    return []


def facet_label(facet: str, value: str) -> str:
    """Decades travel as year ranges ("1990-1999", the year filter's syntax) but read as "1990s"."""
    decade = _DECADE.match(value) if facet == "decade" else None
    return f"{decade[1]}s" if decade else value


def marked(text: str, spans: list[Any]) -> str:
    """HTML of ``text`` with the ``[start, end)`` spans the query matched in the accent colour."""
    parts, cursor = [], 0
    for start, end in sorted((int(s), int(e)) for s, e in spans):
        if start < cursor or end > len(text):
            continue  # overlapping or out-of-range spans would garble the text: show it plain there
        match = html.escape(text[start:end])
        parts += [html.escape(text[cursor:start]), f'<b style="color:{ACCENT}">{match}</b>']
        cursor = end
    return "".join(parts) + html.escape(text[cursor:])


def result_html(result: dict[str, Any]) -> tuple[str, str]:
    """Title line and detail line of a hit; the highlight marks the title or explains the match."""
    highlight = result.get("highlight") or {}
    field, text, spans = highlight.get("field"), highlight.get("text", ""), highlight.get("spans", [])
    title = marked(text, spans) if field == "title" else html.escape(result.get("title", ""))
    year = result.get("year")
    detail = [f"{result.get('matchType', 'title')} match"] + ([str(year)] if year else [])
    if field and field != "title" and text:
        detail.append(f"{field}: {marked(text, spans)}")
    return title, " · ".join(detail)


class SearchController(QObject):
    """Runs the query typed into ``search_box``; asks the app to open a hit via :attr:`title_requested`."""

    title_requested = Signal(str, str)  # title id, reason (none for search hits)

    def __init__(
        self,
        view: SearchView,
        search_box: QLineEdit,
        backend: BackendConnection,
        posters: PosterLoader,
        events: EventSender,
    ) -> None:
        super().__init__(view)
        self.view = view
        self.search_box = search_box
        self.backend = backend
        self.posters = posters
        self.events = events
        self.profile_id: str | None = None
        self.filters: dict[str, str] = {}  # facet -> chosen value; the backend takes one of each
        self._latest = LatestRequest()
        self._rows: dict[str, SearchResultRow] = {}
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.search)
        search_box.textChanged.connect(self._debounce.start)
        view.results.itemActivated.connect(self._open)  # Enter, and a click where the style says so
        if not view.results.style().styleHint(QStyle.StyleHint.SH_ItemView_ActivateItemOnSingleClick):
            view.results.itemClicked.connect(self._open)
        posters.loaded.connect(self._set_poster)

    def search(self) -> None:
        """Search now for the box's text with the chosen facets (typing goes through the debounce)."""
        self._debounce.stop()
        query, ticket, backend = self.search_box.text().strip(), self._latest.start(), self.backend
        if not query:
            self._show_results((ticket, {"results": []}))
            return
        params = {"genre": self.filters.get("genre"), "year": self.filters.get("decade")}
        filters = {key: value for key, value in params.items() if value}
        self.view.message.setText("Searching…")

        def fetch() -> tuple[int, dict[str, Any]]:
            with backend.client() as client:
                return ticket, client.search_page(query, **filters)

        run_in_background(fetch, self._show_results, self._show_error)

    def _show_results(self, answer: tuple[int, dict[str, Any]]) -> None:
        ticket, page = answer
        if not self._latest.is_latest(ticket):
            return  # the user typed on; a newer answer is coming
        facets = page.get("facets") or {}
        for facet, bar in zip(FACETS, (self.view.genre_bar, self.view.decade_bar), strict=True):
            self._fill_facet(facet, bar, facet_counts(facets.get(facet)))
        self.view.results.clear()
        self._rows = {}
        results = page.get("results", [])
        for result in results:
            self._rows[result["titleId"]] = self.view.add_result(result["titleId"], *result_html(result))
            self.posters.request(result["titleId"])
        count = len(results)
        self.view.message.setText(f"{count} result{'s' * (count != 1)}" if results else "No results.")

    def _fill_facet(self, facet: str, bar: ChipBar, counts: list[tuple[str, int]]) -> None:
        """Rebuild one facet's chips; a chosen value stays (checked) even when it counts nothing now."""
        chosen = self.filters.get(facet)
        if chosen is not None and chosen not in {value for value, _ in counts}:
            counts = [(chosen, 0), *counts]
        bar.clear()
        for value, count in counts:
            chip = bar.add_chip(f"{facet_label(facet, value)}  {count}", value == chosen)
            chip.clicked.connect(partial(self._toggle_facet, facet, value))
        bar.setVisible(bool(counts))

    def _toggle_facet(self, facet: str, value: str) -> None:
        if self.filters.get(facet) == value:
            del self.filters[facet]
        else:
            self.filters[facet] = value
        self.search()

    def _open(self, item: QListWidgetItem) -> None:
        title_id = item.data(TITLE_ROLE)
        self.title_requested.emit(title_id, "")
        if self.profile_id is not None:
            self.events.send(self.profile_id, title_id, "search_click")

    def _set_poster(self, title_id: str, pixmap: QPixmap) -> None:
        row = self._rows.get(title_id)
        if row is not None:
            row.set_poster(pixmap)

    def _show_error(self, message: str) -> None:
        self.view.message.setText(f"Search failed: {message}")
