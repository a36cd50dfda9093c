"""The studio's ingest → queue path over a real embedded backend: Encode creates a real job, the queue
lists it, and its controls act through the content API."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QThreadPool
from pytestqt.qtbot import QtBot

from app.config import Settings
from app.studio.media.synthetic import synthesize_master
from app.studio.ui.jobs_view import JOB_COLUMN, STATUS_COLUMN, JobsView
from app.ui.backend_connection import BackendConnection
from app.ui.main_window import MainWindow
from app.ui.shell_controller import ShellController

from .backend import start_backend
from .studio import drop_files

WAIT_MS = 30_000


def _status_cell(view: JobsView, job_id: str) -> str:
    rows = [r for r in range(view.table.rowCount()) if view.table.item(r, JOB_COLUMN).text() == job_id]
    return view.table.item(rows[0], STATUS_COLUMN).text() if rows else ""


@pytest.fixture
def running_shell(qtbot: QtBot, sqlite_settings: Settings) -> Iterator[ShellController]:
    """The main window over a real embedded backend, in studio mode on the ingest tab."""
    window = MainWindow()
    qtbot.addWidget(window)
    backend = BackendConnection(sqlite_settings)
    shell = ShellController(window, backend)
    try:
        start_backend(qtbot, backend)
        window.mode_actions["Studio"].trigger()
        yield shell
    finally:
        QThreadPool.globalInstance().waitForDone(5_000)
        backend.stop()


def _enabled(view: JobsView) -> set[str]:
    return {label for label, button in view.action_buttons.items() if button.isEnabled()}


def test_encode_queues_a_real_job_and_the_queue_controls_it(
    qtbot: QtBot, running_shell: ShellController, tmp_path: Path
) -> None:
    shell = running_shell
    backend = shell.backend
    studio, jobs = shell.studio, shell.studio.jobs
    master = synthesize_master(tmp_path / "queue test.mp4", seconds=1.0)
    assert studio.currentWidget() is studio.ingest
    assert drop_files(studio.ingest.drop_zone, [master])
    qtbot.waitUntil(studio.ingest.encode_button.isEnabled, timeout=WAIT_MS)
    studio.ingest.ladder_combo.setCurrentText("per-title")
    studio.ingest.encode_button.click()

    # The new job: on the backend (what the upload registered) and selected in the queue.
    qtbot.waitUntil(lambda: studio.currentWidget() is jobs, timeout=WAIT_MS)
    job_id = studio.ingest.message.text().split()[2]
    qtbot.waitUntil(lambda: jobs.selected_job_id() == job_id, timeout=WAIT_MS)
    with backend.client() as client:
        job = client.job(job_id)
    assert job["titleId"] == "queue-test" and job["status"] == "QUEUED"
    assert _status_cell(jobs, job_id) == "QUEUED"
    assert _enabled(jobs) == {"Pause", "Cancel"}
    qtbot.waitUntil(lambda: "is QUEUED" in jobs.publish_status.text(), timeout=WAIT_MS)
    assert jobs.publish_status.text().startswith("Not published yet: the job is QUEUED")
    assert jobs.log.toPlainText() == "No step has started yet: the job waits for an encoding worker."

    # This backend runs no workflow: it refuses the pause, and the queue says so.
    jobs.action_buttons["Pause"].click()
    qtbot.waitUntil(lambda: "refused" in jobs.message.text(), timeout=WAIT_MS)
    assert "no_workflow" in jobs.message.text()
    with backend.client() as client:
        assert client.job(job_id)["status"] == "QUEUED"

    jobs.action_buttons["Cancel"].click()
    qtbot.waitUntil(lambda: _status_cell(jobs, job_id) == "CANCELLED", timeout=WAIT_MS)
    with backend.client() as client:
        assert client.job(job_id)["status"] == "CANCELLED"
    assert _enabled(jobs) == {"Retry"}
    assert "ended CANCELLED (cancelled on request)" in jobs.publish_status.text()

    jobs.action_buttons["Retry"].click()
    qtbot.waitUntil(lambda: jobs.table.rowCount() == 2 and jobs.selected_job_id() != job_id, timeout=WAIT_MS)
    retry_id = jobs.selected_job_id()
    with backend.client() as client:
        retried = client.job(retry_id)
    assert retried["titleId"] == "queue-test" and retried["status"] == "QUEUED"
    assert _status_cell(jobs, retry_id) == "QUEUED"


def test_encode_with_upload_sends_the_master_by_resumable_upload(
    qtbot: QtBot, running_shell: ShellController, sqlite_settings: Settings, tmp_path: Path
) -> None:
    """What a remote backend always gets (it cannot read this machine's files), asked for explicitly."""
    shell = running_shell
    studio = shell.studio
    master = synthesize_master(tmp_path / "sent master.mp4", seconds=1.0)
    seen: list[tuple[str, float]] = []
    shell.ingest.upload_progress.connect(lambda phase, percent: seen.append((phase, percent)))
    assert drop_files(studio.ingest.drop_zone, [master])
    qtbot.waitUntil(studio.ingest.encode_button.isEnabled, timeout=WAIT_MS)
    studio.ingest.upload_box.setChecked(True)
    studio.ingest.encode_button.click()
    qtbot.waitUntil(lambda: studio.currentWidget() is studio.jobs, timeout=WAIT_MS)
    job_id = studio.ingest.message.text().split()[2]
    with shell.backend.client() as client:
        job = client.job(job_id)
    uploaded = Path(job["masterFileUrl"])
    assert uploaded != master and uploaded.is_relative_to(sqlite_settings.data_dir)
    assert uploaded.read_bytes() == master.read_bytes()
    assert ("upload", 100.0) in seen and seen[0][0] == "hash"


@pytest.mark.parametrize("name", ["ingest", "jobs", "cdn"])
def test_only_the_visible_studio_tab_polls(qtbot: QtBot, sqlite_settings: Settings, name: str) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    shell = ShellController(window, BackendConnection(sqlite_settings))
    shell.jobs.backend_ready()  # their first fetch fails (no backend was started): only the timers matter
    shell.cdn.backend_ready()
    window.mode_actions["Studio"].trigger()
    shell.studio.setCurrentWidget(getattr(shell.studio, name))
    assert shell.jobs.timer.isActive() == (name == "jobs")
    assert shell.cdn.timer.isActive() == (name == "cdn")
    window.mode_actions["Player"].trigger()
    assert not shell.jobs.timer.isActive() and not shell.cdn.timer.isActive()
    QThreadPool.globalInstance().waitForDone(5_000)
