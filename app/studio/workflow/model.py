"""What the encoding workflow and its activities exchange: plain dataclasses, names and step order.

The workflow runs in Temporal's sandbox and replays from history, so it must not import the media core
(PyAV, NumPy): it refers to activities by name, and everything it passes is JSON-friendly data defined
here. Rungs, plans and probe results travel as the dicts their media-core classes read and write.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

WORKFLOW_NAME = "EncodeJob"

# Activity names (the workflow schedules them by name; activities.py registers them under these).
PROBE = "probe_master"
FIND_GPU = "find_gpu_worker"
ANALYSE = "analyse_master"
PLAN = "plan_ladder"
CHECK_SPACE = "check_space"
ENCODE_RUNG = "encode_rung"
ENCODE_AUDIO = "encode_audio"
VERIFY = "verify_outputs"
PACKAGE = "package_encode"
PUBLISH = "publish_encode"
PREPOSITION = "queue_preposition"
END_JOB = "end_job"
NOTE = "record_note"

# The steps a job shows, in order, with their share of the whole job's work (for one overall percent).
STEP_WEIGHTS: dict[str, float] = {
    "validate": 2,
    "analyse": 8,
    "plan": 1,
    "encode": 72,
    "audio": 4,
    "verify": 6,
    "package": 3,
    "publish": 3,
    "preposition": 1,
}
STEPS = tuple(STEP_WEIGHTS)


def workflow_id(job_id: str) -> str:
    """One workflow per job, so a job id finds its workflow and a job can never run twice."""
    return f"encode-{job_id}"


def cpu_queue(prefix: str) -> str:
    return f"{prefix}-cpu"


def gpu_queue(prefix: str) -> str:
    """Polled only by workers whose NVENC opens; a job sends rungs here when such a worker exists."""
    return f"{prefix}-gpu"


@dataclass(frozen=True)
class RetrySettings:
    """Per-step retry policy, part of the job's input so replays and every worker agree on it."""

    max_attempts: int = 5
    initial_s: float = 2.0
    max_s: float = 60.0
    gpu_breaker_failures: int = 3
    heartbeat_s: float = 60.0  # a long step silent for this long is retried: its worker is taken for dead


@dataclass(frozen=True)
class JobInput:
    """Everything a job's workflow needs; the job row in the catalog is the source of these values."""

    job_id: str
    title_id: str
    encode_id: str
    master: str
    ladder: str = "fixed"  # fixed | per-title | per-shot
    codecs: list[str] = field(default_factory=lambda: ["h264"])
    gpu: str = "auto"  # auto | on | off
    allow_silent: bool = False
    segment_seconds: float = 4.0
    task_queue: str = "marquee-studio"
    retry: RetrySettings = field(default_factory=RetrySettings)


@dataclass(frozen=True)
class PlanRequest:
    job: JobInput
    info: dict[str, Any]
    analysis: dict[str, Any] | None = None


@dataclass(frozen=True)
class SpaceCheck:
    """The planned ladder (as the plan step returned it) and the master's duration: its size, roughly."""

    job: JobInput
    plan: dict[str, Any]
    duration_s: float


@dataclass(frozen=True)
class EncodeTask:
    """One rung × codec; ``fresh`` discards what another encoder (NVENC before a breaker trip) left."""

    job: JobInput
    rung: dict[str, Any]
    gpu: bool = False
    fresh: bool = False


@dataclass(frozen=True)
class EncodeOutcome:
    encoder: str
    segments_written: int
    resumed_from: int


@dataclass(frozen=True)
class JobEnd:
    job: JobInput
    status: str  # FAILED | NEEDS_REVIEW | CANCELLED
    error: str


@dataclass(frozen=True)
class Note:
    """Something a person reviewing the job should know (a GPU breaker trip), kept with its progress."""

    job: JobInput
    key: str
    text: str
