"""The fixed ABR contract that code outside the project relies on."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest

from app.player.abr import available_controllers, create_controller

REPO = Path(__file__).resolve().parents[2]
LADDERS = [
    ([300, 750, 1200, 1850, 2850, 4300], 4.0),
    ([500], 2.0),
    ([200, 400, 800, 1600, 3200, 6400, 12800, 25600], 6.0),
]


def test_names_include_the_references_and_default() -> None:
    names = available_controllers()
    assert {"default", "throughput", "bba", "bola", "mpc", "hybrid"} <= set(names)
    assert len(names) == len(set(names))


def test_unknown_name_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown ABR controller"):
        create_controller("nope", [300, 750], 4.0)


def test_import_has_no_qt_side_effects() -> None:
    code = (
        "import sys, app.player.abr\n"
        "sys.exit(any(m.startswith(('PySide6', 'shiboken')) for m in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code], cwd=REPO).returncode == 0


@pytest.mark.parametrize("name", available_controllers())
@pytest.mark.parametrize(("ladder", "segment_s"), LADDERS)
def test_choices_stay_in_range_and_are_explained(name: str, ladder: list[int], segment_s: float) -> None:
    rng = random.Random(f"{name}{len(ladder)}")
    controller = create_controller(name, ladder, segment_s)
    for index in range(40):
        buffer_s = rng.choice([0.0, 0.3, rng.uniform(0, 80)])
        sizes = [int(b * 125 * segment_s * rng.uniform(0.6, 1.4)) for b in ladder]
        sizes = None if rng.random() < 0.5 else sizes
        quality = controller.choose(buffer_s, index, sizes)
        assert isinstance(quality, int) and 0 <= quality < len(ladder)
        decision = controller.last_decision
        assert decision is not None and decision.quality == quality and decision.reason
        controller.record(quality, int(ladder[quality] * 125 * segment_s), rng.choice([0.01, 0.5, 3.0, 40.0]))


@pytest.mark.parametrize("name", available_controllers())
def test_first_segment_is_fetched_fast(name: str) -> None:
    """No throughput known yet: the first segment goes at the lowest rung so playback starts quickly."""
    assert create_controller(name, [300, 750, 1200, 1850, 2850, 4300], 4.0).choose(0.0, 0, None) == 0
