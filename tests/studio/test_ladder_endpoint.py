"""The planned ladder travels from the workflow's plan step, through the catalog, to the content API's
``GET /jobs/{id}/ladder`` that the studio's ladder view reads."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from temporalio.testing import ActivityEnvironment

from app.backend.api.app import create_app
from app.backend.services import Backend
from app.config import Settings
from app.studio.media.probe import probe
from app.studio.workflow.activities import StudioActivities
from app.studio.workflow.model import JobInput, PlanRequest

from ..conftest import TEST_TOKEN

AUTH = {"Authorization": f"Bearer {TEST_TOKEN}"}


def test_the_plan_step_stores_the_ladder_the_endpoint_returns(tmp_path: Path, cut_master: Path) -> None:
    settings = Settings(
        data_dir=tmp_path / "data",
        content_token=TEST_TOKEN,
        seed_demo=False,
        cdn_edges=0,
        demo_playable=0,
        workflow_enabled=False,  # the steps are run here, one by one, against the backend's real catalog
    )
    backend = Backend(settings)
    with TestClient(create_app(backend=backend)) as api:
        body = {"titleId": "ladder-film", "masterFileUrl": str(cut_master), "metadata": {"title": "Cuts"}}
        job_id = api.post("/api/v1/content/upload", json=body, headers=AUTH).json()["encodingJobId"]
        missing = api.get(f"/api/v1/content/jobs/{job_id}/ladder", headers=AUTH)
        assert missing.status_code == 404 and missing.json()["error"]["code"] == "ladder_not_planned"

        activities = StudioActivities(backend.jobs, settings.media_root)
        job = JobInput(job_id, "ladder-film", "enc-1", str(cut_master), ladder="per-shot")
        info = probe(cut_master).to_dict()
        env = ActivityEnvironment()
        analysis = env.run(activities.analyse_master, PlanRequest(job, info))
        plan = env.run(activities.plan_ladder, PlanRequest(job, info, analysis))

        response = api.get(f"/api/v1/content/jobs/{job_id}/ladder", headers=AUTH)
        assert response.status_code == 200, response.text
        view = response.json()
        assert view["mode"] == "per-shot" and view["metric"] == "vmaf"
        assert [r["bitrateKbps"] for r in view["rungs"]] == [r["bitrate_kbps"] for r in plan["rungs"]]
        # Cuts at 1.0, 2.5 and 3.25 s: the 0.75 s shot is merged, so no shot is shorter than 1 s.
        assert [(s["startS"], s["endS"]) for s in view["shots"]] == [(0.0, 1.0), (1.0, 2.5), (2.5, 4.0)]
        assert {p["shot"] for p in view["points"]} == {0, 1, 2, None}
        assert all(p["metric"] == "vmaf" for p in view["points"]) and any(p["onHull"] for p in view["points"])
        assert api.get(f"/api/v1/content/jobs/{job_id}/ladder").status_code == 401
