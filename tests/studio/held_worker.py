"""``main.py worker`` whose rung encodes stop advancing after N finished segments: a worker to SIGKILL.

Run as ``python -m tests.studio.held_worker [worker options]`` with ``HOLD_AFTER_SEGMENTS=N``. Each encode
runs for real until its N-th segment is on disk, then holds there, reporting progress (so heartbeating)
as a long segment would, until the process is killed. That makes "killed mid-rung" deterministic
without touching what is under test: the worker is a separate process and dies by SIGKILL.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from typing import Any

from app.cli.main import main
from app.studio.workflow import activities

HOLD_ENV = "HOLD_AFTER_SEGMENTS"


def hold_encodes_after(segments: int) -> None:
    real = activities.encode_video

    def encode(*args: Any, on_progress: Callable[[int, int, float], None], **kwargs: Any) -> Any:
        def progress(done: int, total: int, fps: float) -> None:
            on_progress(done, total, fps)
            while done >= segments:
                time.sleep(0.2)
                on_progress(done, total, fps)

        return real(*args, on_progress=progress, **kwargs)

    activities.encode_video = encode  # type: ignore[assignment]


if __name__ == "__main__":
    hold_encodes_after(int(os.environ[HOLD_ENV]))
    sys.exit(main(["worker", *sys.argv[1:]]))
