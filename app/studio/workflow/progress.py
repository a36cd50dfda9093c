"""Job progress: parts written by the activities, and the one summary every client shows.

Activities run in parallel (one per rung), possibly on several hosts, so each writes only its own *part*
of a job's progress (``step:<name>``, ``rung:<id>``, ``note:<key>``) and nobody read-modify-writes a shared
document. :func:`summarise` turns the parts into the job's view: current step, overall percent and ETA,
every step and every rung.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from app.studio.workflow.model import STEP_WEIGHTS, STEPS
from app.studio.workflow.store import JobStore

RUNNING = "running"
DONE = "done"
PENDING = "pending"
SKIPPED = "skipped"
RETRYING = "retrying"
CANCELLED = "cancelled"
_ACTIVE = (RUNNING, RETRYING)
# The plan step stores the planned ladder (rungs, shots, rate-quality points, hulls) under this part for
# the studio's ladder view; it is not progress, so :func:`summarise` leaves it out.
LADDER_PART = "ladder"
# ETAs extrapolated from less than this share of the work are noise, so none is given.
_MIN_PERCENT_FOR_ETA = 2.0


class PartReporter:
    """One part of a job's progress, written to the store at most every ``interval_s`` (unless forced)."""

    def __init__(self, store: JobStore, job_id: str, part: str, interval_s: float = 0.5, **data: Any) -> None:
        self._store = store
        self._job_id = job_id
        self._part = part
        self._interval_s = interval_s
        self._last = float("-inf")
        self.data: dict[str, Any] = data

    def update(self, *, force: bool = False, **fields: Any) -> None:
        self.data.update(fields)
        now = time.monotonic()
        if force or now - self._last >= self._interval_s:
            self._last = now
            self._store.report(self._job_id, self._part, dict(self.data))


def rung_eta(done: int, total: int, started_done: int, elapsed_s: float) -> float | None:
    """Seconds left for a rung, from the segments this attempt finished so far (not the resumed ones)."""
    finished_now = done - started_done
    if finished_now <= 0 or elapsed_s <= 0:
        return None
    return (total - done) * elapsed_s / finished_now


def summarise(parts: Mapping[str, Mapping[str, Any]], now: float | None = None) -> dict[str, Any]:
    """The job's progress view: ``{step, percent, etaS, steps, rungs, notes}`` (see module docstring)."""
    moment = time.time() if now is None else now
    rungs = [
        dict(data, id=key.removeprefix("rung:"))
        for key, data in sorted(parts.items())
        if key.startswith("rung:")
    ]
    steps = [_step(name, parts, rungs) for name in STEPS]
    counted = [s for s in steps if s["state"] != SKIPPED]
    weight = sum(STEP_WEIGHTS[s["name"]] for s in counted) or 1.0
    percent = sum(STEP_WEIGHTS[s["name"]] * s["percent"] for s in counted) / weight
    started = [s["startedAt"] for s in steps if s.get("startedAt")]
    eta = None
    if started and _MIN_PERCENT_FOR_ETA <= percent < 100:
        eta = (moment - min(started)) * (100 - percent) / percent
    return {
        "step": _current(steps),
        "percent": round(percent, 1),
        "etaS": None if eta is None else round(eta, 1),
        "steps": steps,
        "rungs": rungs,
        "notes": [dict(data) for key, data in sorted(parts.items()) if key.startswith("note:")],
    }


def _step(name: str, parts: Mapping[str, Mapping[str, Any]], rungs: list[dict[str, Any]]) -> dict[str, Any]:
    if name == "encode":  # the encode step is its rungs
        return _encode_step(rungs)
    data = dict(parts.get(f"step:{name}", {}))
    data.setdefault("state", PENDING)
    data.setdefault("percent", 100.0 if data["state"] in (DONE, SKIPPED) else 0.0)
    return {"name": name, **data}


def _encode_step(rungs: list[dict[str, Any]]) -> dict[str, Any]:
    if not rungs:
        return {"name": "encode", "state": PENDING, "percent": 0.0}
    states = {r.get("state", PENDING) for r in rungs}
    if states <= {DONE}:
        state = DONE
    elif states & set(_ACTIVE) or DONE in states:
        state = RUNNING
    else:
        state = PENDING
    started = [r["startedAt"] for r in rungs if r.get("startedAt")]
    step: dict[str, Any] = {
        "name": "encode",
        "state": state,
        "percent": sum(float(r.get("percent", 0.0)) for r in rungs) / len(rungs),
    }
    if started:
        step["startedAt"] = min(started)
    etas = [r["etaS"] for r in rungs if r.get("etaS") is not None and r.get("state") in _ACTIVE]
    if etas:
        step["etaS"] = max(etas)
    return step


def _current(steps: list[dict[str, Any]]) -> str:
    """The running step, else the first one not done yet; ``done`` when all are."""
    for step in steps:
        if step["state"] in _ACTIVE:
            return step["name"]
    for step in steps:
        if step["state"] not in (DONE, SKIPPED):
            return step["name"]
    return "done"
