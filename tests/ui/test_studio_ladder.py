"""The ladder preview: a job's stored ladder, read through the content API, drawn as curves and hulls."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from PySide6.QtCore import QThreadPool
from pytestqt.qtbot import QtBot

from app.backend.content.job_store import SqlJobStore
from app.backend.db.engine import make_engine, make_session_factory
from app.client.ingest import IngestRequest, submit
from app.config import Settings
from app.studio.media.synthetic import synthesize_master
from app.studio.ui.jobs_controller import JobsController
from app.studio.ui.jobs_view import JobsView
from app.studio.ui.ladder_controller import LadderController
from app.studio.ui.ladder_view import LadderView
from app.studio.workflow.progress import LADDER_PART
from app.ui.backend_connection import BackendConnection

from .backend import start_backend
from .studio import HEIGHTS, SHOTS, contract_ladder

WAIT_MS = 30_000


def _store_ladder(settings: Settings, job_id: str, ladder: dict) -> None:
    """Write the ladder part as the plan step does, into the embedded backend's own database."""
    engine = make_engine(settings.resolved_database_url)
    try:
        store = SqlJobStore(make_session_factory(engine), lambda _title: None, lambda _title: "skipped")
        store.report(job_id, LADDER_PART, ladder)
    finally:
        engine.dispose()


def _curve_data(item) -> list[tuple[float, float]]:
    return list(zip(item.xData.tolist(), item.yData.tolist(), strict=True))


def _expected(ladder: dict, shot: int | None, height: int | None = None, hull: bool = False) -> list:
    points = [
        (p["bitrateKbps"], p["quality"])
        for p in ladder["points"]
        if p["shot"] == shot and (height is None or p["height"] == height) and (not hull or p["onHull"])
    ]
    return sorted(points)


def _rung_positions(ladder: dict, scale: float) -> list[float]:
    """Where the rung target lines sit on the log10 bitrate axis."""
    return sorted(math.log10(r["bitrateKbps"] * scale) for r in ladder["rungs"])


def test_the_hull_view_draws_a_stored_ladder_per_shot(
    qtbot: QtBot, sqlite_settings: Settings, tmp_path: Path, artifacts: Path
) -> None:
    backend = BackendConnection(sqlite_settings)
    view = JobsView()
    qtbot.addWidget(view)
    controller = JobsController(view, backend)
    ladder = contract_ladder()
    try:
        start_backend(qtbot, backend)
        master = synthesize_master(tmp_path / "hull.mp4", seconds=1.0)
        with backend.client() as client:
            job_id = submit(client, IngestRequest(master, "Hull Demo", ladder="per-shot"))
        controller.backend_ready()
        controller.select_job(job_id)
        qtbot.waitUntil(lambda: view.selected_job_id() == job_id, timeout=WAIT_MS)
        qtbot.waitUntil(lambda: "No ladder yet" in view.ladder.message.text(), timeout=WAIT_MS)

        _store_ladder(sqlite_settings, job_id, ladder)
        controller.refresh()  # the next poll fetches the ladder, now that the job has one
        qtbot.waitUntil(lambda: bool(view.ladder.curve_items), timeout=WAIT_MS)
    finally:
        controller.set_active(False)
        QThreadPool.globalInstance().waitForDone(5_000)
        backend.stop()

    hull_view = view.ladder
    assert hull_view.rungs.rowCount() == 4
    assert hull_view.rungs.item(3, 2).text() == "1920x1080"
    assert [hull_view.shot_combo.itemText(i) for i in range(hull_view.shot_combo.count())] == [
        "Whole title",
        "Shot 0 (0.0–4.0 s)",
        "Shot 1 (4.0–9.5 s)",
        "Shot 2 (9.5–12.0 s)",
    ]
    # Whole title: one curve per resolution with exactly its trial points, and the hull on top.
    assert sorted(hull_view.curve_items) == sorted(f"h264 {h}p" for h in HEIGHTS)
    for height in HEIGHTS:
        assert _curve_data(hull_view.curve_items[f"h264 {height}p"]) == _expected(ladder, None, height)
    assert _curve_data(hull_view.hull_items["h264 hull"]) == _expected(ladder, None, hull=True)
    hull_heights = {p["height"] for p in ladder["points"] if p["shot"] is None and p["onHull"]}
    assert len(hull_heights) > 1  # the hull crosses resolutions, which is the point of showing it
    assert sorted(line.value() for line in hull_view.rung_lines) == _rung_positions(ladder, 1.0)
    assert hull_view.plot.getPlotItem().ctrl.logXCheck.isChecked()
    assert "4 resolutions measured, 5 points on the hull" in hull_view.message.text()

    # Shot 1 (hard): its own curves, and rung targets scaled by the shot's bitrate scale.
    hull_view.shot_combo.setCurrentIndex(2)
    assert _curve_data(hull_view.hull_items["h264 hull"]) == _expected(ladder, 1, hull=True)
    assert _curve_data(hull_view.curve_items["h264 720p"]) == _expected(ladder, 1, 720)
    scale = SHOTS[1][2]
    assert sorted(line.value() for line in hull_view.rung_lines) == _rung_positions(ladder, scale)
    bars = hull_view.shot_bars.opts
    assert np.allclose(bars["height"], [s[2] for s in SHOTS])
    assert np.allclose(bars["x0"], [s[0] for s in SHOTS]) and np.allclose(bars["x1"], [s[1] for s in SHOTS])

    view.detail_tabs.setCurrentWidget(hull_view)
    view.resize(1200, 1100)
    view.show()
    qtbot.waitExposed(view)
    hull_view.grab().save(str(artifacts / "studio_hull.png"))
    assert (artifacts / "studio_hull.png").stat().st_size > 20_000


def test_a_fixed_ladder_shows_its_rungs_and_says_nothing_was_measured(
    qtbot: QtBot, sqlite_settings: Settings
) -> None:
    view = LadderView()
    qtbot.addWidget(view)
    controller = LadderController(view, BackendConnection(sqlite_settings))
    ladder = contract_ladder() | {"mode": "fixed", "metric": None, "shots": [], "points": []}
    controller.show_ladder(ladder)
    assert view.rungs.rowCount() == 4
    assert not view.curve_items and not view.hull_items
    assert len(view.rung_lines) == 4
    assert not view.shot_combo.isEnabled()
    assert (
        view.message.text() == "fixed ladder, 4 rungs. No trial encodes were measured for this ladder mode."
    )
