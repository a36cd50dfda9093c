"""The segment-level session physics shared by the simulator and the offline optimum.

Keeping one implementation means the optimum plans with exactly the dynamics the controllers are
scored on, so "no controller beats the optimum" is a meaningful check rather than a coincidence.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.player.simulation.traces import Trace


@dataclass(frozen=True)
class Step:
    """Outcome of downloading one segment (arrays when the inputs were arrays)."""

    time_s: np.ndarray  # clock when the next request can go out (after any buffer-full wait)
    buffer_s: np.ndarray  # buffer at that moment
    download_s: np.ndarray  # request to last byte, RTT included (what the controller records)
    stall_s: np.ndarray


@dataclass(frozen=True)
class LinkModel:
    """Every request pays one RTT (the link idles meanwhile, the trace clock runs on); the buffer is capped
    and the client waits, playing, until a whole segment fits again."""

    rtt_s: float = 0.08
    buffer_cap_s: float = 60.0

    def step(
        self,
        trace: Trace,
        time_s: np.ndarray | float,
        buffer_s: np.ndarray | float,
        nbytes: np.ndarray | float,
        segment_seconds: float,
    ) -> Step:
        time_s = np.asarray(time_s, dtype=float)
        buffer_s = np.asarray(buffer_s, dtype=float)
        download = trace.finish_time(time_s + self.rtt_s, nbytes) - time_s
        stall = np.maximum(download - buffer_s, 0.0)
        after = np.maximum(buffer_s - download, 0.0) + segment_seconds
        wait = np.maximum(after - self.buffer_cap_s, 0.0)
        return Step(time_s + download + wait, after - wait, download, stall)


DEFAULT_LINK = LinkModel()
