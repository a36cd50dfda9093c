"""The ingest command's progress line: what it says, and how it writes to a terminal or a log."""

from __future__ import annotations

import io

from app.cli.job_progress import ProgressLine, describe

JOB = {
    "status": "RUNNING",
    "progress": {
        "step": "encode",
        "percent": 50.0,
        "etaS": 75.0,
        "rungs": [
            {"id": "h264_240p_300k", "state": "done"},
            {"id": "h264_360p_700k", "state": "running", "segmentsDone": 2, "segmentsTotal": 4, "fps": 61.2},
            {"id": "h264_480p_1200k", "state": "running"},
        ],
    },
}


def test_the_line_shows_step_percent_eta_and_the_running_rung() -> None:
    assert describe(JOB) == (
        "  running encode      [############------------]  50.0% ETA 1:15"
        " | h264_360p_700k 2/4 61 fps (+1 more)"
    )


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_one_redrawn_line_and_a_log_gets_changes_only() -> None:
    terminal = Terminal()
    line = ProgressLine(terminal)
    line.show(JOB)
    line.show(JOB)
    line.close()
    assert terminal.getvalue().count("\r") == 2 and terminal.getvalue().endswith("\n")
    log = io.StringIO()
    line = ProgressLine(log)
    for percent in (50.0, 52.0, 61.0):
        line.show({**JOB, "progress": {**JOB["progress"], "percent": percent}})
    assert [row.split("%")[0].split()[-1] for row in log.getvalue().splitlines()] == ["50.0", "61.0"]
