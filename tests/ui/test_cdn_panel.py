"""The studio's CDN panel over a real embedded backend running its own CDN tiers."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from app.config import Settings
from app.studio.ui.cdn_controller import CdnController
from app.studio.ui.cdn_view import CdnView
from app.ui.backend_connection import BackendConnection

from .backend import start_backend

WAIT_MS = 30_000


def _row(view: CdnView, name: str) -> int:
    return next(r for r in range(view.table.rowCount()) if view.table.item(r, 0).text() == name)


def test_panel_lists_the_tiers_and_injects_faults(
    qtbot: QtBot, sqlite_settings: Settings, artifacts: Path
) -> None:
    backend = BackendConnection(sqlite_settings.model_copy(update={"cdn_edges": 2}))
    view = CdnView()
    qtbot.addWidget(view)
    controller = CdnController(view, backend)
    try:
        start_backend(qtbot, backend)
        controller.backend_ready()
        qtbot.waitUntil(lambda: view.table.rowCount() == 4, timeout=WAIT_MS)
        assert [view.table.item(r, 0).text() for r in range(4)] == ["origin", "hub", "edge-0", "edge-1"]
        assert all(view.table.item(r, 1).text() == "up" for r in range(4))

        view.chaos_buttons["Fail 30 %"].click()
        assert view.message.text() == "Select a server first."
        view.table.selectRow(_row(view, "edge-1"))
        view.chaos_buttons["Fail 30 %"].click()
        qtbot.waitUntil(
            lambda: "failRatio 0.3" in view.table.item(_row(view, "edge-1"), 7).text(), timeout=WAIT_MS
        )
        assert view.table.item(_row(view, "edge-0"), 7).text() == "none"
        view.show()
        view.resize(1000, 320)
        view.grab().save(str(artifacts / "cdn-panel.png"))
        view.table.selectRow(_row(view, "edge-1"))
        view.chaos_buttons["Clear faults"].click()
        qtbot.waitUntil(lambda: view.table.item(_row(view, "edge-1"), 7).text() == "none", timeout=WAIT_MS)
    finally:
        controller.set_active(False)
        backend.stop()
