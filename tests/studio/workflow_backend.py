"""A backend with the encoding workflow on, over the session's Temporal, driven through the content API."""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from temporalio.client import Client
from temporalio.worker import Replayer

from app.backend.api.app import create_app
from app.backend.services import Backend
from app.config import Settings
from app.studio.workflow import activities
from app.studio.workflow.model import workflow_id
from app.studio.workflow.workflow import EncodeJobWorkflow

from ..conftest import TEST_TOKEN

AUTH = {"Authorization": f"Bearer {TEST_TOKEN}"}
FINAL = ("SUCCEEDED", "FAILED", "NEEDS_REVIEW", "CANCELLED")


def workflow_settings(tmp_path: Path, address: str, **overrides: Any) -> Settings:
    """Fast settings: no demo catalog, 1 s segments, retries 50 ms apart, a task queue of its own."""
    values: dict[str, Any] = {
        "data_dir": tmp_path / "data",
        "workflow_enabled": True,
        "content_token": TEST_TOKEN,
        "seed_demo": False,
        "cdn_edges": 0,
        "demo_playable": 0,
        "temporal_address": address,
        "task_queue": f"test-{uuid.uuid4().hex[:10]}",
        "segment_seconds": 1.0,
        "step_retry_initial_s": 0.05,
        "step_retry_max_s": 0.2,
        "step_heartbeat_s": 3.0,  # a worker that stopped with its backend is noticed quickly
        "encode_slots": 2,
    }
    return Settings(**(values | overrides))


@contextmanager
def running_backend(settings: Settings) -> Iterator[tuple[Backend, TestClient]]:
    backend = Backend(settings)
    with TestClient(create_app(backend=backend)) as api:
        assert "encoding" in api.get("/api/v1/version").json()["capabilities"]
        yield backend, api


def upload(api: TestClient, master: Path, title_id: str = "wf-title", **options: Any) -> str:
    body = {"titleId": title_id, "masterFileUrl": str(master), "metadata": {"title": "Workflow", **options}}
    response = api.post("/api/v1/content/upload", json=body, headers=AUTH)
    assert response.status_code == 202, response.text
    return response.json()["encodingJobId"]


def job(api: TestClient, job_id: str) -> dict[str, Any]:
    return api.get(f"/api/v1/content/jobs/{job_id}", headers=AUTH).json()


def wait_for(
    api: TestClient, job_id: str, done: Callable[[dict[str, Any]], bool], timeout_s: float = 60.0
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while True:
        view = job(api, job_id)
        if done(view):
            return view
        if time.monotonic() > deadline:
            pytest.fail(f"job {job_id} did not get there in {timeout_s} s: {view}")
        time.sleep(0.1)


def wait_final(api: TestClient, job_id: str, timeout_s: float = 60.0) -> dict[str, Any]:
    return wait_for(api, job_id, lambda view: view["status"] in FINAL, timeout_s)


def encode_path(settings: Settings, view: dict[str, Any]) -> Path:
    return settings.media_root / "titles" / view["titleId"] / view["encodeId"]


def replay(address: str, job_id: str) -> None:
    """Replay the job's recorded history through the workflow code: raises if it is not deterministic."""

    async def run() -> None:
        client = await Client.connect(address)
        history = await client.get_workflow_handle(workflow_id(job_id)).fetch_history()
        await Replayer(workflows=[EncodeJobWorkflow]).replay_workflow(history)

    asyncio.run(run())


class EncodeGate:
    """Holds every rung's encode after its first finished segment until released (or interrupted).

    The hold waits in short steps in the activity's thread, reporting progress (and so heartbeating)
    as a long segment would; a pause or a cancel delivered by Temporal raises there, exactly as in the
    middle of a long real encode.
    """

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.reached = threading.Event()
        self.released = threading.Event()
        real = activities.encode_video

        def encode(*args: Any, on_progress: Callable[[int, int, float], None], **kwargs: Any) -> Any:
            def progress(done: int, total: int, fps: float) -> None:
                on_progress(done, total, fps)
                if done >= 1:
                    self.reached.set()
                    while not self.released.wait(0.2):
                        on_progress(done, total, fps)

            return real(*args, on_progress=progress, **kwargs)

        monkeypatch.setattr(activities, "encode_video", encode)
