"""Five built-in, deterministic bandwidth profiles that make ABR behaviour visible on a desktop.

Each is generated from the synthetic shapes in :mod:`app.player.simulation.synthetic` with its own
fixed seed (so editing one profile never changes another), lasts a few minutes and loops.  The same
traces are written as Pensieve files for the CDN edges, which shape a request by profile name
(``x-marquee-shape: <name>``), so the lab, the headless player and real delivery agree on what
"3g-commute" means.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from app.player.simulation import synthetic
from app.player.simulation.traces import Trace, load_trace

DURATION_S = 300.0


@dataclass(frozen=True)
class _Profile:
    description: str
    seed: int
    build: Callable[[np.random.Generator, str], Trace]


def _commute(rng: np.random.Generator, name: str) -> Trace:
    wobble = synthetic.slow_cellular_trace(rng, name, (0.7, 1.1), (0.4, 2.0), DURATION_S)
    return synthetic.with_fades(rng, wobble, count=4)


_PROFILES: dict[str, _Profile] = {
    "steady-cable": _Profile(
        "Cable at about 20 Mb/s with a little jitter: the top rung should play throughout.",
        101,
        lambda rng, name: synthetic.steady_trace(rng, name, 20.0, 0.04, DURATION_S),
    ),
    "3g-commute": _Profile(
        "3G on the move: 0.4-2 Mb/s with slow fades well below that between cells.",
        202,
        _commute,
    ),
    "train-tunnel": _Profile(
        "A few Mb/s, cut to almost nothing for 5-20 s in each tunnel: tests the buffer.",
        303,
        lambda rng, name: synthetic.tunnel_trace(rng, name, (2.0, 4.0), DURATION_S),
    ),
    "congested-wifi": _Profile(
        "Busy Wi-Fi: bursty 1-8 Mb/s that changes every few seconds, with contention dips.",
        404,
        lambda rng, name: synthetic.bursty_trace(rng, name, (1.0, 8.0), duration_s=DURATION_S),
    ),
    "5g-drops": _Profile(
        "5G at 30-80 Mb/s with deep, short drops (handovers, beam loss).",
        505,
        lambda rng, name: synthetic.fiveg_trace(rng, name, (45.0, 55.0), (30.0, 80.0), DURATION_S),
    ),
}

PROFILES: dict[str, str] = {name: profile.description for name, profile in _PROFILES.items()}
"""Profile names in display order, each with a one-line description."""


@lru_cache(maxsize=len(_PROFILES))
def profile_trace(name: str) -> Trace:
    """The trace of a built-in profile (the same on every call and every machine)."""
    try:
        profile = _PROFILES[name]
    except KeyError:
        raise ValueError(f"unknown network profile {name!r}; choose from {', '.join(PROFILES)}") from None
    return profile.build(np.random.default_rng(profile.seed), name)


def format_trace(trace: Trace) -> str:
    """Pensieve "cooked" text: one ``time_s<TAB>Mbps`` line per sample."""
    return "".join(f"{t:.3f}\t{mbps:.4f}\n" for t, mbps in zip(trace.times_s, trace.mbps, strict=True))


def write_profiles(folder: Path) -> list[Path]:
    """Write every profile as ``folder/<name>`` (Pensieve format), where CDN edges find them by name.

    Rewrites only files whose content differs, so a start that finds them current touches nothing.
    """
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in _PROFILES:
        path, text = folder / name, format_trace(profile_trace(name))
        if not path.is_file() or path.read_text() != text:
            path.write_text(text)
        paths.append(path)
    return paths


def load_network(spec: str) -> Trace:
    """A profile by name, or a Pensieve trace file by path."""
    if spec in _PROFILES:
        return profile_trace(spec)
    path = Path(spec).expanduser()
    if path.is_file():
        return load_trace(path)
    raise ValueError(
        f"unknown network {spec!r}: name a profile ({', '.join(PROFILES)}) or a Pensieve trace file"
    )
