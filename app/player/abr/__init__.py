"""ABR controllers (contract in docs: ``available_controllers`` / ``create_controller``).

Imports nothing from Qt and has no side effects: tools outside the project load it directly.
"""

from __future__ import annotations

from collections.abc import Callable

from app.player.abr.base import Controller, Decision
from app.player.abr.bba import BbaController
from app.player.abr.bola import BolaController
from app.player.abr.default import DefaultController
from app.player.abr.hybrid import HybridController
from app.player.abr.mpc import RobustMpcController
from app.player.abr.throughput import ThroughputController

_FACTORIES: dict[str, Callable[[list[int], float], Controller]] = {
    cls.name: cls
    for cls in (
        DefaultController,
        ThroughputController,
        BbaController,
        BolaController,
        RobustMpcController,
        HybridController,
    )
}


def available_controllers() -> list[str]:
    """Controller names; ``default`` (our best) first."""
    return list(_FACTORIES)


def create_controller(name: str, bitrates_kbps: list[int], segment_seconds: float) -> Controller:
    """A fresh controller for one playback over the ascending ladder ``bitrates_kbps``."""
    try:
        factory = _FACTORIES[name]
    except KeyError:
        raise ValueError(f"unknown ABR controller {name!r}; choose from {', '.join(_FACTORIES)}") from None
    return factory(list(bitrates_kbps), float(segment_seconds))


__all__ = ["Controller", "Decision", "available_controllers", "create_controller"]
