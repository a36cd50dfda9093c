"""Temporal workers: one on the CPU queue (the workflow, every step), one on the GPU queue if NVENC opens.

Activities run in one thread pool sized to the machine: ``encode_slots`` CPU activities at once (each
encoder is multi-threaded itself, so one per core keeps the machine busy without thrashing) plus
``gpu_slots`` NVENC encodes, which mostly wait on the GPU.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from temporalio.client import Client
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from app.studio.media.codecs import FAMILIES, encoder_available
from app.studio.workflow.activities import StudioActivities
from app.studio.workflow.model import cpu_queue, gpu_queue
from app.studio.workflow.workflow import EncodeJobWorkflow

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
        max_workers=slots + (gpu_slots if gpu else 0), thread_name_prefix="activity"
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
