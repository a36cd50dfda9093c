"""Temporal workers: one on the CPU queue (the workflow, every step), one on the GPU queue if NVENC opens.

Activities run in one thread pool sized to the machine: ``encode_slots`` CPU activities at once (each
encoder is multi-threaded itself, so one per core keeps the machine busy without thrashing) plus
``gpu_slots`` NVENC encodes, which mostly wait on the GPU.
"""

from __future__ import annotations

import os
import sys
import sysconfig
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from temporalio.client import Client
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from app.studio.media.codecs import FAMILIES, encoder_available
from app.studio.workflow.activities import StudioActivities
from app.studio.workflow.model import cpu_queue, gpu_queue
from app.studio.workflow.workflow import EncodeJobWorkflow

ACTIVITY_THREAD_PREFIX = "activity"
# Heartbeats reach the server at least this often, which bounds how late a pause or cancel stops an encode.
HEARTBEAT_THROTTLE = timedelta(seconds=1)


def nvenc_present() -> bool:
    """Whether any NVENC encoder opens here (FFmpeg lists them whether or not a GPU exists)."""
    return any(encoder_available(family.nvenc) for family in FAMILIES.values())


def cpu_slots(configured: int) -> int:
    return configured or os.cpu_count() or 1


def build_workers(
    client: Client,
    activities: StudioActivities,
    task_queue: str,
    encode_slots: int,
    gpu_slots: int,
    gpu: bool,
) -> tuple[list[Worker], ThreadPoolExecutor]:
    """The workers to run (GPU one only when ``gpu``) and the pool their activities share."""
    slots = cpu_slots(encode_slots)
    executor = ThreadPoolExecutor(
        max_workers=slots + (gpu_slots if gpu else 0), thread_name_prefix=ACTIVITY_THREAD_PREFIX
    )
    runner = SandboxedWorkflowRunner(
        restrictions=SandboxRestrictions.default.with_passthrough_modules("app.studio.workflow.model")
    )
    workers = [
        Worker(
            client,
            task_queue=cpu_queue(task_queue),
            workflows=[EncodeJobWorkflow],
            activities=activities.cpu_activities(),
            activity_executor=executor,
            max_concurrent_activities=slots,
            max_heartbeat_throttle_interval=HEARTBEAT_THROTTLE,
            workflow_runner=runner,
        )
    ]
    if gpu:
        workers.append(
            Worker(
                client,
                task_queue=gpu_queue(task_queue),
                activities=[activities.encode_rung],
                activity_executor=executor,
                max_concurrent_activities=gpu_slots,
                max_heartbeat_throttle_interval=HEARTBEAT_THROTTLE,
            )
        )
    return workers, executor


# Frames from these folders are the standard library's or the SDK's, not an activity's own code.
_LIBRARIES = tuple({sysconfig.get_path(name) for name in ("stdlib", "platstdlib", "purelib", "platlib")})


def busy_activities() -> list[str]:
    """Activities whose threads are still busy, each as its chain of our functions (where it is stuck).

    Idle pool threads have no frame of our code and are left out.
    """
    frames = sys._current_frames()
    found = []
    for thread in threading.enumerate():
        frame = frames.get(thread.ident or -1)
        if not thread.name.startswith(ACTIVITY_THREAD_PREFIX) or frame is None:
            continue
        chain = []
        while frame is not None:
            if not frame.f_code.co_filename.startswith(_LIBRARIES):
                chain.append(f"{frame.f_code.co_name}:{frame.f_lineno}")
            frame = frame.f_back
        if chain:
            found.append(f"{thread.name}: {' < '.join(chain)}")
    return found
