"""A selected job's detail: its per-step log and whether (and why not) its encode is published."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

FINAL_FAILURES = ("FAILED", "NEEDS_REVIEW", "CANCELLED")
# How a job's publication stands: its encode plays, it may still, or it never will.
PUBLISHED, PENDING, UNPUBLISHED = "published", "pending", "unpublished"


@dataclass(frozen=True)
class LogLine:
    text: str
    error: bool = False


def step_log(job: dict[str, Any]) -> list[LogLine]:
    """Every step with its state and attempts, the encode step's rungs under it, notes, and the job error."""
    progress = job.get("progress") or {}
    steps = progress.get("steps") or []
    lines = [] if steps else [LogLine("No step has started yet: the job waits for an encoding worker.")]
    for step in steps:
        lines.append(_entry(f"{step['name']}: {step.get('state', 'pending')} {_percent(step)}", step))
        if step.get("result"):
            lines.append(LogLine(f"    result: {step['result']}"))
        if step["name"] == "encode":
            lines.extend(_entry(f"    {_rung_text(rung)}", rung) for rung in progress.get("rungs") or [])
    lines.extend(LogLine(f"note: {note.get('text', '')}") for note in progress.get("notes") or [])
    if job.get("error"):
        lines.append(LogLine(f"job error: {job['error']}", error=True))
    return lines


def publish_status(job: dict[str, Any], title: dict[str, Any] | None) -> tuple[str, str]:
    """What became of the job's encode (``title`` may be unknown), and which of the three states that is."""
    status, encode_id, title_id = job["status"], job.get("encodeId") or "?", job["titleId"]
    title_status = title["status"] if title else "unknown"
    if status == "SUCCEEDED":
        if title and title.get("playable"):
            return f"Published encode {encode_id}: {title_id} is {title_status}", PUBLISHED
        return f"Encode {encode_id} was published, but {title_id} is {title_status}", UNPUBLISHED
    if status in FINAL_FAILURES:
        reason = (job.get("error") or "no reason recorded").splitlines()[0]
        return f"Not published: the job ended {status} ({reason}); {title_id} is {title_status}", UNPUBLISHED
    step = (job.get("progress") or {}).get("step", "queued")
    return f"Not published yet: the job is {status} at step {step}; {title_id} is {title_status}", PENDING


def _entry(text: str, part: dict[str, Any]) -> LogLine:
    """A step's or rung's line, with its attempt count and its last error when it has one."""
    if int(part.get("attempt") or 1) > 1:
        text += f", attempt {part['attempt']}"
    if part.get("error"):
        return LogLine(f"{text} — {part['error']}", error=part.get("state") != "done")
    return LogLine(text)


def _percent(part: dict[str, Any]) -> str:
    return f"{float(part.get('percent', 0.0)):.0f}%"


def _rung_text(rung: dict[str, Any]) -> str:
    text = f"{rung['id']}: {rung.get('state', 'pending')} {_percent(rung)}"
    if rung.get("encoder"):
        text += f" on {rung['encoder']}"
    if rung.get("segmentsTotal"):
        text += f", segment {rung.get('segmentsDone', 0)}/{rung['segmentsTotal']}"
    if rung.get("fps"):
        text += f", {float(rung['fps']):.0f} fps"
    if rung.get("resumedFrom"):
        text += f", resumed after segment {rung['resumedFrom']}"
    return text
