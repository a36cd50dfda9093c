"""Drive wrk (Debian's HTTP load generator) and parse its latency report."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass

_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}
_PCT = re.compile(r"^\s+(50|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s)\s*$", re.M)
_RPS = re.compile(r"Requests/sec:\s+([\d.]+)")


@dataclass(frozen=True)
class LoadResult:
    requests_per_s: float
    p50_ms: float
    p99_ms: float


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def run_wrk(url: str, seconds: int, connections: int, threads: int = 1) -> LoadResult:
    """A bounded load (``seconds`` ≤ 20 by the benchmarks' own rule) against a loopback URL."""
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 30,
    ).stdout
    percentiles = {int(p): float(v) * _UNITS[u] for p, v, u in _PCT.findall(out)}
    rps = _RPS.search(out)
    if rps is None or 50 not in percentiles or 99 not in percentiles:
        raise RuntimeError(f"could not read wrk's report:\n{out}")
    return LoadResult(float(rps.group(1)), percentiles[50], percentiles[99])
