"""The backend's handle on Temporal: server (embedded) or cluster (remote), client, workers, job control.

Temporal's SDK is asyncio and the backend's services are synchronous, so the engine owns one thread with
an event loop where the client and the workers live; the methods below hand coroutines to it and wait.
In embedded mode that thread also starts the dev server, which the kernel then ties to the thread's life.
A backend whose encoding runs on separate ``main.py worker`` processes runs the engine without workers
(client only), and ``main.py worker`` is the same engine without the job-control side.
"""

from __future__ import annotations

import asyncio
import logging
import re
import threading
import time
from collections.abc import Coroutine
from typing import Any, TypeVar

from temporalio.client import Client, WorkflowHandle
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from app.studio.workflow.activities import StudioActivities
from app.studio.workflow.model import WORKFLOW_NAME, JobInput, cpu_queue, workflow_id
from app.studio.workflow.temporal_server import TemporalDevServer, TemporalUnavailable
from app.studio.workflow.worker import build_workers, busy_activities, nvenc_present

log = logging.getLogger(__name__)
START_TIMEOUT_S = 30.0
CALL_TIMEOUT_S = 30.0
# Stopping waits this long for interrupted activities; a codec call that ignores the interruption must not
# hold the backend's shutdown hostage (its activity is retried elsewhere once its heartbeat lapses).
STOP_TIMEOUT_S = 15.0
# Embedded mode: how often the dev server's process is checked, and how long a crashed one waits before it
# is started again (doubling while it keeps crashing; back to the minimum once it stayed up a while).
SERVER_CHECK_S = 1.0
RESTART_DELAY_S = (1.0, 60.0)
_T = TypeVar("_T")


class WorkflowGone(LookupError):
    """The job's workflow does not exist or has already finished."""


class WorkflowEngine:
    """Connects to the cluster at ``address``, or starts ``server`` (embedded mode) and connects to it.

    With ``workers`` off the engine only submits and controls jobs: other processes do the encoding.
    """

    def __init__(
        self,
        activities: StudioActivities,
        *,
        address: str | None,
        server: TemporalDevServer | None,
        namespace: str,
        task_queue: str,
        encode_slots: int = 0,
        gpu_slots: int = 2,
        workers: bool = True,
    ) -> None:
        if (address is None) == (server is None):
            raise ValueError("give either a cluster address or a dev server to start")
        self._activities = activities
        self._address = address
        self._namespace = namespace
        self.task_queue = task_queue
        self._server = server
        self._encode_slots = encode_slots
        self._gpu_slots = gpu_slots
        self._workers = workers
        self._loop: asyncio.AbstractEventLoop | None = None
        self._client: Client | None = None
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None
        self.gpu = False

    @property
    def running(self) -> bool:
        """Whether the engine is connected (and its workers, if it has any, are polling)."""
        return self._client is not None and self._thread is not None and self._thread.is_alive()

    @property
    def failure(self) -> BaseException | None:
        """Why the engine stopped on its own (Temporal unreachable at start, a worker that died)."""
        return self._error

    @property
    def address(self) -> str | None:
        return self._address or (self._server.address if self._server else None)

    def start(self, timeout_s: float = START_TIMEOUT_S) -> None:
        """Start (or connect to) Temporal and the workers; raises :class:`TemporalUnavailable`."""
        self._thread = threading.Thread(target=self._thread_main, args=(timeout_s,), name="workflow-engine")
        self._thread.start()
        if not self._ready.wait(timeout_s + 5):
            self.stop()
            raise TemporalUnavailable(f"the workflow engine did not start within {timeout_s:.0f} s")
        if self._error is not None:
            self._thread.join()
            raise TemporalUnavailable(str(self._error)) from self._error

    def stop(self, timeout_s: float = STOP_TIMEOUT_S) -> None:
        """Stop the workers (running activities are interrupted and retried later) and the dev server.

        Waits at most ``timeout_s``; activities still running then are logged and left behind (their
        threads end with the process), and the dev server is stopped all the same.
        """
        loop, stop = self._loop, self._stop
        if loop is not None and stop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(stop.set)
        if self._thread is not None:
            self._thread.join(timeout_s)
            if self._thread.is_alive():
                log.warning(
                    "workflow engine still busy %.0f s after stop; left running: %s",
                    timeout_s,
                    "; ".join(busy_activities()) or "the worker's shutdown",
                )
                if self._server is not None:
                    self._server.stop()
        self._client = None

    def submit(self, job: JobInput) -> None:
        """Start the job's workflow; a no-op when it was started before (one workflow per job, ever)."""
        self._call(self._submit(job))

    def pause(self, job_id: str) -> None:
        self._call(self._handle(job_id).signal("pause"))

    def resume(self, job_id: str) -> None:
        self._call(self._handle(job_id).signal("resume"))

    def cancel(self, job_id: str) -> None:
        self._call(self._handle(job_id).cancel())

    async def _submit(self, job: JobInput) -> None:
        assert self._client is not None
        try:
            await self._client.start_workflow(
                WORKFLOW_NAME,
                job,
                id=workflow_id(job.job_id),
                task_queue=cpu_queue(job.task_queue),
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            )
        except WorkflowAlreadyStartedError:
            log.debug("job %s already has its workflow", job.job_id)

    def _handle(self, job_id: str) -> WorkflowHandle[Any, Any]:
        if self._client is None:
            raise WorkflowGone("the workflow engine is not running")
        return self._client.get_workflow_handle(workflow_id(job_id))

    def _call(self, coro: Coroutine[Any, Any, _T]) -> _T:
        """Run ``coro`` on the engine's loop and wait for it; a finished workflow is :class:`WorkflowGone`."""
        loop = self._loop
        if loop is None or not self.running:
            coro.close()
            raise WorkflowGone("the workflow engine is not running")
        try:
            return asyncio.run_coroutine_threadsafe(coro, loop).result(CALL_TIMEOUT_S)
        except RPCError as exc:
            if exc.status in (RPCStatusCode.NOT_FOUND, RPCStatusCode.FAILED_PRECONDITION):
                raise WorkflowGone(exc.message) from exc
            raise

    def _thread_main(self, timeout_s: float) -> None:
        try:
            asyncio.run(self._main(timeout_s))
        except BaseException as exc:  # reported to start(); after start, logged
            self._error = exc
            if self._ready.is_set():
                log.exception("workflow engine stopped with an error")
        finally:
            self._ready.set()

    async def _main(self, timeout_s: float) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        address = self._address or self._server.start()  # type: ignore[union-attr]
        keeper = asyncio.create_task(self._keep_server_up()) if self._server is not None else None
        try:
            client = await self._connect(address, timeout_s)
            if self._workers:
                await self._run_workers(client, address)
            else:
                self._client = client
                log.info("workflow client connected to %s; encoding workers run elsewhere", address)
                self._ready.set()
                await self._stop.wait()
                self._client = None
        finally:
            if keeper is not None:
                keeper.cancel()
            if self._server is not None:
                self._server.stop()

    async def _keep_server_up(self) -> None:
        """Start the embedded dev server again whenever it dies, at the same address with the same state.

        Jobs would otherwise stall until the app restarts; the client and the workers retry their calls,
        so once the server is back every job goes on (an interrupted encode resumes after its last
        heartbeated segment).
        """
        server, stop = self._server, self._stop
        assert server is not None and stop is not None
        delay, up_since = RESTART_DELAY_S[0], time.monotonic()
        while True:
            await asyncio.sleep(SERVER_CHECK_S)
            try:
                server.check_alive()
                continue
            except TemporalUnavailable as exc:
                if time.monotonic() - up_since > RESTART_DELAY_S[1]:
                    delay = RESTART_DELAY_S[0]
                log.warning("%s; starting it again in %.0f s", exc, delay)
            await asyncio.sleep(delay)
            if stop.is_set():
                return
            server.start()
            delay, up_since = min(delay * 2, RESTART_DELAY_S[1]), time.monotonic()

    async def _run_workers(self, client: Client, address: str) -> None:
        """Poll until :meth:`stop` (or until a worker dies on its own, which is raised)."""
        assert self._stop is not None
        self.gpu = nvenc_present()
        workers, executor = build_workers(
            client, self._activities, self.task_queue, self._encode_slots, self._gpu_slots, self.gpu
        )
        with executor:
            runs = [asyncio.create_task(worker.run()) for worker in workers]
            self._client = client
            log.info("workflow worker polling %s at %s (GPU queue: %s)", self.task_queue, address, self.gpu)
            self._ready.set()
            stopped = asyncio.create_task(self._stop.wait())
            await asyncio.wait([stopped, *runs], return_when=asyncio.FIRST_COMPLETED)
            self._client = None
            await asyncio.gather(*(worker.shutdown() for worker in workers), return_exceptions=True)
            for run in runs:  # a worker that died on its own reports why here
                run.result()

    async def _connect(self, address: str, timeout_s: float) -> Client:
        """Connect, waiting while a just-started dev server comes up."""
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                return await Client.connect(address, namespace=self._namespace)
            except RuntimeError as exc:
                if self._server is not None:
                    self._server.check_alive()
                if time.monotonic() > deadline:
                    raise TemporalUnavailable(
                        f"Temporal at {address} did not answer within {timeout_s:.0f} s: {_reason(exc)}"
                    ) from exc
                await asyncio.sleep(0.2)


def _reason(exc: RuntimeError) -> str:
    """The OS's words from the SDK's nested transport error ("Connection refused"), else its first line."""
    text = str(exc).strip()
    found = re.search(r'message: "([^"]+)"', text)
    if found:
        return found.group(1)
    return text.splitlines()[0] if text else type(exc).__name__
