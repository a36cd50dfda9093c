"""Drive wrk (Debian's HTTP load generator) and parse its report."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import textwrap
from dataclasses import dataclass
from pathlib import Path

_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}
_PCT = re.compile(r"^\s+(50|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s)\s*$", re.M)
_RPS = re.compile(r"Requests/sec:\s+([\d.]+)")
_TRANSFER = re.compile(r"Transfer/sec:\s+([\d.]+)(\w+)")
_TO_MB = {"B": 1e-6, "KB": 1.024e-3, "MB": 1.048576, "GB": 1073.741824}


@dataclass(frozen=True)
class LoadResult:
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    mbytes_per_s: float


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def run_wrk(url: str, seconds: int, connections: int, paths: list[str] | None = None) -> LoadResult:
    """A bounded load (``seconds`` ≤ 20 by the benchmarks' own rule) against a loopback URL.

    With ``paths``, every request takes the next one in turn (through a small wrk Lua script), so
    a cache is measured over many objects rather than one hot file.
    """
    with tempfile.TemporaryDirectory(prefix="bench-wrk-") as scratch:
        command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency"]
        if paths:
            command += ["-s", str(_cycling_script(Path(scratch), paths))]
        out = subprocess.run(
            [*command, url], capture_output=True, text=True, check=True, timeout=seconds + 30
        ).stdout
    percentiles = {int(p): float(v) * _UNITS[u] for p, v, u in _PCT.findall(out)}
    rps, transfer = _RPS.search(out), _TRANSFER.search(out)
    if rps is None or transfer is None or 50 not in percentiles or 99 not in percentiles:
        raise RuntimeError(f"could not read wrk's report:\n{out}")
    mbytes = float(transfer.group(1)) * _TO_MB.get(transfer.group(2), 0.0)
    return LoadResult(float(rps.group(1)), percentiles[50], percentiles[99], mbytes)


def _cycling_script(folder: Path, paths: list[str]) -> Path:
    script = folder / "paths.lua"
    quoted = ", ".join(f'"{p}"' for p in paths)
    script.write_text(
        textwrap.dedent(
            f"""
            local paths = {{{quoted}}}
            local i = 0
            request = function()
              i = i % #paths + 1
              return wrk.format("GET", paths[i])
            end
            """
        )
    )
    return script
