"""The steps of flow 1 as Temporal activities: each one retryable on its own and reporting its progress.

Activities are synchronous and run in the worker's thread pool (PyAV releases the GIL while it codes), so
a cancelled one is interrupted by the SDK raising in its thread; the media core leaves only whole,
atomically written segments behind, which is what makes every retry a resume. Errors that no retry can
fix (a rejected master, an unknown codec) are raised as non-retryable ``rejected`` failures, which end
the job as FAILED; any other error is retried by the step's policy and, once spent, needs review.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from temporalio import activity
from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.exceptions import ApplicationError
from temporalio.exceptions import CancelledError as ActivityCancelled

from app.studio.media.analysis import Shot, analyse, merge_short_shots
from app.studio.media.audio import encode_audio
from app.studio.media.codecs import family, select_encoder
from app.studio.media.disk_space import check_room, planned_bytes
from app.studio.media.encode import encode_video
from app.studio.media.errors import DiskFullError, OutputValidationError, ProbeError
from app.studio.media.ladder import (
    LadderPlan,
    Rung,
    candidate_heights,
    ladder_view,
    plan_fixed,
    plan_per_title,
)
from app.studio.media.package import encode_dir, package, read_package
from app.studio.media.pershot import plan_per_shot
from app.studio.media.probe import MediaInfo, probe
from app.studio.media.quality import RatePoint, measure_rate_quality, measure_shots
from app.studio.media.segmenter import finished_segments
from app.studio.media.validate import validate_package
from app.studio.workflow import model
from app.studio.workflow.model import (
    EncodeOutcome,
    EncodeTask,
    JobEnd,
    JobInput,
    Note,
    PlanRequest,
    SpaceCheck,
)
from app.studio.workflow.progress import (
    CANCELLED,
    DONE,
    LADDER_PART,
    PENDING,
    RETRYING,
    RUNNING,
    SKIPPED,
    PartReporter,
    rung_eta,
)
from app.studio.workflow.store import JobStore

log = logging.getLogger(__name__)
REJECTED = "rejected"
"""Failure type of input errors: the job is FAILED at once, since retrying cannot change the master."""
OUTPUT_INVALID = "output_invalid"
# A GPU worker that has not polled for this long is taken to be gone.
GPU_POLLER_FRESH_S = 120.0


def rejected(message: str) -> ApplicationError:
    return ApplicationError(message, type=REJECTED, non_retryable=True)


class StudioActivities:
    """The activities of one worker, bound to the catalog (``store``) and where encodes are written."""

    def __init__(self, store: JobStore, media_root: Path) -> None:
        self.store = store
        self.media_root = media_root

    def out_dir(self, job: JobInput) -> Path:
        return encode_dir(self.media_root, job.title_id, job.encode_id)

    def cpu_activities(self) -> list[Any]:
        """Everything a CPU worker runs (the workflow's bookkeeping included)."""
        return [
            self.validate_master,
            self.find_gpu_worker,
            self.analyse_master,
            self.plan_ladder,
            self.check_space,
            self.encode_rung,
            self.encode_audio_rendition,
            self.verify_outputs,
            self.package_encode,
            self.publish_encode,
            self.queue_preposition,
            self.end_job,
            self.record_note,
        ]

    @activity.defn(name=model.PROBE)
    def validate_master(self, job: JobInput) -> dict[str, Any]:
        """Probe the master (decoding start, middle and end) and check the job's options."""
        self.store.start_job(job.job_id)
        if job.ladder == "fixed":
            self.store.report(job.job_id, "step:analyse", {"state": SKIPPED, "percent": 100.0})
        with self._step(job, "validate"):
            try:
                info = probe(job.master, allow_silent=job.allow_silent)
                for codec in job.codecs:
                    family(codec)
            except (ProbeError, ValueError) as exc:
                raise rejected(getattr(exc, "message", str(exc))) from exc
        return info.to_dict()

    @activity.defn(name=model.FIND_GPU)
    async def find_gpu_worker(self, job: JobInput) -> bool:
        """Whether a worker with NVENC polls the GPU queue (only such workers do), on any host."""
        client = activity.client()
        response = await client.workflow_service.describe_task_queue(
            DescribeTaskQueueRequest(
                namespace=client.namespace,
                task_queue=TaskQueue(name=model.gpu_queue(job.task_queue)),
                task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
            )
        )
        fresh = time.time() - GPU_POLLER_FRESH_S
        return any(p.last_access_time.ToSeconds() >= fresh for p in response.pollers)

    @activity.defn(name=model.ANALYSE)
    def analyse_master(self, request: PlanRequest) -> dict[str, Any]:
        """Shots and complexity, then the trial encodes the ladder is planned from: per-title measures
        windows spread over the title, per-shot every shot (tiny ones merged with a neighbour)."""
        job, info = request.job, MediaInfo.from_dict(request.info)
        with self._step(job, "analyse") as step:
            # The trial encodes take about as long as the analysis pass: half the step each.
            analysis_share = 50.0

            def on_progress(seconds: float) -> None:
                activity.heartbeat(seconds)
                step.update(
                    percent=min(analysis_share, analysis_share * seconds / max(info.duration_s, 1e-9))
                )

            def on_trials(done: float) -> None:
                activity.heartbeat(done)
                step.update(percent=min(99.0, analysis_share + (99.0 - analysis_share) * done))

            analysis = analyse(job.master, on_progress=on_progress)
            result: dict[str, Any] = {"analysis": analysis.to_dict()}
            heights = candidate_heights(info)
            if job.ladder == "per-shot":
                shots = merge_short_shots(analysis.shots)
                result["shots"] = [asdict(s) for s in shots]
                points = measure_shots(job.master, shots, heights, on_progress=on_trials)
            else:
                points = measure_rate_quality(job.master, heights, on_progress=on_trials)
            result["points"] = [asdict(p) for p in points]
        return result

    @activity.defn(name=model.PLAN)
    def plan_ladder(self, request: PlanRequest) -> dict[str, Any]:
        job = request.job
        with self._step(job, "plan"):
            plan = plan_for(job.ladder, MediaInfo.from_dict(request.info), job.codecs, request.analysis)
            for note in plan.notes:
                log.info("job %s: %s", job.job_id, note)
            self.store.report(job.job_id, LADDER_PART, ladder_view(plan))
            for rung in plan.rungs:
                self.store.report(job.job_id, f"rung:{rung.id}", _rung_fields(rung) | {"state": PENDING})
        return plan.to_dict()

    @activity.defn(name=model.CHECK_SPACE)
    def check_space(self, check: SpaceCheck) -> int:
        """Refuse (for review, not retried) a ladder that clearly cannot fit; returns the bytes estimated."""
        plan = LadderPlan.from_dict(check.plan)
        needed = planned_bytes([r.bitrate_kbps for r in plan.rungs] + [plan.audio_kbps], check.duration_s)
        try:
            check_room(self.out_dir(check.job), needed)
        except DiskFullError as exc:
            raise ApplicationError(exc.message, type=exc.code, non_retryable=True) from exc
        return needed

    @activity.defn(name=model.ENCODE_RUNG)
    def encode_rung(self, task: EncodeTask) -> EncodeOutcome:
        """Encode one rung, resuming after its last finished segment; heartbeats carry that segment."""
        job, rung = task.job, Rung.from_dict(task.rung)
        out = self.out_dir(job)
        if task.fresh:
            shutil.rmtree(out / rung.id, ignore_errors=True)
        info = activity.info()
        resumed = finished_segments(out / rung.id)
        reported = last_heartbeat_segments(info.heartbeat_details)
        if reported > resumed:
            log.warning(
                "rung %s: last heartbeat had %d segments, only %d on disk", rung.id, reported, resumed
            )
        encoder = select_encoder(rung.codec, "on" if task.gpu else "off")
        reporter = PartReporter(
            self.store,
            job.job_id,
            f"rung:{rung.id}",
            **_rung_fields(rung),
            encoder=encoder,
            state=RUNNING,
            attempt=info.attempt,
            resumedFrom=resumed,
            heartbeatSegments=reported,
            startedAt=time.time(),
            percent=0.0,
        )
        reporter.update(force=True)
        started = time.monotonic()

        def on_progress(done: int, total: int, fps: float) -> None:
            activity.heartbeat({"rung": rung.id, "segments": done})
            reporter.update(
                force=done == total,
                percent=100.0 * done / total if total else 100.0,
                segmentsDone=done,
                segmentsTotal=total,
                fps=round(fps, 1),
                etaS=rung_eta(done, total, resumed, time.monotonic() - started),
            )

        try:
            with _disk_full_reported():
                stats = encode_video(
                    job.master,
                    [rung],
                    out,
                    segment_seconds=job.segment_seconds,
                    gpu="on" if task.gpu else "off",
                    on_progress=on_progress,
                )
        except BaseException as exc:
            reporter.update(force=True, state=_failed_state(exc), error=_message(exc))
            raise
        reporter.update(force=True, state=DONE, percent=100.0, etaS=0.0)
        return EncodeOutcome(encoder, stats.segments_written, resumed)

    @activity.defn(name=model.ENCODE_AUDIO)
    def encode_audio_rendition(self, job: JobInput) -> bool:
        """The shared AAC rendition; False when the master is silent (allowed by the job)."""
        with self._step(job, "audio"):
            return (
                encode_audio(job.master, self.out_dir(job), segment_seconds=job.segment_seconds) is not None
            )

    @activity.defn(name=model.VERIFY)
    def verify_outputs(self, job: JobInput) -> dict[str, Any]:
        """Decode every segment as a player would; a bad package is not retried but reviewed."""
        with self._step(job, "verify"):
            try:
                report = validate_package(self.out_dir(job), job.segment_seconds)
            except OutputValidationError as exc:
                raise ApplicationError(exc.message, type=OUTPUT_INVALID, non_retryable=True) from exc
        return asdict(report)

    @activity.defn(name=model.PACKAGE)
    def package_encode(self, job: JobInput) -> int:
        """Write the HLS and DASH manifests; returns the number of renditions."""
        with self._step(job, "package"):
            index = package(
                self.out_dir(job),
                title_id=job.title_id,
                encode_id=job.encode_id,
                segment_seconds=job.segment_seconds,
            )
        return len(index.renditions)

    @activity.defn(name=model.PUBLISH)
    def publish_encode(self, job: JobInput) -> None:
        """Renditions, PLAYABLE title and SUCCEEDED job in one transaction: never half-published."""
        with self._step(job, "publish"):
            index = read_package(
                self.out_dir(job),
                title_id=job.title_id,
                encode_id=job.encode_id,
                segment_seconds=job.segment_seconds,
            )
            with activity.shield_thread_cancel_exception():
                published = self.store.publish(job.job_id, index)
            if not published:
                raise ApplicationError("the job ended before it could be published", non_retryable=True)

    @activity.defn(name=model.PREPOSITION)
    def queue_preposition(self, job: JobInput) -> str:
        with self._step(job, "preposition") as step:
            outcome = self.store.preposition(job.title_id)
            step.update(result=outcome)
        return outcome

    @activity.defn(name=model.END_JOB)
    def end_job(self, end: JobEnd) -> bool:
        """Record how the job ended and delete its unfinished encode (unless it was published after all)."""
        job = end.job
        with activity.shield_thread_cancel_exception():
            ended = self.store.end_job(job.job_id, end.status, end.error)
        if ended:
            out = self.out_dir(job)
            shutil.rmtree(out, ignore_errors=True)
            with contextlib.suppress(OSError):  # other encodes of the title may live beside it
                out.parent.rmdir()
        return ended

    @activity.defn(name=model.NOTE)
    def record_note(self, note: Note) -> None:
        self.store.report(note.job.job_id, f"note:{note.key}", {"text": note.text, "at": time.time()})

    @contextlib.contextmanager
    def _step(self, job: JobInput, name: str) -> Iterator[PartReporter]:
        """Report a step as running, then done, or retrying/cancelled with the error."""
        reporter = PartReporter(
            self.store,
            job.job_id,
            f"step:{name}",
            state=RUNNING,
            percent=0.0,
            attempt=activity.info().attempt,
            startedAt=time.time(),
        )
        reporter.update(force=True)
        try:
            with _disk_full_reported():
                yield reporter
        except BaseException as exc:
            reporter.update(force=True, state=_failed_state(exc), error=_message(exc))
            raise
        reporter.update(force=True, state=DONE, percent=100.0, endedAt=time.time())


def plan_for(
    ladder: str, info: MediaInfo, codecs: Sequence[str], analysis: dict[str, Any] | None
) -> LadderPlan:
    """The job's ladder: fixed, per-title (convex hull of the title's trials) or per-shot (bits shared out
    over shots)."""
    if ladder == "fixed":
        return plan_fixed(info, codecs)
    if analysis is None:
        raise ValueError(f"a {ladder} ladder needs the analysis step")
    if ladder == "per-title":
        return plan_per_title(info, [RatePoint(**p) for p in analysis["points"]], codecs)
    if ladder == "per-shot":
        shots = [Shot(**s) for s in analysis["shots"]]
        return plan_per_shot(info, shots, [RatePoint(**p) for p in analysis["points"]], codecs)
    raise ValueError(f"unknown ladder {ladder!r}")


def last_heartbeat_segments(details: Sequence[Any]) -> int:
    """Segments finished according to the previous attempt's last heartbeat (0 on a first attempt)."""
    if not details or not isinstance(details[-1], dict):
        return 0
    return int(details[-1].get("segments", 0))


@contextlib.contextmanager
def _disk_full_reported() -> Iterator[None]:
    """A full disk fails the attempt with its plain reason; retried, since space may be freed meanwhile."""
    try:
        yield
    except DiskFullError as exc:
        raise ApplicationError(exc.message, type=exc.code) from exc


def _rung_fields(rung: Rung) -> dict[str, Any]:
    return {
        "codec": rung.codec,
        "width": rung.width,
        "height": rung.height,
        "bitrateKbps": rung.bitrate_kbps,
    }


def _failed_state(exc: BaseException) -> str:
    return CANCELLED if isinstance(exc, ActivityCancelled) else RETRYING


def _message(exc: BaseException) -> str:
    if isinstance(exc, ApplicationError):
        return exc.message
    return getattr(exc, "message", None) or str(exc) or type(exc).__name__
