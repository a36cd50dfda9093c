"""Activities on their own (no server): resuming a killed encode, planning the three ladders, progress."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from temporalio.testing import ActivityEnvironment

from app.backend.api.schemas import LadderView
from app.studio.media.index import PackageIndex
from app.studio.media.ladder import Rung
from app.studio.media.probe import probe
from app.studio.workflow.activities import StudioActivities
from app.studio.workflow.model import EncodeTask, JobInput, PlanRequest
from app.studio.workflow.progress import LADDER_PART, summarise


class MemoryStore:
    """A JobStore that keeps the last report of every part."""

    def __init__(self) -> None:
        self.parts: dict[str, dict[str, Any]] = {}

    def start_job(self, job_id: str) -> bool:
        return True

    def report(self, job_id: str, part: str, data: dict[str, Any]) -> None:
        self.parts[part] = data

    def publish(self, job_id: str, index: PackageIndex) -> bool:
        return True

    def end_job(self, job_id: str, status: str, error: str) -> bool:
        return True

    def preposition(self, title_id: str) -> str:
        return "skipped"


class WorkerKilled(Exception):
    """Stands in for the process dying: nothing after the raise runs."""


def _job(master: Path, **options: Any) -> JobInput:
    return JobInput("job-1", "title-1", "enc-1", str(master), segment_seconds=0.5, **options)


def test_a_killed_encode_resumes_after_its_last_heartbeat_segment(
    tmp_path: Path, ladder_master: Path
) -> None:
    store = MemoryStore()
    activities = StudioActivities(store, tmp_path)
    job = _job(ladder_master)
    rung = Rung("h264", 320, 180, 400, 600)
    task = EncodeTask(job, dataclasses.asdict(rung))
    heartbeats: list[dict[str, Any]] = []

    def die_after_three(*details: Any) -> None:
        heartbeats.append(details[0])
        if details[0]["segments"] >= 3:
            raise WorkerKilled

    first = ActivityEnvironment()
    first.on_heartbeat = die_after_three
    with pytest.raises(WorkerKilled):
        first.run(activities.encode_rung, task)
    rung_dir = activities.out_dir(job) / rung.id
    kept = {p.name: p.stat().st_mtime_ns for p in sorted(rung_dir.glob("seg_*.m4s"))}
    assert len(kept) >= 3 and not (rung_dir / "rendition.json").exists()

    retry = ActivityEnvironment()
    retry.info = dataclasses.replace(retry.info, attempt=2, heartbeat_details=[heartbeats[-1]])
    outcome = retry.run(activities.encode_rung, task)
    assert outcome.resumed_from == len(kept) and outcome.encoder == "libx264"
    assert outcome.segments_written == 7 - len(kept)  # 3.5 s in 0.5 s segments
    assert {name: (rung_dir / name).stat().st_mtime_ns for name in kept} == kept
    progress = store.parts[f"rung:{rung.id}"]
    assert progress["state"] == "done" and progress["attempt"] == 2
    assert progress["resumedFrom"] == len(kept) and progress["heartbeatSegments"] == 3


@pytest.mark.parametrize("ladder", ["per-title", "per-shot"])
def test_analysed_ladders_are_planned_from_the_analysis(master: Path, ladder: str) -> None:
    store = MemoryStore()
    activities = StudioActivities(store, Path("unused"))
    job = _job(master, ladder=ladder)
    info = probe(master).to_dict()
    env = ActivityEnvironment()
    beats: list[Any] = []
    env.on_heartbeat = lambda *details: beats.append(details[0])
    analysis = env.run(activities.analyse_master, PlanRequest(job, info))
    assert analysis["points"] and ("shots" in analysis) == (ladder == "per-shot")
    assert beats and beats[-1] == 1.0  # the trial encodes heartbeat too, up to the last one
    plan = env.run(activities.plan_ladder, PlanRequest(job, info, analysis))
    assert plan["mode"] == ladder and plan["rungs"][0]["height"] == 90
    assert store.parts["step:analyse"]["state"] == "done"
    rung = Rung.from_dict(plan["rungs"][0])
    assert store.parts[f"rung:{rung.id}"]["state"] == "pending"
    # The plan step stores the ladder for the studio's view, in the content API's contract.
    view = LadderView.model_validate(store.parts[LADDER_PART])
    assert view.mode == ladder and [r.id for r in view.rungs] == [Rung.from_dict(r).id for r in plan["rungs"]]
    if ladder == "per-shot":  # one shot (3 s of steady motion): trial points on a hull, one zone per rung
        assert view.metric == "vmaf" and {p.shot for p in view.points} == {0, None}
        assert any(p.on_hull for p in view.points) and len(rung.zones) == len(view.shots) == 1


def test_progress_summary_weighs_steps_and_rungs() -> None:
    parts = {
        "step:validate": {"state": "done", "startedAt": 100.0},
        "step:analyse": {"state": "skipped"},
        "step:plan": {"state": "done"},
        "step:audio": {"state": "done"},
        "rung:h264_240p_300k": {"state": "done", "percent": 100.0},
        "rung:h264_360p_700k": {"state": "running", "percent": 50.0, "etaS": 4.0, "startedAt": 101.0},
        "note:gpu-breaker-h264": {"text": "tripped"},
    }
    summary = summarise(parts, now=110.0)
    assert summary["step"] == "encode"
    encode = next(s for s in summary["steps"] if s["name"] == "encode")
    assert encode == {"name": "encode", "state": "running", "percent": 75.0, "startedAt": 101.0, "etaS": 4.0}
    # validate, plan and audio done (2 + 1 + 4), encode (72) 75 % done: over 92 (analyse skipped)
    assert summary["percent"] == pytest.approx((700 + 72 * 75) / 92, abs=0.05)
    assert summary["etaS"] == pytest.approx(10 * (100 - summary["percent"]) / summary["percent"], abs=0.1)
    assert [r["id"] for r in summary["rungs"]] == ["h264_240p_300k", "h264_360p_700k"]
    assert summary["notes"] == [{"text": "tripped"}]
    assert summarise({})["step"] == "validate" and summarise({})["percent"] == 0.0
