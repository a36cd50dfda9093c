"""Synthetic traces for robustness checks on conditions the shared sets barely cover.

Step changes, tunnels (near-zero outages of 5-20 s), 5G-like (high mean, deep short drops) and slow
cellular (0.3-1 Mb/s).  Seeded, so a check is reproducible; the shapes are deliberately not fitted
to the shared traces.
"""

from __future__ import annotations

import numpy as np

from app.player.simulation.traces import Trace

DURATION_S = 320.0


def _trace(name: str, rates: np.ndarray, step_s: float = 1.0) -> Trace:
    times = np.arange(len(rates)) * step_s
    return Trace(name, times, np.maximum(rates, 0.0))


def step_trace(name: str, before_mbps: float, after_mbps: float, at_s: float) -> Trace:
    times = np.arange(0, DURATION_S + 1)
    return _trace(name, np.where(times <= at_s, before_mbps, after_mbps).astype(float))


def tunnel_trace(rng: np.random.Generator, name: str) -> Trace:
    base = rng.uniform(1.5, 5.0)
    rates = base * rng.lognormal(0, 0.25, int(DURATION_S))
    t = rng.uniform(10, 40)
    while t < DURATION_S:
        length = rng.uniform(5, 20)
        rates[int(t) : int(t + length)] = rng.uniform(0.0, 0.05)
        t += length + rng.uniform(30, 90)
    return _trace(name, rates)


def fiveg_trace(rng: np.random.Generator, name: str) -> Trace:
    rates = rng.uniform(20, 60) * rng.lognormal(0, 0.3, int(DURATION_S) * 2)
    for start in rng.integers(0, len(rates) - 10, 6):
        rates[start : start + rng.integers(2, 10)] = rng.uniform(0.1, 1.0)
    return _trace(name, rates, 0.5)


def slow_cellular_trace(rng: np.random.Generator, name: str) -> Trace:
    level = rng.uniform(0.3, 1.0)
    # AR(1) in log space around a slow level: correlated wobble, never far outside 0.3-1 Mb/s.
    log_rates = np.empty(int(DURATION_S))
    x = 0.0
    for i in range(len(log_rates)):
        x = 0.8 * x + rng.normal(0, 0.2)
        log_rates[i] = x
    return _trace(name, np.clip(level * np.exp(log_rates), 0.05, 1.5))


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
