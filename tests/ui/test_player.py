"""The player page over the real engine: a packaged title served over real HTTP, no backend needed.

The engine runs faster than real time (``EngineOptions.speed``) so a 16 s title takes a few seconds;
everything else — fetching, ABR, decoding, the bridge to the GUI thread, painting — is the real thing.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import av
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from app.client.api import ApiError
from app.config import Settings
from app.player.engine.options import EngineOptions
from app.player.engine.state import PlayerState
from app.player.fetch.edges import Edge
from app.player.network.profiles import PROFILES
from app.player.ui.browse.browse_controller import BrowseController
from app.player.ui.browse.browse_page import BrowsePage
from app.player.ui.browse.theme import STYLE
from app.player.ui.playback import PlayerController, PlayerView
from app.player.ui.playback.audio_output import AudioOutput, PcmQueue
from app.player.ui.playback.sources import EdgesSource, OpenedSession
from app.studio.demo import produce_demo_package
from app.ui.backend_connection import BackendConnection
from app.ui.main_window import MainWindow
from app.ui.shell_controller import ShellController
from tests.player.media_server import MediaServer

WAIT_MS = 60_000  # generous: decoding is CPU-bound and CI machines are small and busy
DURATION_S = 16.0  # the demo package: 4 segments of 4 s


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[MediaServer, str]]:
    """A served demo title (3 H.264 rungs + AAC) and its master playlist's URL."""
    root = tmp_path_factory.mktemp("player-media")
    produce_demo_package(root, "t1", 0)
    (master,) = root.glob("titles/t1/*/master.m3u8")
    server = MediaServer(root).start()
    yield server, f"{server.url}/{master.relative_to(root).as_posix()}"
    server.stop()


class Player:
    """A shown player page with its controller, and every state it went through."""

    def __init__(self, qtbot: QtBot, source: object, speed: float) -> None:
        self.qtbot = qtbot
        self.view = PlayerView()
        # Hosted and themed as the Player mode's page hosts it, so the screenshot shows what viewers see.
        self.page = QWidget()
        self.page.setObjectName("browsePage")
        self.page.setStyleSheet(STYLE)
        QVBoxLayout(self.page).addWidget(self.view)
        qtbot.addWidget(self.page)
        self.page.resize(1400, 800)
        self.page.show()
        self.controller = PlayerController(self.view, source, EngineOptions(speed=speed))  # type: ignore[arg-type]
        self.states: list[PlayerState] = []
        self.controller.state_changed.connect(lambda state, _detail: self.states.append(state))

    def wait_for(self, state: PlayerState) -> None:
        self.qtbot.waitUntil(lambda: state in self.states, timeout=WAIT_MS)

    def position(self) -> float:
        engine = self.controller.engine
        assert engine is not None
        return engine.snapshot().position_s

    def decisions(self) -> list[str]:
        log = self.view.abr_panel.decisions
        return [log.item(row).text() for row in range(log.count())]

    def close(self) -> None:
        self.controller.stop()
        self.qtbot.waitUntil(lambda: self.controller.stopping == 0, timeout=WAIT_MS)


@pytest.fixture
def make_player(qtbot: QtBot) -> Iterator:
    players: list[Player] = []

    def make(source: object, speed: float = 4.0) -> Player:
        players.append(Player(qtbot, source, speed))
        return players[-1]

    yield make
    for player in players:
        player.close()


def has_picture(image: QImage) -> bool:
    """Any clearly non-black pixel on a coarse grid."""
    step = 16
    for y in range(0, image.height(), step):
        for x in range(0, image.width(), step):
            colour = image.pixelColor(x, y)
            if colour.red() + colour.green() + colour.blue() > 60:
                return True
    return False


def test_a_title_plays_to_the_end_with_picture_plots_decisions_and_qoe(
    qtbot: QtBot, media: tuple[MediaServer, str], make_player, artifacts: Path
) -> None:
    _, master = media
    player = make_player(EdgesSource([Edge("edge0", master)]))
    player.controller.play("t1", "p1", "Test title")
    player.wait_for(PlayerState.PLAYING)
    qtbot.waitUntil(lambda: player.view.video.frames_shown > 10, timeout=WAIT_MS)
    assert has_picture(player.view.video.grab().toImage())
    player.wait_for(PlayerState.ENDED)
    assert player.states.index(PlayerState.PLAYING) < player.states.index(PlayerState.ENDED)
    assert PlayerState.ERROR not in player.states

    decisions = player.decisions()
    assert len(decisions) == 4
    assert all(d.startswith(f"segment {i}: ") and " — " in d for i, d in enumerate(decisions))
    assert all(d.split(" — ", 1)[1].strip() for d in decisions)  # every choice has its reason
    labels = [player.view.quality_combo.itemText(i) for i in range(player.view.quality_combo.count())]
    assert labels == ["Auto", "360p", "270p", "180p"]

    series = player.view.abr_panel.plots.series["Unshaped"]
    assert len(series.points("bitrate_kbps")[0]) == 4
    assert len(series.points("throughput_mbps")[0]) >= 4
    assert len(series.points("estimate_mbps")[0]) >= 3
    assert series.points("buffer_s")[0]

    qoe = player.view.abr_panel.qoe
    qtbot.waitUntil(qoe.isVisible, timeout=WAIT_MS)  # the summary follows ENDED once it is reported
    assert "Quality of experience" in qoe.text() and "16.0 s in 4 segments" in qoe.text()
    assert not player.view.message.isVisible()
    assert player.view.time_label.text() == "0:16 / 0:16"
    assert player.view.seek_bar.position_s == pytest.approx(DURATION_S, abs=0.2)

    player.page.grab().save(str(artifacts / "player_abr_panel.png"))
    assert (artifacts / "player_abr_panel.png").stat().st_size > 20_000


def test_pause_seek_quality_volume_and_fullscreen_through_the_controls(
    qtbot: QtBot, media: tuple[MediaServer, str], make_player
) -> None:
    _, master = media
    player = make_player(EdgesSource([Edge("edge0", master)]), speed=1.0)
    view, controller = player.view, player.controller
    controller.play("t1", "p1")
    player.wait_for(PlayerState.PLAYING)

    qtbot.mouseClick(view.play_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: controller.engine.state == PlayerState.PAUSED, timeout=WAIT_MS)
    paused_at = player.position()
    qtbot.wait(300)
    assert player.position() == paused_at

    lowest = view.quality_combo.findText("180p")
    view.quality_combo.setCurrentIndex(lowest)
    assert controller.engine.ctx.quality_override == 0

    bar = view.seek_bar
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=QPoint(round(bar.x_for(9.0)), bar.height() // 2))
    qtbot.waitUntil(lambda: abs(player.position() - 9.0) < 0.3, timeout=WAIT_MS)
    # The seek emptied the buffer: the segments fetched again are pinned to the lowest rung.
    qtbot.waitUntil(lambda: any("manual quality: 180p" in d for d in player.decisions()), timeout=WAIT_MS)
    pinned = [d for d in player.decisions() if "manual quality" in d]
    assert all(d.split(":")[1].strip().startswith("180p") for d in pinned)

    qtbot.mouseClick(view.play_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: controller.engine.state == PlayerState.PLAYING, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: player.position() > 9.5, timeout=WAIT_MS)
    assert controller.engine.snapshot().rung == 0

    view.volume_slider.setValue(25)
    assert controller.audio.volume == pytest.approx(0.25)

    qtbot.mouseClick(view.fullscreen_button, Qt.MouseButton.LeftButton)
    assert view.video.is_fullscreen()
    qtbot.keyClick(view.video, Qt.Key.Key_Escape)
    assert not view.video.is_fullscreen() and not view.video.isWindow()


def test_resume_prompt_resumes_where_the_viewer_left_off(
    qtbot: QtBot, media: tuple[MediaServer, str], make_player
) -> None:
    _, master = media
    player = make_player(EdgesSource([Edge("edge0", master)], resume_position_s=8.0), speed=1.0)
    player.controller.play("t1", "p1")
    bar = player.view.resume_bar
    qtbot.waitUntil(bar.isVisible, timeout=WAIT_MS)
    assert bar.question.text() == "Resume from 0:08 or start over?"
    assert player.controller.engine is None  # nothing plays until the viewer answers
    qtbot.mouseClick(bar.resume_button, Qt.MouseButton.LeftButton)
    assert not bar.isVisible()
    player.wait_for(PlayerState.PLAYING)
    assert player.position() >= 8.0
    assert player.decisions()[0].startswith("segment 2: ")


def test_another_network_profile_restarts_the_stream_where_it_was(
    qtbot: QtBot, media: tuple[MediaServer, str], make_player
) -> None:
    _, master = media
    player = make_player(EdgesSource([Edge("edge0", master)]), speed=1.0)
    player.controller.play("t1", "p1")
    player.wait_for(PlayerState.PLAYING)
    qtbot.waitUntil(lambda: player.position() > 2.0, timeout=WAIT_MS)
    first = player.controller.engine
    name = next(iter(PROFILES))
    player.view.network_combo.setCurrentIndex(player.view.network_combo.findText(name))
    qtbot.waitUntil(lambda: player.controller.engine not in (None, first), timeout=WAIT_MS)
    assert player.controller.engine.options.start_position_s >= 2.0
    qtbot.waitUntil(lambda: player.controller.engine.state == PlayerState.PLAYING, timeout=WAIT_MS)
    assert set(player.view.abr_panel.plots.series) == {"Unshaped", name}
    qtbot.waitUntil(lambda: player.controller.stopping == 0, timeout=WAIT_MS)
    assert first.wait(0)  # the first engine was stopped and reported


class RefusingSource:
    """What the backend answers for a title that is still encoding."""

    def open(self, title_id: str, profile_id: str) -> OpenedSession:
        raise ApiError(409, "title_not_playable", f"title {title_id!r} is not playable (status ENCODING)")


def test_a_title_the_backend_will_not_play_shows_why(qtbot: QtBot, make_player) -> None:
    player = make_player(RefusingSource())
    player.controller.play("t9", "p1")
    message = player.view.message
    qtbot.waitUntil(message.isVisible, timeout=WAIT_MS)
    assert message.text().startswith("This title is not playable yet: title 't9' is not playable")
    assert player.controller.engine is None and player.states == []


def test_a_broken_manifest_ends_with_an_error_in_the_view(
    qtbot: QtBot, media: tuple[MediaServer, str], make_player
) -> None:
    server, _ = media
    player = make_player(EdgesSource([Edge("edge0", f"{server.url}/titles/missing/master.m3u8")]))
    player.controller.play("missing", "p1")
    player.wait_for(PlayerState.ENDED)
    message = player.view.message
    qtbot.waitUntil(message.isVisible, timeout=WAIT_MS)
    assert message.text().startswith("Playback failed: cannot load the manifest")
    assert player.view.video.frames_shown == 0


def test_audio_is_resampled_to_pcm_and_silent_without_a_device(
    qtbot: QtBot, media: tuple[MediaServer, str]
) -> None:
    server, _ = media
    (init,) = server.root.glob("titles/t1/*/aac/init.mp4")
    data = init.read_bytes() + (init.parent / "seg_00001.m4s").read_bytes()
    with av.open(io.BytesIO(data)) as container:
        frames = list(container.decode(container.streams.audio[0]))
    queue = PcmQueue()
    queue.push(frames)
    assert queue.queued_seconds == pytest.approx(4.0, abs=0.1)
    chunk = queue.read(1001)
    assert len(chunk) == 1000 and len(chunk) % 4 == 0  # whole s16 stereo sample frames only
    queue.clear()
    assert queue.queued_bytes == 0

    audio = AudioOutput()  # offscreen: no Qt Multimedia or no device, so no sound, no error
    if not audio.available:
        assert audio.unavailable_reason
        audio.enqueue(frames)
        assert audio.queue is None or audio.queue.queued_bytes == 0
    audio.set_volume(1.5)
    assert audio.volume == 1.0
    audio.close()


def test_play_on_a_title_page_opens_the_player_and_back_stops_it(
    qtbot: QtBot, media: tuple[MediaServer, str], sqlite_settings: Settings
) -> None:
    """The browse wiring; the backend is never started, so the player gets its media from fixed edges."""
    _, master = media
    page = BrowsePage()
    qtbot.addWidget(page)
    page.resize(1400, 800)
    page.show()
    browse = BrowseController(page, BackendConnection(sqlite_settings))
    browse.player.source = EdgesSource([Edge("edge0", master)])
    browse.player.options = EngineOptions(speed=4.0)
    browse.profiles.profile_changed.emit("p1")
    browse.open_title("t1", "")
    browse.title.play_requested.emit("t1")
    assert page.stack.currentWidget() is page.player
    qtbot.waitUntil(lambda: browse.player.engine is not None, timeout=WAIT_MS)
    engine = browse.player.engine
    qtbot.waitUntil(lambda: engine.state == PlayerState.PLAYING, timeout=WAIT_MS)

    qtbot.mouseClick(page.player.back_button, Qt.MouseButton.LeftButton)
    assert page.stack.currentWidget() is page.title and browse.player.engine is None
    qtbot.waitUntil(lambda: browse.player.stopping == 0, timeout=WAIT_MS)
    assert engine.wait(0)

    qtbot.mouseClick(page.lab_button, Qt.MouseButton.LeftButton)
    assert page.stack.currentWidget() is page.lab
    qtbot.mouseClick(page.lab_button, Qt.MouseButton.LeftButton)
    assert page.stack.currentWidget() is page.title


def test_switching_to_the_studio_pauses_playback(
    qtbot: QtBot, media: tuple[MediaServer, str], sqlite_settings: Settings
) -> None:
    _, master = media
    window = MainWindow()
    qtbot.addWidget(window)
    shell = ShellController(window, BackendConnection(sqlite_settings))  # never started: fixed edges
    player = shell.browse.player
    player.source = EdgesSource([Edge("edge0", master)])
    player.options = EngineOptions(speed=1.0)
    shell.browse.profiles.profile_changed.emit("p1")
    shell.browse.open_title("t1", "")
    shell.browse.title.play_requested.emit("t1")
    qtbot.waitUntil(lambda: player.engine is not None, timeout=WAIT_MS)
    engine = player.engine
    try:
        qtbot.waitUntil(lambda: engine.state == PlayerState.PLAYING, timeout=WAIT_MS)
        window.mode_actions["Studio"].trigger()
        qtbot.waitUntil(lambda: engine.state == PlayerState.PAUSED, timeout=WAIT_MS)
        window.mode_actions["Player"].trigger()  # coming back does not start it behind the viewer's back
        qtbot.wait(300)
        assert engine.state == PlayerState.PAUSED
        qtbot.mouseClick(shell.browse.view.player.play_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: engine.state == PlayerState.PLAYING, timeout=WAIT_MS)
    finally:
        player.stop()
        qtbot.waitUntil(lambda: player.stopping == 0, timeout=WAIT_MS)
