"""Start a screen's real embedded backend and wait until it is ready."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from app.ui.backend_connection import BackendConnection, BackendState

START_TIMEOUT_MS = 60_000


def start_backend(qtbot: QtBot, backend: BackendConnection) -> None:
    with qtbot.waitSignal(
        backend.state_changed,
        timeout=START_TIMEOUT_MS,
        check_params_cb=lambda state, _detail: state == BackendState.READY,
    ):
        backend.start()
