"""The studio screens' Qt-free parts: queue rows, controls, step logs, publish status, ladder curves."""

from __future__ import annotations

from typing import Any

from app.studio.ui.models.job_detail import PENDING, PUBLISHED, UNPUBLISHED, publish_status, step_log
from app.studio.ui.models.job_rows import allowed_actions, device_badge, job_row
from app.studio.ui.models.ladder_plot import bitrate_ticks, ladder_plot, shot_choices

from .studio import contract_ladder


def _job(status: str, **progress: Any) -> dict[str, Any]:
    return {
        "jobId": "j1",
        "titleId": "film",
        "status": status,
        "encodeId": "e1",
        "error": "",
        "progress": progress,
    }


def _rung(rung_id: str, encoder: str, state: str, fps: float, **extra: Any) -> dict[str, Any]:
    return {"id": rung_id, "encoder": encoder, "state": state, "fps": fps, "percent": 50.0, **extra}


def test_a_row_adds_up_the_speed_of_the_running_rungs_and_names_their_devices() -> None:
    rungs = [
        _rung("h264_720p", "h264_nvenc", "running", 240.0),
        _rung("hevc_720p", "libx265", "running", 30.5),
        _rung("h264_360p", "libx264", "done", 400.0),  # finished: no longer part of the speed
    ]
    row = job_row(_job("RUNNING", step="encode", percent=42.04, etaS=75.0, rungs=rungs))
    assert (row.step, row.percent, row.eta, row.fps, row.device) == (
        "encode",
        42.04,
        "1:15",
        "270 fps",
        "GPU+CPU",
    )
    assert device_badge([_rung("a", "av1_nvenc", "running", 1.0)]) == "GPU"
    assert device_badge([{"id": "a", "state": "pending"}]) == ""  # not started: nothing to tell
    paused = job_row(_job("PAUSED", step="encode", percent=42.0, etaS=75.0, rungs=[]))
    assert paused.eta == "" and paused.fps == ""  # a paused job has no ETA


def test_controls_follow_the_status() -> None:
    assert allowed_actions("QUEUED") == {"pause", "cancel"}
    assert allowed_actions("RUNNING") == {"pause", "cancel"}
    assert allowed_actions("PAUSED") == {"resume", "cancel"}
    for final in ("SUCCEEDED", "FAILED", "NEEDS_REVIEW", "CANCELLED"):
        assert allowed_actions(final) == {"rerun"}


def test_the_step_log_shows_attempts_errors_rungs_and_notes() -> None:
    steps = [
        {"name": "validate", "state": "done", "percent": 100.0, "attempt": 1},
        {"name": "encode", "state": "running", "percent": 50.0},
        {"name": "publish", "state": "retrying", "percent": 0.0, "attempt": 3, "error": "origin unreachable"},
    ]
    rungs = [_rung("h264_720p", "libx264", "running", 61.0, segmentsDone=3, segmentsTotal=6, resumedFrom=2)]
    job = _job("RUNNING", steps=steps, rungs=rungs, notes=[{"text": "gpu breaker open for h264"}])
    lines = step_log(job | {"error": "boom"})
    assert [line.text for line in lines] == [
        "validate: done 100%",
        "encode: running 50%",
        "    h264_720p: running 50% on libx264, segment 3/6, 61 fps, resumed after segment 2",
        "publish: retrying 0%, attempt 3 — origin unreachable",
        "note: gpu breaker open for h264",
        "job error: boom",
    ]
    assert [line.error for line in lines] == [False, False, False, True, False, True]


def test_publish_status_says_what_became_of_the_encode() -> None:
    playable = {"status": "PLAYABLE", "playable": True}
    assert publish_status(_job("SUCCEEDED"), playable) == ("Published encode e1: film is PLAYABLE", PUBLISHED)
    failed = _job("NEEDS_REVIEW") | {"error": "segment 3 does not decode\ntraceback…"}
    text, state = publish_status(failed, {"status": "FAILED", "playable": False})
    assert state == UNPUBLISHED
    assert text == "Not published: the job ended NEEDS_REVIEW (segment 3 does not decode); film is FAILED"
    assert publish_status(_job("RUNNING", step="encode"), None)[1] == PENDING


def test_ladder_plot_groups_curves_by_resolution_and_scales_rungs_per_shot() -> None:
    ladder = contract_ladder()
    assert shot_choices(ladder) == [None, 0, 1, 2]
    title = ladder_plot(ladder, None)
    assert [c.label for c in title.curves] == ["h264 360p", "h264 540p", "h264 720p", "h264 1080p"]
    assert all(list(c.bitrates_kbps) == sorted(c.bitrates_kbps) for c in title.curves)
    assert [m.bitrate_kbps for m in title.rung_marks] == [700, 1500, 2800, 5200]
    shot0 = ladder_plot(ladder, 0)
    assert [m.bitrate_kbps for m in shot0.rung_marks] == [700 * 0.6, 1500 * 0.6, 2800 * 0.6, 5200 * 0.6]
    assert shot0.hulls[0].qualities != title.hulls[0].qualities  # each shot has its own hull
    ticks = [kbps for kbps, _ in bitrate_ticks(title)]
    assert ticks == [500, 1000, 2000, 5000]
    assert bitrate_ticks(title)[1] == (1000, "1 M")
