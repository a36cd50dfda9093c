"""Keep encoder threads at normal scheduling priority.

SVT-AV1 switches the thread that opens an encoder to real-time scheduling (SCHED_FIFO at the highest
priority) whenever it is allowed to, i.e. when running as root, and the ~40 threads it then starts
inherit that. A busy real-time encoder starves everything else on the machine (the API, the other
encodes, libraries that spin-wait for their own threads, such as OpenBLAS), and every process later
started from such a thread inherits the policy too. So after opening one, every real-time thread of
this process is put back to normal scheduling.
"""

from __future__ import annotations

import os
from pathlib import Path

_TASKS = Path("/proc/self/task")
_REAL_TIME = (getattr(os, "SCHED_FIFO", -1), getattr(os, "SCHED_RR", -1))


def drop_real_time_scheduling() -> int:
    """Put every real-time thread of this process back to SCHED_OTHER; returns how many there were.

    Linux only (elsewhere the encoders cannot switch, and this does nothing).
    """
    if not _TASKS.is_dir():
        return 0
    changed = 0
    for task in _TASKS.iterdir():
        tid = int(task.name)
        try:
            if os.sched_getscheduler(tid) in _REAL_TIME:
                os.sched_setscheduler(tid, os.SCHED_OTHER, os.sched_param(0))
                changed += 1
        except OSError:  # the thread ended meanwhile
            continue
    return changed
