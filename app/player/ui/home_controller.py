"""Browse screen (controller): loads profiles and home rows in the background and fills the view."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QTreeWidgetItem

from app.player.ui.home_view import HomeView
from app.ui.backend_connection import BackendConnection
from app.ui.tasks import run_in_background


class HomeController(QObject):
    def __init__(self, view: HomeView, backend: BackendConnection) -> None:
        super().__init__(view)
        self.view = view
        self.backend = backend
        view.profile_box.currentIndexChanged.connect(self._load_home)
        view.refresh_button.clicked.connect(self._load_home)

    def backend_ready(self) -> None:
        self.view.message.setText("Loading profiles…")
        run_in_background(self._fetch_profiles, self._show_profiles, self._show_error)

    def _fetch_profiles(self) -> list[dict[str, Any]]:
        with self.backend.client() as client:
            return client.profiles()

    def _show_profiles(self, profiles: list[dict[str, Any]]) -> None:
        self.view.profile_box.blockSignals(True)
        self.view.profile_box.clear()
        for profile in profiles:
            self.view.profile_box.addItem(
                f"{profile['name']} ({profile['region']}, {profile['maturity']}+)", profile["profileId"]
            )
        self.view.profile_box.blockSignals(False)
        self._load_home()

    def _load_home(self) -> None:
        profile_id = self.view.profile_box.currentData()
        if not profile_id:
            return
        self.view.message.setText("Loading…")

        def fetch() -> dict[str, Any]:
            with self.backend.client() as client:
                return client.home(profile_id)

        run_in_background(fetch, self._show_home, self._show_error)

    def _show_home(self, page: dict[str, Any]) -> None:
        self.view.rows.clear()
        for row in page["rows"]:
            parent = QTreeWidgetItem([row["rowTitle"]])
            for card in row["titles"]:
                parent.addChild(
                    QTreeWidgetItem(
                        [card["title"], f"{card['matchScore']}%", "yes" if card["playable"] else ""]
                    )
                )
            self.view.rows.addTopLevelItem(parent)
            parent.setExpanded(True)
        self.view.message.setText(f"{len(page['rows'])} rows")

    def _show_error(self, message: str) -> None:
        self.view.message.setText(f"Could not load: {message}")
