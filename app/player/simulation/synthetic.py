"""Synthetic traces for robustness checks on conditions the shared sets barely cover.

Step changes, tunnels (near-zero outages of 5-20 s), 5G-like (high mean, deep short drops), slow
cellular (0.3-1 Mb/s), plus the shapes the built-in network profiles (``app.player.network``) are
made of: steady, bursty (contended Wi-Fi) and slow fades.  Seeded, so a check is reproducible; the
shapes are deliberately not fitted to the shared traces.  The generators take their levels as
parameters so the profiles reuse them; the defaults (and the order of random draws) are the ones
the bench and the tests were tuned on, so ``synthetic_traces`` stays bit-for-bit the same.
"""

from __future__ import annotations

import numpy as np

from app.player.simulation.traces import Trace

DURATION_S = 320.0
Range = tuple[float, float]


def _trace(name: str, rates: np.ndarray, step_s: float = 1.0) -> Trace:
    times = np.arange(len(rates)) * step_s
    return Trace(name, times, np.maximum(rates, 0.0))


def step_trace(name: str, before_mbps: float, after_mbps: float, at_s: float) -> Trace:
    times = np.arange(0, DURATION_S + 1)
    return _trace(name, np.where(times <= at_s, before_mbps, after_mbps).astype(float))


def tunnel_trace(
    rng: np.random.Generator, name: str, base_mbps: Range = (1.5, 5.0), duration_s: float = DURATION_S
) -> Trace:
    """A few Mb/s with near-zero outages of 5-20 s every 30-90 s (a train through tunnels)."""
    base = rng.uniform(*base_mbps)
    rates = base * rng.lognormal(0, 0.25, int(duration_s))
    t = rng.uniform(10, 40)
    while t < duration_s:
        length = rng.uniform(5, 20)
        rates[int(t) : int(t + length)] = rng.uniform(0.0, 0.05)
        t += length + rng.uniform(30, 90)
    return _trace(name, rates)


def fiveg_trace(
    rng: np.random.Generator,
    name: str,
    level_mbps: Range = (20, 60),
    clip_mbps: Range | None = None,
    duration_s: float = DURATION_S,
) -> Trace:
    """High, noisy throughput (0.5 s steps) with six deep drops of 1-5 s (beam loss, handovers).

    ``clip_mbps`` bounds the noise (not the drops), for a profile that promises a range.
    """
    rates = rng.uniform(*level_mbps) * rng.lognormal(0, 0.3, int(duration_s) * 2)
    if clip_mbps is not None:
        rates = np.clip(rates, *clip_mbps)
    for start in rng.integers(0, len(rates) - 10, 6):
        rates[start : start + rng.integers(2, 10)] = rng.uniform(0.1, 1.0)
    return _trace(name, rates, 0.5)


def slow_cellular_trace(
    rng: np.random.Generator,
    name: str,
    level_mbps: Range = (0.3, 1.0),
    clip_mbps: Range = (0.05, 1.5),
    duration_s: float = DURATION_S,
) -> Trace:
    """Correlated wobble around a slow level, kept within ``clip_mbps``."""
    level = rng.uniform(*level_mbps)
    # AR(1) in log space around a slow level: correlated wobble, never far outside the clip range.
    log_rates = np.empty(int(duration_s))
    x = 0.0
    for i in range(len(log_rates)):
        x = 0.8 * x + rng.normal(0, 0.2)
        log_rates[i] = x
    return _trace(name, np.clip(level * np.exp(log_rates), *clip_mbps))


def steady_trace(
    rng: np.random.Generator, name: str, mbps: float, jitter: float = 0.05, duration_s: float = DURATION_S
) -> Trace:
    """A good fixed line: ``mbps`` with a few per cent of independent jitter per second."""
    rates = mbps * (1 + np.clip(rng.normal(0, jitter, int(duration_s)), -3 * jitter, 3 * jitter))
    return _trace(name, rates)


def bursty_trace(
    rng: np.random.Generator,
    name: str,
    levels_mbps: Range = (1.0, 8.0),
    hold_s: Range = (2.0, 10.0),
    dip_mbps: Range = (0.15, 0.5),
    dips_per_minute: float = 3.0,
    duration_s: float = DURATION_S,
) -> Trace:
    """Contended Wi-Fi: the rate jumps between levels every few seconds, with 1-3 s contention dips."""
    steps = int(duration_s * 2)  # 0.5 s resolution: contention is quicker than a segment
    rates = np.empty(steps)
    i = 0
    while i < steps:
        hold = int(2 * rng.uniform(*hold_s))
        rates[i : i + hold] = rng.uniform(*levels_mbps)
        i += hold
    rates *= rng.lognormal(0, 0.15, steps)
    rates = np.clip(rates, *levels_mbps)
    for start in rng.integers(0, steps - 6, int(dips_per_minute * duration_s / 60)):
        rates[start : start + rng.integers(2, 7)] = rng.uniform(*dip_mbps)
    return _trace(name, rates, 0.5)


def with_fades(
    rng: np.random.Generator,
    trace: Trace,
    count: int,
    floor_share: Range = (0.1, 0.25),
    length_s: Range = (6.0, 15.0),
) -> Trace:
    """``trace`` with ``count`` smooth fades (cosine-shaped dips to ``floor_share`` of the rate), as
    signal strength fades between cells; for 1 s-step traces."""
    rates = trace.mbps.copy()
    for _ in range(count):
        length = int(rng.uniform(*length_s))
        start = int(rng.integers(0, len(rates) - length))
        dip = 0.5 * (1 - np.cos(np.linspace(0, 2 * np.pi, length)))  # 0 → 1 → 0
        rates[start : start + length] *= 1 - dip * (1 - rng.uniform(*floor_share))
    return Trace(trace.name, trace.times_s, rates)


def synthetic_traces(seed: int = 7, per_kind: int = 6) -> dict[str, list[Trace]]:
    """Named families of synthetic traces."""
    rng = np.random.default_rng(seed)
    steps = []
    for i in range(per_kind):
        high, low = rng.uniform(2.5, 6.0), rng.uniform(0.3, 1.2)
        at = rng.uniform(40, 150)
        steps.append(step_trace(f"step_down_{i}", high, low, at))
        steps.append(step_trace(f"step_up_{i}", low, high, at))
    return {
        "step": steps,
        "tunnel": [tunnel_trace(rng, f"tunnel_{i}") for i in range(per_kind)],
        "5g": [fiveg_trace(rng, f"5g_{i}") for i in range(per_kind)],
        "slow": [slow_cellular_trace(rng, f"slow_{i}") for i in range(per_kind)],
    }
