"""An AV1 encode leaves no thread of ours real-time (SVT-AV1 switches to SCHED_FIFO when it may)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.studio.media.encode import encode_video
from app.studio.media.ladder import Rung
from app.studio.media.scheduling import _REAL_TIME, _TASKS

from .conftest import FAST_PRESETS


def _real_time_threads() -> list[int]:
    found = []
    for task in _TASKS.iterdir():
        try:
            if os.sched_getscheduler(int(task.name)) in _REAL_TIME:
                found.append(int(task.name))
        except OSError:
            continue
    return found


@pytest.mark.skipif(not _TASKS.is_dir(), reason="thread scheduling is read from Linux's /proc")
def test_an_av1_encode_leaves_every_thread_at_normal_priority(tmp_path: Path, ladder_master: Path) -> None:
    rung = Rung("av1", 320, 180, 240, 360)
    encode_video(ladder_master, [rung], tmp_path, segment_seconds=1.0, gpu="off", presets=FAST_PRESETS)
    assert os.sched_getscheduler(0) == os.SCHED_OTHER
    assert _real_time_threads() == []
