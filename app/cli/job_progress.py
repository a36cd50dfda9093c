"""A job's progress on stderr: one redrawn line on a terminal, a line per step or 10 % in a log.

Stdout stays free for ``--json``, and a log file (CI, a pipe) gets a readable history instead of
carriage returns.
"""

from __future__ import annotations

from typing import Any, TextIO

BAR_WIDTH = 24
LOG_EVERY_PERCENT = 10.0


def describe(job: dict[str, Any]) -> str:
    """``encode [#####-----] 42.0% ETA 0:13 | h264_360p_700k 2/4 31 fps`` for a job view."""
    progress = job.get("progress") or {}
    percent = float(progress.get("percent", 0.0))
    filled = round(BAR_WIDTH * min(percent, 100.0) / 100)
    bar = "#" * filled + "-" * (BAR_WIDTH - filled)
    text = f"{job['status'].lower():>9} {progress.get('step', ''):<11} [{bar}] {percent:5.1f}%"
    if progress.get("etaS") is not None:
        text += f" ETA {_clock(progress['etaS'])}"
    running = [r for r in progress.get("rungs", []) if r.get("state") == "running"]
    if running:
        rung = running[0]
        text += f" | {rung['id']}"
        if rung.get("segmentsTotal"):
            text += f" {rung['segmentsDone']}/{rung['segmentsTotal']}"
        if rung.get("fps"):
            text += f" {rung['fps']:.0f} fps"
        if len(running) > 1:
            text += f" (+{len(running) - 1} more)"
    return text


class ProgressLine:
    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._live = stream.isatty()
        self._last_step: str | None = None
        self._last_percent = -LOG_EVERY_PERCENT
        self._width = 0

    def show(self, job: dict[str, Any]) -> None:
        text = describe(job)
        if self._live:
            self._stream.write("\r" + text.ljust(self._width))
            self._width = len(text)
            self._stream.flush()
            return
        progress = job.get("progress") or {}
        step, percent = progress.get("step"), float(progress.get("percent", 0.0))
        if step != self._last_step or percent - self._last_percent >= LOG_EVERY_PERCENT:
            self._last_step, self._last_percent = step, percent
            print(text, file=self._stream, flush=True)

    def close(self) -> None:
        if self._live and self._width:
            self._stream.write("\n")
            self._stream.flush()


def _clock(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
