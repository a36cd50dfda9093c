"""A per-shot job through the real workflow: trial encodes, the plan with its zones handed to the encode
activities (through Temporal's data converter), a validated, published package, and the ladder view."""

from __future__ import annotations

from pathlib import Path

import pytest

from .workflow_backend import AUTH, replay, running_backend, upload, wait_final, workflow_settings


@pytest.mark.slow
def test_a_per_shot_job_is_planned_per_shot_encoded_and_published(
    tmp_path: Path, temporal_address: str, workflow_master: Path
) -> None:
    settings = workflow_settings(tmp_path, temporal_address)
    with running_backend(settings) as (_, api):
        job_id = upload(api, workflow_master, ladder="per-shot")
        view = wait_final(api, job_id, timeout_s=240.0)
        assert view["status"] == "SUCCEEDED", view["error"]  # the verify step validated every segment
        ladder = api.get(f"/api/v1/content/jobs/{job_id}/ladder", headers=AUTH).json()
        assert ladder["mode"] == "per-shot" and ladder["metric"] == "vmaf"
        assert [(s["startS"], s["endS"]) for s in ladder["shots"]] == [(0.0, 2.0), (2.0, 4.0)]
        done = {r["id"] for r in view["progress"]["rungs"] if r["state"] == "done"}
        assert done == {r["id"] for r in ladder["rungs"]}
    replay(temporal_address, job_id)
