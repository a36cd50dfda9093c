"""Browse (controller): who is watching, and which of home, search results, a title, the player or the
ABR lab is shown."""

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
from app.player.ui.playback.player_controller import PlayerController
from app.player.ui.playback.sources import BackendSource
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
        self.player = PlayerController(view.player, BackendSource(backend.client))
        self._profile_id: str | None = None
        self._return_to: QWidget = view.home
        self._return_focus: QWidget | None = None
        self._before_lab: QWidget = view.home
        self.profiles.profile_changed.connect(self._on_profile)
        self.home.title_requested.connect(self.open_title)
        self.search.title_requested.connect(self.open_title)
        view.search_box.textChanged.connect(self._on_query_typed)
        view.title.back_button.clicked.connect(self.back)
        self.title.taste_changed.connect(self._reload_home)
        self.title.play_requested.connect(self.play)
        self.player.closed.connect(self._close_player)
        view.lab_button.toggled.connect(self._show_lab)
        view.stack.currentChanged.connect(self._page_changed)
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

    def play(self, title_id: str) -> None:
        """The title page's Play: the player takes the page, for the profile watching now."""
        if self._profile_id is None:
            return
        self.view.stack.setCurrentWidget(self.view.player)
        self.player.play(title_id, self._profile_id, self.view.title.title_label.text())
        self.view.player.play_button.setFocus()

    def _close_player(self) -> None:
        self.view.stack.setCurrentWidget(self.view.title)
        self.view.title.play_button.setFocus()

    def _page_changed(self, _index: int) -> None:
        """Leaving the player any way (Back, search, the lab) stops the playback."""
        current = self.view.stack.currentWidget()
        if current is not self.view.player:
            self.player.stop()
        self.view.lab_button.setChecked(current is self.view.lab)

    def _show_lab(self, on: bool) -> None:
        stack = self.view.stack
        if on and stack.currentWidget() is not self.view.lab:
            self._before_lab = stack.currentWidget()
            stack.setCurrentWidget(self.view.lab)
        elif not on and stack.currentWidget() is self.view.lab:
            back = self._before_lab
            stack.setCurrentWidget(self.view.title if back is self.view.player else back)

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
