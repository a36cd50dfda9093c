"""Browse (controller): who is watching, and which of home, search results or a title page is shown."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QWidget
from shiboken6 import isValid

from app.player.ui.browse.browse_page import BrowsePage
from app.player.ui.browse.events import EventSender
from app.player.ui.browse.home_controller import HomeController
from app.player.ui.browse.poster_loader import CARD_POSTER, PosterLoader
from app.player.ui.browse.profile_controller import ProfileController
from app.player.ui.browse.search_controller import SearchController
from app.player.ui.browse.title_controller import TitleController
from app.player.ui.browse.title_view import TITLE_POSTER
from app.ui.backend_connection import BackendConnection

TITLE_POSTER_CAPACITY = 32  # big posters are only for the title page: a short history is enough


class BrowseController(QObject):
    """Routes between the screens; ``title.play_requested`` is where the player plugs in."""

    def __init__(self, view: BrowsePage, backend: BackendConnection) -> None:
        super().__init__(view)
        self.view = view
        card_posters = PosterLoader(backend.client, CARD_POSTER, parent=self)
        title_posters = PosterLoader(backend.client, TITLE_POSTER, TITLE_POSTER_CAPACITY, parent=self)
        self.profiles = ProfileController(view.profile_picker, backend, view.status)
        self.home = HomeController(view.home, backend, card_posters)
        events = EventSender(backend, parent=self)
        self.search = SearchController(view.search, view.search_box, backend, card_posters, events)
        self.title = TitleController(view.title, backend, title_posters, events)
        self._profile_id: str | None = None
        self._return_to: QWidget = view.home
        self._return_focus: QWidget | None = None
        self.profiles.profile_changed.connect(self._on_profile)
        self.home.title_requested.connect(self.open_title)
        self.search.title_requested.connect(self.open_title)
        view.search_box.textChanged.connect(self._on_query_typed)
        view.title.back_button.clicked.connect(self.back)
        self.title.taste_changed.connect(self._reload_home)
        back = QShortcut(QKeySequence(Qt.Key.Key_Escape), view.title)
        back.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        back.activated.connect(self.back)

    def backend_ready(self) -> None:
        self.profiles.load()

    def open_title(self, title_id: str, reason: str) -> None:
        if self.view.stack.currentWidget() is not self.view.title:
            self._return_to = self.view.stack.currentWidget()
            self._return_focus = QApplication.focusWidget()
        self.title.show(title_id, reason)
        self.view.stack.setCurrentWidget(self.view.title)
        self.view.title.back_button.setFocus()

    def back(self) -> None:
        """Return to the screen the title was opened from, with the card or hit that opened it focused."""
        self.view.stack.setCurrentWidget(self._return_to)
        focus = self._return_focus  # a card is deleted when the rows reload (say, for another profile)
        if focus is not None and isValid(focus) and focus.isVisible():
            focus.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_profile(self, profile_id: str) -> None:
        self._profile_id = profile_id
        self.search.profile_id = profile_id
        self.title.profile_id = profile_id
        self.home.load(profile_id)

    def _reload_home(self) -> None:
        """The server re-ranks the rows from the new event at once; show them when the viewer goes back."""
        if self._profile_id is not None:
            self.home.load(self._profile_id)

    def _on_query_typed(self, text: str) -> None:
        page = self.view.search if text.strip() else self.view.home
        self.view.stack.setCurrentWidget(page)
        self._return_to = page
