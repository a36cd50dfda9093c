"""The studio's ingest panel: dropped masters are probed for real and only accepted ones can be encoded."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.config import Settings
from app.studio.media.synthetic import synthesize_master
from app.studio.ui.ingest_controller import IngestController
from app.studio.ui.ingest_view import IngestView
from app.ui.backend_connection import BackendConnection

from .studio import drop_files

PROBE_WAIT_MS = 30_000


@pytest.fixture
def panel(qtbot: QtBot, sqlite_settings: Settings) -> tuple[IngestView, IngestController]:
    """The panel over a backend that is never started: validating needs no backend, only submitting."""
    view = IngestView()
    qtbot.addWidget(view)
    return view, IngestController(view, BackendConnection(sqlite_settings))


def _report(view: IngestView) -> dict[str, str]:
    return {
        view.report.item(r, 0).text(): view.report.item(r, 1).text() for r in range(view.report.rowCount())
    }


def _dropped(qtbot: QtBot, view: IngestView, controller: IngestController, path: Path) -> None:
    assert drop_files(view.drop_zone, [path])
    qtbot.waitUntil(lambda: controller.check(path) is not None, timeout=PROBE_WAIT_MS)


def test_a_good_master_gets_a_passing_report(
    qtbot: QtBot, tmp_path: Path, panel: tuple[IngestView, IngestController]
) -> None:
    view, controller = panel
    master = synthesize_master(tmp_path / "my_short-film.mp4", seconds=2.0, width=160, height=90)
    _dropped(qtbot, view, controller, master)

    assert controller.check(master).accepted
    assert view.verdict.text() == "my_short-film.mp4 is accepted"
    report = _report(view)
    assert report["Container"] == "mov,mp4,m4a,3gp,3g2,mj2"
    assert report["Video codec"].startswith("h264")
    assert report["Resolution"] == "160x90"
    assert report["Frame rate"] == "24.000 fps, CFR (constant)"
    assert "2.00 s" in report["Duration"]
    assert report["Audio tracks"] == "1: aac 2 ch"
    assert "start, middle and end" in report["Decodable"]
    assert view.title_edit.text() == "my short film"
    assert view.masters.item(0).text() == "✔ my_short-film.mp4"
    assert view.encode_button.isEnabled()

    for box in view.codec_boxes.values():  # no codec chosen: nothing to encode
        box.setChecked(False)
    assert not view.encode_button.isEnabled()


def test_a_text_file_named_mp4_is_rejected_precisely_and_cannot_be_encoded(
    qtbot: QtBot, tmp_path: Path, panel: tuple[IngestView, IngestController]
) -> None:
    view, controller = panel
    fake = tmp_path / "notes.mp4"
    fake.write_text("these are meeting notes, not a film\n" * 20)
    _dropped(qtbot, view, controller, fake)

    check = controller.check(fake)
    assert not check.accepted and check.error_code == "not_media"
    assert (
        view.verdict.text() == "notes.mp4: Rejected (not_media): notes.mp4 is not a recognisable media file"
    )
    assert "#d93025" in view.verdict.styleSheet()
    assert view.report.rowCount() == 0
    assert view.masters.item(0).text() == "✖ notes.mp4 (not_media)"
    assert not view.encode_button.isEnabled()
    view.encode_button.click()
    assert view.message.text() == ""  # nothing was submitted


def test_a_silent_master_is_accepted_only_when_allowed(
    qtbot: QtBot, tmp_path: Path, panel: tuple[IngestView, IngestController]
) -> None:
    view, controller = panel
    silent = synthesize_master(tmp_path / "silent.mp4", seconds=1.0, audio=False)
    _dropped(qtbot, view, controller, silent)
    assert controller.check(silent).error_code == "no_audio"
    assert not view.encode_button.isEnabled()

    view.allow_silent.setChecked(True)  # probes again with the new rule
    qtbot.waitUntil(lambda: (c := controller.check(silent)) is not None and c.accepted, timeout=PROBE_WAIT_MS)
    assert _report(view)["Audio tracks"] == "none (silent master allowed)"
    assert view.encode_button.isEnabled()


def test_the_drop_zone_ignores_drags_without_local_files(panel: tuple[IngestView, IngestController]) -> None:
    view, _ = panel
    assert not drop_files(view.drop_zone, [])
    assert view.masters.count() == 0
