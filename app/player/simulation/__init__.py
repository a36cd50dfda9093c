"""Offline, Qt-free ABR simulation: traces, the segment-level session model, QoE and the offline optimum.

The benchmark (``bench/abr.py``), the tests and the GUI's "ABR lab" all run controllers through this
package, so what is measured offline is the very object the player engine uses.
"""

from app.player.simulation.network import LinkModel
from app.player.simulation.optimum import optimum
from app.player.simulation.qoe import QoeWeights, SessionResult
from app.player.simulation.simulator import simulate
from app.player.simulation.traces import Trace, load_trace, load_traces
from app.player.simulation.video import Video, load_video

__all__ = [
    "LinkModel",
    "QoeWeights",
    "SessionResult",
    "Trace",
    "Video",
    "load_trace",
    "load_traces",
    "load_video",
    "optimum",
    "simulate",
]
