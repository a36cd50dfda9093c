"""Title page (controller): loads a title's details and turns Play into a :attr:`play_requested` signal."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QTreeWidgetItem

from app.formatting import clock_text
from app.player.ui.browse.events import EventSender
from app.player.ui.browse.latest import LatestRequest
from app.player.ui.browse.poster_loader import PosterLoader
from app.player.ui.browse.title_view import EPISODE_ROLE, TitleView
from app.ui.backend_connection import BackendConnection
from app.ui.tasks import run_in_background

MAX_CAST = 8


# Thumbs map onto the rating scale the recommender learns from.
LIKE_STARS = 5.0
DISLIKE_STARS = 1.0


def duration_text(seconds: object) -> str:
    if not isinstance(seconds, int | float) or seconds <= 0:
        return ""
    hours, minutes = divmod(round(seconds / 60), 60)
    return f"{hours}h {minutes:02d}m" if hours else f"{minutes}m"


def facts_text(detail: dict[str, Any]) -> str:
    parts = [
        str(detail.get("year") or ""),
        f"{detail['maturityRating']}+" if detail.get("maturityRating") is not None else "",
        duration_text(detail.get("durationS")) if detail.get("kind", "").lower() != "series" else "Series",
        ", ".join(detail.get("genres", [])),
    ]
    return "  ·  ".join(part for part in parts if part)


def credits_html(credits: list[dict[str, Any]]) -> str:
    """Directors, then the first few cast members with their characters."""
    directors = [html.escape(c["person"]) for c in credits if c.get("role") == "director"]
    cast = [
        html.escape(c["person"]) + (f" <i>as {html.escape(c['character'])}</i>" if c.get("character") else "")
        for c in credits
        if c.get("role") == "cast"
    ][:MAX_CAST]
    lines = ([f"<b>Director:</b> {', '.join(directors)}"] if directors else []) + (
        [f"<b>Cast:</b> {', '.join(cast)}"] if cast else []
    )
    return "<br>".join(lines)


class TitleController(QObject):
    """Shows one title at a time; stale answers for a title opened earlier are dropped."""

    play_requested = Signal(str)  # a playable title or episode id; the player connects to it
    taste_changed = Signal()  # the viewer rated or listed a title: their home rows are now stale

    def __init__(
        self, view: TitleView, backend: BackendConnection, posters: PosterLoader, events: EventSender
    ) -> None:
        super().__init__(view)
        self.view = view
        self.backend = backend
        self.posters = posters
        self.events = events
        self.title_id: str | None = None
        self.profile_id: str | None = None  # set by the browse page; it picks the resume position
        self._latest = LatestRequest()
        view.play_button.clicked.connect(self._play)
        view.episodes.itemActivated.connect(self._play_episode)
        view.list_button.clicked.connect(lambda: self._tell("add_to_list", None, "Added to My List."))
        view.like_button.clicked.connect(lambda: self._tell("rate", LIKE_STARS, "Noted: more like this."))
        view.dislike_button.clicked.connect(
            lambda: self._tell("rate", DISLIKE_STARS, "Noted: less like this.")
        )
        events.sent.connect(self._told)
        posters.loaded.connect(self._set_poster)

    def show(self, title_id: str, reason: str) -> None:
        """Open ``title_id``; ``reason`` is why it was recommended (empty when it was not)."""
        self.title_id = title_id
        view = self.view
        view.title_label.setText("")
        view.facts_label.setText("")
        view.synopsis_label.setText("")
        view.credits_label.setText("")
        view.episodes.clear()
        view.episodes.hide()
        view.poster.clear()
        view.play_button.setEnabled(False)
        view.why_label.setText(f"Why recommended: {reason}" if reason else "")
        view.why_label.setVisible(bool(reason))
        view.message.setText("Loading…")
        self.posters.request(title_id)
        ticket, backend, profile_id = self._latest.start(), self.backend, self.profile_id

        def fetch() -> tuple[int, dict[str, Any]]:
            with backend.client() as client:
                return ticket, client.title(title_id, profile_id)

        run_in_background(fetch, self._show_title, self._show_error)

    def _show_title(self, answer: tuple[int, dict[str, Any]]) -> None:
        ticket, detail = answer
        if not self._latest.is_latest(ticket):
            return
        view = self.view
        view.title_label.setText(detail.get("title", ""))
        view.facts_label.setText(facts_text(detail))
        view.synopsis_label.setText(detail.get("synopsis", ""))
        view.credits_label.setText(credits_html(detail.get("credits", [])))
        playable = bool(detail.get("playable"))
        resume = float(detail.get("resumePosition") or 0.0)
        view.play_button.setText(f"▶  Resume from {clock_text(resume)}" if resume > 0 else "▶  Play")
        view.play_button.setEnabled(playable)
        view.play_button.setToolTip("" if playable else "Not available to stream yet")
        self._fill_episodes(detail.get("seasons", []))
        view.message.setText("" if playable else "This title is not available to stream yet.")

    def _fill_episodes(self, seasons: list[dict[str, Any]]) -> None:
        for season in seasons:
            name = season.get("name") or f"Season {season.get('number', '')}"
            parent = QTreeWidgetItem([name])
            for episode in season.get("episodes", []):
                item = QTreeWidgetItem(
                    [
                        f"{episode.get('number', '')}. {episode.get('title', '')}",
                        duration_text(episode.get("durationS")),
                        "▶ playable" if episode.get("playable") else "",
                    ]
                )
                item.setData(0, EPISODE_ROLE, episode["titleId"] if episode.get("playable") else None)
                parent.addChild(item)
            self.view.episodes.addTopLevelItem(parent)
        if seasons:
            self.view.episodes.topLevelItem(0).setExpanded(True)
        self.view.episodes.setVisible(bool(seasons))

    def _tell(self, kind: str, value: float | None, thanks: str) -> None:
        if self.profile_id is None or self.title_id is None:
            return
        self.events.send(self.profile_id, self.title_id, kind, value)
        self.view.message.setText(thanks)

    def _told(self, kind: str, _title_id: str) -> None:
        if kind in ("add_to_list", "rate"):
            self.taste_changed.emit()

    def _play(self) -> None:
        if self.title_id is not None:
            self.play_requested.emit(self.title_id)

    def _play_episode(self, item: QTreeWidgetItem) -> None:
        episode_id = item.data(0, EPISODE_ROLE)
        if episode_id:
            self.play_requested.emit(episode_id)

    def _set_poster(self, title_id: str, pixmap: QPixmap) -> None:
        if title_id == self.title_id:
            self.view.set_poster(pixmap)

    def _show_error(self, message: str) -> None:
        self.view.message.setText(f"Could not load the title: {message}")
