"""The job queue over a backend that really encodes (Temporal on): pause, resume and cancel a running job
from the queue's buttons, with its live progress, speed and device badge on screen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QThreadPool
from pytestqt.qtbot import QtBot

from app.client.ingest import IngestRequest, submit
from app.config import Settings
from app.studio.media.synthetic import synthesize_master
from app.studio.ui.jobs_controller import JobsController
from app.studio.ui.jobs_view import DEVICE_COLUMN, SPEED_COLUMN, STATUS_COLUMN, JobsView
from app.ui.backend_connection import BackendConnection

from .backend import start_backend

WAIT_MS = 60_000


def _api_job(backend: BackendConnection, job_id: str) -> dict[str, Any]:
    with backend.client() as client:
        return client.job(job_id)


def _encoding(job: dict[str, Any]) -> bool:
    """A rung has finished segments and is still going: progress, speed and device are all known."""
    rungs = (job.get("progress") or {}).get("rungs") or []
    return job["status"] == "RUNNING" and any(r.get("state") == "running" and r.get("fps") for r in rungs)


@pytest.mark.slow
def test_pause_resume_and_cancel_a_running_encode(
    qtbot: QtBot, sqlite_settings: Settings, tmp_path: Path, artifacts: Path
) -> None:
    settings = sqlite_settings.model_copy(
        update={"workflow_enabled": True, "segment_seconds": 1.0, "encode_slots": 2, "gpu_slots": 1}
    )
    backend = BackendConnection(settings)
    view = JobsView()
    qtbot.addWidget(view)
    controller = JobsController(view, backend)
    # Long enough (two codecs, 540p, 16 s) that the job is still encoding while the test clicks.
    master = synthesize_master(tmp_path / "long.mp4", seconds=16.0, width=960, height=540, cuts=(8.0,))
    try:
        start_backend(qtbot, backend)
        with backend.client() as client:
            job_id = submit(client, IngestRequest(master, "Long Encode", codecs=("h264", "hevc"), gpu="off"))
        controller.backend_ready()
        controller.set_active(True)
        controller.select_job(job_id)
        qtbot.waitUntil(lambda: view.action_buttons["Pause"].isEnabled(), timeout=WAIT_MS)

        view.action_buttons["Pause"].click()
        qtbot.waitUntil(lambda: _api_job(backend, job_id)["status"] == "PAUSED", timeout=WAIT_MS)
        qtbot.waitUntil(lambda: view.action_buttons["Resume"].isEnabled(), timeout=WAIT_MS)
        assert view.table.item(0, STATUS_COLUMN).text() == "PAUSED"

        view.action_buttons["Resume"].click()
        qtbot.waitUntil(lambda: _encoding(_api_job(backend, job_id)), timeout=WAIT_MS)
        qtbot.waitUntil(lambda: view.table.item(0, SPEED_COLUMN).text().endswith(" fps"), timeout=WAIT_MS)
        assert view.table.cellWidget(0, DEVICE_COLUMN).text() == "CPU"  # gpu=off: libx264 and libx265
        assert view.table.item(0, STATUS_COLUMN).text() == "RUNNING"
        assert "on libx264" in view.log.toPlainText() or "on libx265" in view.log.toPlainText()
        view.resize(1200, 700)
        view.show()
        qtbot.waitExposed(view)
        view.grab().save(str(artifacts / "studio_queue.png"))

        view.action_buttons["Cancel"].click()
        qtbot.waitUntil(lambda: _api_job(backend, job_id)["status"] == "CANCELLED", timeout=WAIT_MS)
        qtbot.waitUntil(lambda: view.table.item(0, STATUS_COLUMN).text() == "CANCELLED", timeout=WAIT_MS)
        assert view.action_buttons["Retry"].isEnabled() and not view.action_buttons["Cancel"].isEnabled()
    finally:
        controller.set_active(False)
        QThreadPool.globalInstance().waitForDone(5_000)
        backend.stop()
    assert (artifacts / "studio_queue.png").stat().st_size > 20_000
