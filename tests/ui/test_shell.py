"""The desktop shell: mode switch, About box, and a real embedded backend feeding the screens."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QThreadPool
from pytestqt.qtbot import QtBot

from app.config import Settings
from app.ui.about_dialog import AboutDialog
from app.ui.backend_connection import BackendConnection, BackendState
from app.ui.main_window import MainWindow
from app.ui.shell_controller import ShellController
from app.ui.versions import component_versions

from .backend import start_backend


def test_mode_switch_shows_the_matching_page(qtbot: QtBot, sqlite_settings: Settings) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    controller = ShellController(window, BackendConnection(sqlite_settings))
    assert window.pages.currentWidget() is controller.browse.view
    window.mode_actions["Studio"].trigger()
    assert window.pages.currentWidget() is controller.studio
    assert window.mode_actions["Studio"].isChecked() and not window.mode_actions["Player"].isChecked()


def test_about_lists_versions(qtbot: QtBot) -> None:
    versions = component_versions()
    dialog = AboutDialog(versions, "embedded backend at http://127.0.0.1:1")
    qtbot.addWidget(dialog)
    assert {"Marquee", "Python", "Qt", "PySide6", "PyAV"} <= set(dialog.version_labels)
    assert dialog.version_labels["Backend"].text().startswith("embedded backend")


def test_shell_starts_the_backend_and_shows_home_rows(
    qtbot: QtBot, sqlite_settings: Settings, artifacts: Path
) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    backend = BackendConnection(sqlite_settings)
    controller = ShellController(window, backend)
    window.show()
    states: list[str] = []
    backend.state_changed.connect(lambda state, _detail: states.append(state))
    try:
        start_backend(qtbot, backend)
        assert states[0] == BackendState.STARTING
        assert "ready" in window.backend_label.text()
        home = controller.browse.view.home
        qtbot.waitUntil(lambda: len(home.rows) >= 3, timeout=30_000)
        assert home.rows[0].title_label.text() and all(row.cards for row in home.rows)
        assert controller.browse.view.profile_picker.combo.count() >= 3
        qtbot.waitUntil(home.rows[0].cards[0].has_poster, timeout=30_000)
        window.grab().save(str(artifacts / "shell-player-home.png"))
        window.mode_actions["Studio"].trigger()
        controller.studio.setCurrentWidget(controller.studio.jobs)  # the studio opens on its ingest tab
        qtbot.waitUntil(lambda: "jobs" in controller.jobs.view.message.text().lower(), timeout=30_000)
        pid = backend.embedded.pid if backend.embedded else None
    finally:
        QThreadPool.globalInstance().waitForDone(5_000)  # posters still loading must not outlive the test
        backend.stop()
    assert pid is not None and backend.embedded is None
