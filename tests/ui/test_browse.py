"""Browse screens against a real embedded backend: home rows and posters, keys, search, titles, profiles.

One backend serves the whole module (starting it is the slow part); each test builds a fresh page.
Features the backend may not have yet (facets, events, adding profiles, the quiz) are probed live and
their tests skip until the endpoint answers.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from PySide6.QtCore import QEventLoop, Qt, QThreadPool, QTimer
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from app.client.api import ApiClient
from app.config import Settings
from app.player.ui.browse.browse_controller import BrowseController
from app.player.ui.browse.browse_page import BrowsePage
from app.player.ui.browse.home_view import HomeRowView, PosterCard
from app.ui.backend_connection import BackendConnection, BackendState

START_TIMEOUT_MS = 60_000
WAIT_MS = 15_000
KIDS_MATURITY = 7


@pytest.fixture(scope="module")
def backend(qapp: QApplication, tmp_path_factory: pytest.TempPathFactory) -> Iterator[BackendConnection]:
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("browse") / "data", content_token="browse-token", demo_titles=40
    )
    connection = BackendConnection(settings)
    loop = QEventLoop()
    connection.state_changed.connect(lambda state, _detail: state != BackendState.STARTING and loop.quit())
    QTimer.singleShot(START_TIMEOUT_MS, loop.quit)
    connection.start()
    loop.exec()
    assert connection.state == BackendState.READY
    yield connection
    QThreadPool.globalInstance().waitForDone(5_000)  # no poster fetch may outlive the backend or the app
    connection.stop()


def answers(backend: BackendConnection, method: str, path: str, **kwargs: object) -> bool:
    """Whether the backend has the endpoint at all: anything but 404/405 (a 422 for a bad body counts)."""
    assert backend.base_url is not None
    response = httpx.request(method, backend.base_url + path, timeout=10, **kwargs)  # type: ignore[arg-type]
    return response.status_code not in (404, 405)


@pytest.fixture
def browse(qtbot: QtBot, backend: BackendConnection) -> BrowseController:
    """A shown Browse page whose home rows have arrived for the first profile."""
    page = BrowsePage()
    qtbot.addWidget(page)
    page.resize(1100, 720)
    controller = BrowseController(page, backend)
    with qtbot.waitActive(page):  # keyboard focus needs the active window
        page.show()
        page.activateWindow()
    controller.backend_ready()
    qtbot.waitUntil(lambda: len(page.home.rows) >= 3, timeout=WAIT_MS)
    return controller


def rows_replaced(browse: BrowseController, old_first: HomeRowView | None) -> bool:
    rows = browse.view.home.rows
    return bool(rows) and rows[0] is not old_first


def has_pixmap(label: QLabel) -> bool:
    return label.pixmap() is not None and not label.pixmap().isNull()


def visible_cards(controller: BrowseController) -> list[PosterCard]:
    cards = [card for row in controller.view.home.rows for card in row.cards]
    return [card for card in cards if not card.visibleRegion().isEmpty()]


def test_home_rows_load_visible_posters_lazily(
    qtbot: QtBot, browse: BrowseController, artifacts: Path
) -> None:
    rows = browse.view.home.rows
    assert rows[0].title_label.text() and all(row.cards for row in rows)
    shown = visible_cards(browse)
    assert shown, "some cards must be on screen"
    qtbot.waitUntil(lambda: all(card.has_poster() for card in visible_cards(browse)), timeout=WAIT_MS)
    everything = [card for row in rows for card in row.cards]
    assert any(not card.has_poster() for card in everything), "off-screen posters wait until scrolled to"
    assert 0 < browse.home.posters.cached_count() <= len({card.title_id for card in everything}) // 2
    assert all(card.match_label.text().endswith("% match") for card in shown)
    browse.view.grab().save(str(artifacts / "home.png"))

    last = rows[0].cards[-1]
    assert last not in shown and not last.has_poster()
    sideways = rows[0].scroller.horizontalScrollBar()
    sideways.setValue(sideways.maximum())  # scrolling brings new cards on screen: their posters follow
    assert last in visible_cards(browse)
    qtbot.waitUntil(last.has_poster, timeout=WAIT_MS)


def test_arrow_keys_move_between_cards_and_enter_opens_the_title(
    qtbot: QtBot, browse: BrowseController
) -> None:
    rows = browse.view.home.rows
    first = rows[0].cards[0]
    qtbot.waitUntil(first.hasFocus, timeout=WAIT_MS)
    qtbot.keyClick(first, Qt.Key.Key_Right)
    assert rows[0].cards[1].hasFocus()
    qtbot.keyClick(rows[0].cards[1], Qt.Key.Key_Down)
    assert rows[1].cards[1].hasFocus()
    qtbot.keyClick(rows[1].cards[1], Qt.Key.Key_Left)
    assert rows[1].cards[0].hasFocus()
    qtbot.keyClick(rows[1].cards[0], Qt.Key.Key_Up)
    assert first.hasFocus()
    qtbot.keyClick(first, Qt.Key.Key_Left)  # edges hold focus rather than wrap
    assert first.hasFocus()

    qtbot.keyClick(first, Qt.Key.Key_Return)
    title = browse.view.title
    assert browse.view.stack.currentWidget() is title
    qtbot.waitUntil(lambda: title.title_label.text() != "", timeout=WAIT_MS)
    assert first.toolTip().startswith(title.title_label.text())
    qtbot.keyClick(title.back_button, Qt.Key.Key_Escape)
    assert browse.view.stack.currentWidget() is browse.view.home
    assert first.hasFocus(), "back returns to the card that opened the title"
    second = rows[1].cards[0]
    qtbot.mouseClick(second, Qt.MouseButton.LeftButton)
    assert browse.view.stack.currentWidget() is title and browse.title.title_id == second.title_id


def search_for_first_card(qtbot: QtBot, browse: BrowseController) -> tuple[str, list[str]]:
    """Type the longest word of the first card's title; its id and the hits' ids once they show."""
    target = browse.view.home.rows[0].cards[0]
    word = max(target.toolTip().splitlines()[0].split(), key=len)
    qtbot.keyClicks(browse.view.search_box, word.lower())
    assert browse.view.stack.currentWidget() is browse.view.search
    qtbot.waitUntil(lambda: browse.view.search.results.count() > 0, timeout=WAIT_MS)
    return target.title_id, hit_ids(browse)


def hit_ids(browse: BrowseController) -> list[str]:
    results = browse.view.search.results
    return [results.item(i).data(Qt.ItemDataRole.UserRole) for i in range(results.count())]


def test_search_as_you_type_finds_the_title_and_opens_it(qtbot: QtBot, browse: BrowseController) -> None:
    target, hits = search_for_first_card(qtbot, browse)
    assert target in hits
    results = browse.view.search.results
    results.itemActivated.emit(results.item(hits.index(target)))
    assert browse.view.stack.currentWidget() is browse.view.title
    assert browse.title.title_id == target
    browse.view.title.back_button.click()
    assert browse.view.stack.currentWidget() is browse.view.search
    browse.view.search_box.clear()
    assert browse.view.stack.currentWidget() is browse.view.home


def test_typing_sends_one_request_and_a_slow_stale_answer_is_dropped(
    qtbot: QtBot, browse: BrowseController, monkeypatch: pytest.MonkeyPatch
) -> None:
    queries: list[str] = []
    real = ApiClient.search_page

    def recorded(client: ApiClient, query: str, **filters: str) -> dict:
        queries.append(query)
        if query == "slow":
            time.sleep(0.6)  # answers after the newer query below
            return real(client, "the", **filters)
        return real(client, query, **filters)

    monkeypatch.setattr(ApiClient, "search_page", recorded)
    _, hits = search_for_first_card(qtbot, browse)
    assert len(queries) == 1, "the debounce folds a burst of keystrokes into one request"
    browse.view.search_box.setText("slow")
    browse.search.search()
    browse.view.search_box.setText(queries[0])
    browse.search.search()
    qtbot.waitUntil(lambda: len(queries) == 3, timeout=WAIT_MS)
    qtbot.wait(1_000)  # the slow, stale answer has arrived by now
    assert hit_ids(browse) == hits


def test_a_genre_chip_narrows_the_results(
    qtbot: QtBot, browse: BrowseController, backend: BackendConnection, artifacts: Path
) -> None:
    assert backend.base_url is not None
    if "facets" not in httpx.get(backend.base_url + "/api/v1/search", params={"q": "the"}, timeout=10).json():
        pytest.skip("backend search has no facets yet")
    qtbot.keyClicks(browse.view.search_box, "the")  # broad: many hits across several genres
    qtbot.waitUntil(lambda: browse.view.search.results.count() > 1, timeout=WAIT_MS)
    hits = hit_ids(browse)
    results = browse.view.search.results
    chips = browse.view.search.genre_bar.chips
    assert chips and browse.view.search.decade_bar.chips
    chip = min(chips, key=lambda c: int(c.text().split()[-1]))  # the label ends with its count
    expected = min(int(chip.text().split()[-1]), len(hits))
    assert expected < len(hits), "the rarest genre must narrow the list"
    chip.click()
    assert browse.search.filters.get("genre")
    qtbot.waitUntil(lambda: len(hit_ids(browse)) == expected and hit_ids(browse) != hits, timeout=WAIT_MS)
    assert [c.isChecked() for c in browse.view.search.genre_bar.chips].count(True) == 1
    thumbs = [results.itemWidget(results.item(i)).thumb for i in range(results.count())]
    qtbot.waitUntil(lambda: all(has_pixmap(thumb) for thumb in thumbs), timeout=WAIT_MS)
    browse.view.grab().save(str(artifacts / "search.png"))


def test_opening_a_hit_records_a_search_click(
    qtbot: QtBot, browse: BrowseController, backend: BackendConnection
) -> None:
    if not answers(backend, "POST", "/api/v1/events", json={"events": []}):
        pytest.skip("backend has no POST /api/v1/events yet")
    _, hits = search_for_first_card(qtbot, browse)
    results = browse.view.search.results
    results.itemActivated.emit(results.item(0))
    database = backend.settings.data_dir / "marquee.db"

    def clicks() -> int:
        with sqlite3.connect(database) as db:
            query = "SELECT count(*) FROM events WHERE type = 'search_click' AND title_id = ?"
            return db.execute(query, (hits[0],)).fetchone()[0]

    qtbot.waitUntil(lambda: clicks() >= 1, timeout=WAIT_MS)


def test_title_page_shows_credits_and_disables_play_when_not_playable(
    qtbot: QtBot, browse: BrowseController, artifacts: Path
) -> None:
    ids = list(dict.fromkeys(card.title_id for row in browse.view.home.rows for card in row.cards))
    with browse.home.backend.client() as client:
        details = [d for d in map(client.title, ids[:40]) if not d["playable"] and d["credits"]]
    detail = next((d for d in details if d["seasons"]), details[0])  # a series shows its episodes too
    requested: list[str] = []
    browse.title.play_requested.connect(requested.append)
    browse.open_title(detail["titleId"], "Because you like testing")
    view = browse.view.title
    qtbot.waitUntil(lambda: view.title_label.text() == detail["title"], timeout=WAIT_MS)
    assert "Cast:" in view.credits_label.text()
    assert not view.play_button.isEnabled()
    view.play_button.click()
    assert requested == []
    assert view.why_label.text() == "Why recommended: Because you like testing"
    assert str(detail["year"]) in view.facts_label.text()
    episodes = sum(len(season["episodes"]) for season in detail["seasons"])
    tree = view.episodes
    assert sum(tree.topLevelItem(i).childCount() for i in range(tree.topLevelItemCount())) == episodes
    qtbot.waitUntil(lambda: has_pixmap(view.poster), timeout=WAIT_MS)
    browse.view.grab().save(str(artifacts / "title.png"))


def test_liking_a_title_records_a_rating_and_reloads_the_rows(
    qtbot: QtBot, browse: BrowseController, backend: BackendConnection
) -> None:
    title_id = browse.view.home.rows[0].cards[0].title_id
    browse.open_title(title_id, "")
    view = browse.view.title
    qtbot.waitUntil(lambda: bool(view.title_label.text()), timeout=WAIT_MS)
    database = backend.settings.data_dir / "marquee.db"

    def ratings() -> list[float]:
        with sqlite3.connect(database) as db:
            query = "SELECT value FROM events WHERE type = 'rate' AND title_id = ? AND profile_id = ?"
            return [row[0] for row in db.execute(query, (title_id, browse.title.profile_id))]

    reloads: list[str] = []
    browse.home.load = reloads.append  # type: ignore[method-assign]  # observe the reload, skip its work
    with qtbot.waitSignal(browse.title.taste_changed, timeout=WAIT_MS):
        view.like_button.click()
    del browse.home.load  # back to the real method
    assert reloads == [browse.title.profile_id]
    qtbot.waitUntil(lambda: ratings() == [5.0], timeout=WAIT_MS)
    assert view.message.text() == "Noted: more like this."
    browse.back()


def test_switching_to_the_kids_profile_reloads_rows_rated_seven_and_under(
    qtbot: QtBot, browse: BrowseController
) -> None:
    combo = browse.view.profile_picker.combo
    kids = next(
        i for i in range(combo.count()) if browse.profiles.profiles[combo.itemData(i)]["maturity"] <= 7
    )
    old_first = browse.view.home.rows[0]
    combo.setCurrentIndex(kids)
    assert browse.home.profile_id == combo.itemData(kids)
    qtbot.waitUntil(
        lambda: bool(browse.view.home.rows) and browse.view.home.rows[0] is not old_first, timeout=WAIT_MS
    )
    ids = {card.title_id for row in browse.view.home.rows for card in row.cards}
    with browse.home.backend.client() as client:
        ratings = {title_id: client.title(title_id)["maturityRating"] for title_id in ids}
    assert ratings and max(ratings.values()) <= KIDS_MATURITY


def test_add_profile_runs_the_genre_quiz_then_reloads_home(
    qtbot: QtBot, browse: BrowseController, backend: BackendConnection, artifacts: Path
) -> None:
    if not answers(backend, "GET", "/api/v1/genres") or not answers(
        backend, "POST", "/api/v1/profiles", json={}
    ):
        pytest.skip("backend cannot add profiles or run the genre quiz yet")
    browse.view.profile_picker.add_button.click()
    dialog = browse.profiles.add_dialog
    assert dialog is not None and not dialog.ok_button.isEnabled()
    dialog.name.setText("Robin")
    dialog.kids.setChecked(True)
    dialog.ok_button.click()
    qtbot.waitUntil(
        lambda: browse.profiles.quiz is not None and bool(browse.profiles.quiz.chips), timeout=WAIT_MS
    )
    quiz = browse.profiles.quiz
    assert quiz is not None
    for chip in quiz.chips[:2]:
        chip.click()
    assert not quiz.done_button.isEnabled(), "fewer than three genres is not enough"
    quiz.chips[2].click()
    assert quiz.done_button.isEnabled()
    quiz.grab().save(str(artifacts / "quiz.png"))
    # The picker switches to the new profile once the reloaded list arrives (it may trail the quiz).
    qtbot.waitUntil(
        lambda: browse.profiles.profiles.get(browse.profiles.profile_id, {}).get("name") == "Robin",
        timeout=WAIT_MS,
    )
    new_id = browse.profiles.profile_id
    old_first = browse.view.home.rows[0] if browse.view.home.rows else None
    quiz.done_button.click()
    qtbot.waitUntil(lambda: "Tastes saved" in browse.view.status.text(), timeout=WAIT_MS)
    assert browse.home.profile_id == new_id
    qtbot.waitUntil(
        lambda: bool(browse.view.home.rows) and browse.view.home.rows[0] is not old_first, timeout=WAIT_MS
    )
