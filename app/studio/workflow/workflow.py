"""The durable encoding workflow: validate → analyse → plan → encode ∥ audio → verify → package → publish.

Temporal keeps the workflow's state, so a backend restart or a killed worker only delays a job: each
step is an activity retried by its policy, encodes resume after their last finished segment, and
bookkeeping (how the job ended, notes) happens in activities too, so it is never lost. The job row's
status is written by activities; this class decides *what* happens and in which order. The job is
SUCCEEDED as soon as its title is published; pre-positioning follows and can only add a note.

Signals ``pause`` and ``resume`` hold the job between steps and stop running encodes (they restart from
their last segment on resume); cancelling the workflow stops every activity, deletes the unfinished
encode and marks the job CANCELLED. A GPU rung that fails ``gpu_breaker_failures`` times trips a breaker
that moves that codec's remaining work to the CPU queue, and the trip is noted in the job.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError, RetryState

with workflow.unsafe.imports_passed_through():
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

SUCCEEDED, FAILED, NEEDS_REVIEW, CANCELLED = "SUCCEEDED", "FAILED", "NEEDS_REVIEW", "CANCELLED"
REJECTED = "rejected"  # activities.REJECTED (not imported: the sandbox must not load the media core)
_STEP_OF = {
    model.PROBE: "validate",
    model.FIND_GPU: "validate",
    model.ANALYSE: "analyse",
    model.PLAN: "plan",
    model.CHECK_SPACE: "encode",
    model.ENCODE_RUNG: "encode",
    model.ENCODE_AUDIO: "audio",
    model.VERIFY: "verify",
    model.PACKAGE: "package",
    model.PUBLISH: "publish",
    model.PREPOSITION: "preposition",
}
_SHORT = timedelta(minutes=30)
_LONG = timedelta(hours=24)
# How long a GPU rung may wait for a GPU worker before the breaker sends it to the CPU.
_GPU_PICKUP = timedelta(minutes=5)
# Jobs started before the free-space check existed replay without it (see ``workflow.patched``).
_SPACE_CHECK = "check-space-before-encoding"
_FOREVER = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=30))


class JobRejected(Exception):
    """The workflow itself refuses the job (``gpu=on`` without a GPU worker): FAILED, no retry."""


@workflow.defn(name=model.WORKFLOW_NAME)
class EncodeJobWorkflow:
    def __init__(self) -> None:
        self._paused = False
        self._stopping = False
        # Lists, not sets: cancellations must be issued in the same order on every replay.
        self._running: list[asyncio.Task[Any]] = []
        self._interrupted: list[asyncio.Task[Any]] = []
        self._tripped: set[str] = set()

    @workflow.signal
    def pause(self) -> None:
        """Hold the job: no new step starts, running encodes stop (and resume where they were)."""
        self._paused = True
        self._interrupted += [h for h in self._running if h not in self._interrupted]
        for handle in self._running:
            handle.cancel()

    @workflow.signal
    def resume(self) -> None:
        self._paused = False

    @workflow.run
    async def run(self, job: JobInput) -> str:
        try:
            await self._pipeline(job)
            return SUCCEEDED
        # Not GeneratorExit: a workflow evicted from a stopping worker's cache is closed, not failed.
        except (Exception, asyncio.CancelledError) as exc:
            if workflow.cancellation_reason() is not None:
                await self._end(job, CANCELLED, "cancelled on request")
                raise asyncio.CancelledError() from None
            if isinstance(exc, JobRejected):
                return await self._end(job, FAILED, f"validate: {exc}")
            if isinstance(exc, ActivityError):
                return await self._end(job, *_outcome(exc, job))
            raise

    async def _pipeline(self, job: JobInput) -> None:
        info = await self._step(job, model.PROBE, job, dict)
        gpu = job.gpu != "off" and await self._step(job, model.FIND_GPU, job, bool)
        if job.gpu == "on" and not gpu:
            raise JobRejected("gpu=on, but no GPU encoding worker (NVENC) is available")
        analysis = None
        if job.ladder != "fixed":
            analysis = await self._step(
                job, model.ANALYSE, PlanRequest(job, info), dict, _LONG, heartbeat=_heartbeat(job)
            )
        plan = await self._step(job, model.PLAN, PlanRequest(job, info, analysis), dict, _LONG)
        if workflow.patched(_SPACE_CHECK):
            await self._step(job, model.CHECK_SPACE, SpaceCheck(job, plan, info["duration_s"]), int)
        encodes: list[Coroutine[Any, Any, Any]] = [
            self._encode_rung(job, rung, gpu) for rung in plan["rungs"]
        ]
        encodes.append(self._step(job, model.ENCODE_AUDIO, job, bool, _LONG))
        await self._all(encodes)
        await self._step(job, model.VERIFY, job, dict, _LONG)
        await self._step(job, model.PACKAGE, job, int)
        await self._step(job, model.PUBLISH, job)
        try:
            await self._step(job, model.PREPOSITION, job, str)
        except ActivityError as exc:  # the title plays already; edges fill on demand meanwhile
            if workflow.cancellation_reason() is not None:
                raise
            await self._bookkeeping(
                model.NOTE, Note(job, "preposition", f"pre-positioning failed: {_cause(exc)}")
            )

    async def _step(
        self,
        job: JobInput,
        activity: str,
        arg: Any,
        result_type: type | None = None,
        timeout: timedelta = _SHORT,
        heartbeat: timedelta | None = None,
    ) -> Any:
        await workflow.wait_condition(lambda: not self._paused)
        return await workflow.execute_activity(
            activity,
            arg,
            result_type=result_type,
            task_queue=model.cpu_queue(job.task_queue),
            start_to_close_timeout=timeout,
            heartbeat_timeout=heartbeat,
            retry_policy=_retry(job, job.retry.max_attempts),
            cancellation_type=workflow.ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
        )

    async def _all(self, steps: list[Coroutine[Any, Any, Any]]) -> None:
        """Run steps in parallel; when one fails, stop the others before anything touches their files."""
        tasks = [asyncio.ensure_future(step) for step in steps]
        try:
            await asyncio.gather(*tasks)
        except BaseException:
            self._stopping = True
            for task in (*self._running, *tasks):
                task.cancel()
            await workflow.wait(tasks)
            raise

    async def _encode_rung(self, job: JobInput, rung: dict[str, Any], gpu: bool) -> EncodeOutcome:
        """On the GPU queue while the codec's breaker is closed, else (or after it trips) on the CPU."""
        codec = rung["codec"]
        if gpu and codec not in self._tripped:
            try:
                return await self._restartable(
                    EncodeTask(job, rung, gpu=True),
                    model.gpu_queue(job.task_queue),
                    _retry(job, job.retry.gpu_breaker_failures),
                    schedule_to_start=_GPU_PICKUP,
                )
            except ActivityError as exc:
                if self._stopping or workflow.cancellation_reason() is not None:
                    raise
                await self._trip(job, codec, exc)
        return await self._restartable(
            EncodeTask(job, rung, gpu=False, fresh=gpu),
            model.cpu_queue(job.task_queue),
            _retry(job, job.retry.max_attempts),
        )

    async def _restartable(
        self,
        task: EncodeTask,
        queue: str,
        retry: RetryPolicy,
        schedule_to_start: timedelta | None = None,
    ) -> EncodeOutcome:
        """One encode activity, started again (from its last segment) whenever a pause stopped it."""
        while True:
            await workflow.wait_condition(lambda: not self._paused)
            handle = workflow.start_activity(
                model.ENCODE_RUNG,
                task,
                result_type=EncodeOutcome,
                task_queue=queue,
                start_to_close_timeout=_LONG,
                schedule_to_start_timeout=schedule_to_start,
                heartbeat_timeout=_heartbeat(task.job),
                retry_policy=retry,
                cancellation_type=workflow.ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
            )
            self._running.append(handle)
            try:
                return await handle
            except ActivityError:
                paused = handle in self._interrupted and not self._stopping
                if paused and workflow.cancellation_reason() is None:
                    continue
                raise
            finally:
                self._running.remove(handle)
                if handle in self._interrupted:
                    self._interrupted.remove(handle)

    async def _trip(self, job: JobInput, codec: str, exc: ActivityError) -> None:
        if codec in self._tripped:
            return
        self._tripped.add(codec)
        text = (
            f"GPU breaker tripped for {codec} after {job.retry.gpu_breaker_failures} failures"
            f" ({_cause(exc)}); its remaining rungs are encoded on the CPU"
        )
        await self._bookkeeping(model.NOTE, Note(job, f"gpu-breaker-{codec}", text))

    async def _end(self, job: JobInput, status: str, error: str) -> str:
        await self._bookkeeping(model.END_JOB, JobEnd(job, status, error))
        return status

    async def _bookkeeping(self, activity: str, arg: Any) -> None:
        """Recording what happened must not be lost: retried until the catalog takes it."""
        await workflow.execute_activity(
            activity,
            arg,
            task_queue=model.cpu_queue(arg.job.task_queue),
            start_to_close_timeout=_SHORT,
            retry_policy=_FOREVER,
        )


def _heartbeat(job: JobInput) -> timedelta:
    return timedelta(seconds=job.retry.heartbeat_s)


def _retry(job: JobInput, attempts: int) -> RetryPolicy:
    return RetryPolicy(
        initial_interval=timedelta(seconds=job.retry.initial_s),
        maximum_interval=timedelta(seconds=job.retry.max_s),
        maximum_attempts=attempts,
    )


def _cause(exc: ActivityError) -> str:
    cause = exc.cause
    if isinstance(cause, ApplicationError):
        return cause.message
    return str(cause or exc)


def _outcome(exc: ActivityError, job: JobInput) -> tuple[str, str]:
    """FAILED for a rejected input, NEEDS_REVIEW for anything our side could not get done."""
    step = _STEP_OF.get(exc.activity_type or "", exc.activity_type or "a step")
    cause = exc.cause
    if isinstance(cause, ApplicationError) and cause.type == REJECTED:
        return FAILED, f"{step}: {cause.message}"
    if exc.retry_state == RetryState.MAXIMUM_ATTEMPTS_REACHED:
        return NEEDS_REVIEW, f"{step} failed {job.retry.max_attempts} times: {_cause(exc)}"
    return NEEDS_REVIEW, f"{step} failed: {_cause(exc)}"
