"""The encoding workflow on a real Temporal dev server: publish, review, pause, cancel, GPU breaker."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import select
from temporalio import activity
from temporalio.client import Client
from temporalio.worker import Worker

from app.backend.db.models import Rendition, Title, TitleStatus
from app.studio.media.index import DASH_MANIFEST, HLS_MASTER
from app.studio.workflow import model
from app.studio.workflow.activities import StudioActivities
from app.studio.workflow.model import EncodeOutcome, EncodeTask, PlanRequest
from app.studio.workflow.worker import nvenc_present

from .workflow_backend import (
    AUTH,
    EncodeGate,
    encode_path,
    job,
    replay,
    running_backend,
    upload,
    wait_final,
    wait_for,
    workflow_settings,
)


def _title_status(backend, title_id: str) -> TitleStatus:  # type: ignore[no-untyped-def]
    with backend.sessions() as session:
        return session.get(Title, title_id).status


def test_upload_is_encoded_packaged_and_published(
    tmp_path: Path, temporal_address: str, workflow_master: Path
) -> None:
    settings = workflow_settings(tmp_path, temporal_address)
    with running_backend(settings) as (backend, api):
        job_id = upload(api, workflow_master)
        view = wait_final(api, job_id)
        assert view["status"] == "SUCCEEDED", view["error"]
        assert _title_status(backend, "wf-title") == TitleStatus.PLAYABLE
        view = wait_for(api, job_id, lambda v: v["progress"]["step"] == "done")  # pre-positioning follows
        progress = view["progress"]
        assert progress["step"] == "done" and progress["percent"] == 100.0
        assert {s["name"]: s["state"] for s in progress["steps"]}["analyse"] == "skipped"
        assert [(r["id"], r["state"], r["segmentsDone"]) for r in progress["rungs"]] == [
            ("h264_240p_300k", "done", 4),
            ("h264_360p_700k", "done", 4),
        ]
        assert all(r["fps"] > 0 and r["etaS"] == 0 for r in progress["rungs"])
        out = encode_path(settings, view)
        assert (out / HLS_MASTER).is_file() and (out / DASH_MANIFEST).is_file()
        with backend.sessions() as session:
            kinds = sorted((r.kind, r.height) for r in session.scalars(select(Rendition)))
        assert kinds == [("audio", 0), ("video", 240), ("video", 360)]
        title = api.get("/api/v1/titles/wf-title").json()
        assert title["status"] == "PLAYABLE"


def test_a_step_failing_every_time_needs_review_after_five_attempts(
    tmp_path: Path, temporal_address: str, workflow_master: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    attempts: list[int] = []

    @activity.defn(name=model.PLAN)
    def broken_plan(self: StudioActivities, request: PlanRequest) -> dict:
        attempts.append(activity.info().attempt)
        raise RuntimeError("the planner exploded")

    monkeypatch.setattr(StudioActivities, "plan_ladder", broken_plan)
    settings = workflow_settings(tmp_path, temporal_address)
    with running_backend(settings) as (backend, api):
        view = wait_final(api, upload(api, workflow_master))
        assert view["status"] == "NEEDS_REVIEW"
        assert view["error"] == "plan failed 5 times: the planner exploded"
        assert attempts == [1, 2, 3, 4, 5]
        assert _title_status(backend, "wf-title") == TitleStatus.FAILED
        assert not encode_path(settings, view).exists()


def test_a_corrupt_output_is_not_retried_but_reviewed(
    tmp_path: Path, temporal_address: str, workflow_master: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def corrupt(directory: Path, segment_seconds: float) -> None:
        from app.studio.media.errors import OutputValidationError

        raise OutputValidationError("h264_240p_300k: segment 2 fails to decode")

    monkeypatch.setattr("app.studio.workflow.activities.validate_package", corrupt)
    with running_backend(workflow_settings(tmp_path, temporal_address)) as (_backend, api):
        view = wait_final(api, upload(api, workflow_master))
    assert view["status"] == "NEEDS_REVIEW"
    assert view["error"] == "verify failed: h264_240p_300k: segment 2 fails to decode"


def test_pause_stops_encodes_and_resume_continues_after_the_last_segment(
    tmp_path: Path, temporal_address: str, workflow_master: Path, gate: EncodeGate
) -> None:
    settings = workflow_settings(tmp_path, temporal_address)
    with running_backend(settings) as (_backend, api):
        job_id = upload(api, workflow_master)
        assert gate.reached.wait(30)
        paused = api.post(f"/api/v1/content/jobs/{job_id}/pause", headers=AUTH)
        assert paused.status_code == 200 and paused.json()["status"] == "PAUSED"
        stopped = wait_for(
            api, job_id, lambda v: all(r["state"] != "running" for r in v["progress"]["rungs"])
        )
        kept = {p: p.stat().st_mtime_ns for p in encode_path(settings, stopped).glob("*/seg_*.m4s")}
        assert kept
        gate.released.set()
        time.sleep(0.3)
        assert job(api, job_id)["status"] == "PAUSED"  # nothing runs while paused
        resumed = api.post(f"/api/v1/content/jobs/{job_id}/resume", headers=AUTH)
        assert resumed.status_code == 200 and resumed.json()["status"] == "RUNNING"
        view = wait_final(api, job_id)
        assert view["status"] == "SUCCEEDED", view["error"]
        assert any(r["resumedFrom"] >= 1 for r in view["progress"]["rungs"])
        assert {p: p.stat().st_mtime_ns for p in kept} == kept  # finished segments were kept
        assert api.post(f"/api/v1/content/jobs/{job_id}/pause", headers=AUTH).status_code == 409
    replay(temporal_address, job_id)  # signals and interrupted encodes replay deterministically


def test_a_job_survives_its_backend_stopping_mid_encode(
    tmp_path: Path, temporal_address: str, workflow_master: Path, gate: EncodeGate
) -> None:
    settings = workflow_settings(tmp_path, temporal_address)
    with running_backend(settings) as (_backend, api):
        job_id = upload(api, workflow_master)
        assert gate.reached.wait(30)
    gate.released.set()  # the worker stopped with the backend; its encodes were interrupted
    with running_backend(settings) as (backend, api):
        view = wait_final(api, job_id)
        assert view["status"] == "SUCCEEDED", view["error"]
        assert _title_status(backend, "wf-title") == TitleStatus.PLAYABLE
    # The encodes that were under way resumed after their finished segments, as retries.
    resumed = [r for r in view["progress"]["rungs"] if r["resumedFrom"] >= 1]
    assert resumed and all(r["attempt"] >= 2 for r in resumed)


def test_cancel_mid_encode_leaves_no_playable_title_and_no_encode_dir(
    tmp_path: Path, temporal_address: str, workflow_master: Path, gate: EncodeGate
) -> None:
    settings = workflow_settings(tmp_path, temporal_address)
    with running_backend(settings) as (backend, api):
        job_id = upload(api, workflow_master)
        assert gate.reached.wait(30)
        out = encode_path(settings, job(api, job_id))
        assert any(out.glob("*/seg_00001.m4s"))
        cancel = api.post(f"/api/v1/content/jobs/{job_id}/cancel", headers=AUTH)
        assert cancel.status_code == 202
        view = wait_final(api, job_id)
        assert view["status"] == "CANCELLED" and view["error"] == "cancelled on request"
        assert not out.exists()
        assert _title_status(backend, "wf-title") == TitleStatus.DRAFT
        with backend.sessions() as session:
            assert session.scalars(select(Rendition)).first() is None
        rerun = api.post(f"/api/v1/content/jobs/{job_id}/rerun", headers=AUTH)
        assert rerun.status_code == 202
        again = rerun.json()
        assert again["jobId"] != job_id and again["encodeId"] != view["encodeId"]
        gate.released.set()
        assert wait_final(api, again["jobId"])["status"] == "SUCCEEDED"
        assert _title_status(backend, "wf-title") == TitleStatus.PLAYABLE
    replay(temporal_address, job_id)


@pytest.mark.skipif(nvenc_present(), reason="this machine has NVENC")
def test_gpu_on_without_a_gpu_worker_fails_at_validation(
    tmp_path: Path, temporal_address: str, workflow_master: Path
) -> None:
    with running_backend(workflow_settings(tmp_path, temporal_address)) as (backend, api):
        view = wait_final(api, upload(api, workflow_master, gpu="on"))
    assert view["status"] == "FAILED"
    assert view["error"] == "validate: gpu=on, but no GPU encoding worker (NVENC) is available"
    assert {s["name"]: s["state"] for s in view["progress"]["steps"]}["encode"] == "pending"


@contextmanager
def broken_gpu_worker(address: str, task_queue: str, failures: list[str]) -> Iterator[None]:
    """A worker on the GPU queue whose NVENC fails every encode (a driver gone bad)."""

    @activity.defn(name=model.ENCODE_RUNG)
    def broken_nvenc(task: EncodeTask) -> EncodeOutcome:
        failures.append(task.rung["codec"])
        raise RuntimeError("NVENC: out of sessions")

    ready, stop = threading.Event(), threading.Event()

    async def serve() -> None:
        client = await Client.connect(address)
        with ThreadPoolExecutor(2) as pool:
            async with Worker(
                client,
                task_queue=model.gpu_queue(task_queue),
                activities=[broken_nvenc],
                activity_executor=pool,
            ):
                ready.set()
                while not stop.is_set():
                    await asyncio.sleep(0.05)

    thread = threading.Thread(target=asyncio.run, args=(serve(),))
    thread.start()
    try:
        assert ready.wait(15)
        yield
    finally:
        stop.set()
        thread.join()


def test_a_failing_gpu_encoder_trips_the_breaker_and_the_cpu_takes_over(
    tmp_path: Path, temporal_address: str, workflow_master: Path
) -> None:
    settings = workflow_settings(tmp_path, temporal_address, gpu_breaker_failures=2)
    failures: list[str] = []
    with (
        broken_gpu_worker(temporal_address, settings.task_queue, failures),
        running_backend(settings) as (_b, api),
    ):
        view = wait_final(api, upload(api, workflow_master, gpu="auto"))
    assert view["status"] == "SUCCEEDED", view["error"]
    assert len(failures) >= 2
    notes = [n["text"] for n in view["progress"]["notes"]]
    assert len(notes) == 1 and notes[0].startswith("GPU breaker tripped for h264 after 2 failures")
    assert {r["encoder"] for r in view["progress"]["rungs"]} == {"libx264"}
