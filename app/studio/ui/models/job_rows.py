"""The job queue's rows: a job view from the content API turned into the cells and controls it shows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.formatting import clock_text
from app.studio.media.codecs import FAMILIES

# The controls of a job and the content API action each one posts (see ``ApiClient.control_job``).
ACTIONS: dict[str, str] = {"Pause": "pause", "Resume": "resume", "Cancel": "cancel", "Retry": "rerun"}
# Which statuses each action applies to; the backend refuses the others with 409 ``job_state``.
_ACTION_STATES: dict[str, frozenset[str]] = {
    "pause": frozenset({"QUEUED", "RUNNING"}),
    "resume": frozenset({"PAUSED"}),
    "cancel": frozenset({"QUEUED", "RUNNING", "PAUSED"}),
    "rerun": frozenset({"SUCCEEDED", "FAILED", "NEEDS_REVIEW", "CANCELLED"}),
}
_NVENC_ENCODERS = frozenset(family.nvenc for family in FAMILIES.values())
_ACTIVE_RUNG_STATES = ("running", "retrying")


@dataclass(frozen=True)
class JobRow:
    job_id: str
    title_id: str
    status: str
    step: str
    percent: float
    eta: str
    fps: str
    device: str  # GPU, CPU, GPU+CPU, or "" before any rung has started encoding


def job_row(job: dict[str, Any]) -> JobRow:
    progress = job.get("progress") or {}
    rungs = progress.get("rungs") or []
    eta = progress.get("etaS")
    return JobRow(
        job_id=job["jobId"],
        title_id=job["titleId"],
        status=job["status"],
        step=str(progress.get("step", "")),
        percent=float(progress.get("percent", 0.0)),
        eta=clock_text(eta) if eta is not None and job["status"] == "RUNNING" else "",
        fps=_fps_text(rungs),
        device=device_badge(rungs),
    )


def allowed_actions(status: str) -> set[str]:
    """The content API actions a job in ``status`` accepts."""
    return {action for action, states in _ACTION_STATES.items() if status in states}


def device_badge(rungs: list[dict[str, Any]]) -> str:
    """Where the rungs encode, from the FFmpeg encoder each one reports (NVENC means the GPU)."""
    kinds = {"GPU" if r["encoder"] in _NVENC_ENCODERS else "CPU" for r in rungs if r.get("encoder")}
    return "+".join(sorted(kinds, reverse=True))


def _fps_text(rungs: list[dict[str, Any]]) -> str:
    """Frames per second over the rungs encoding now (they run in parallel, so their rates add up)."""
    rates = [float(r["fps"]) for r in rungs if r.get("fps") and r.get("state") in _ACTIVE_RUNG_STATES]
    return f"{sum(rates):.0f} fps" if rates else ""
