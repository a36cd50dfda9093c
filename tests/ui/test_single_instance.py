"""One desktop app per data dir: a second start says so and leaves; a crashed app's lock is taken over."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

from app.ui.application import LOCK_FILE_NAME

from ..conftest import REPO
from ..orphans import processes_mentioning

QUICK = {"MARQUEE_CDN_EDGES": "0", "MARQUEE_DEMO_PLAYABLE": "0", "MARQUEE_DEMO_TITLES": "20"}


def _app(data: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(REPO / "main.py"), "--data", str(data), *args],
        env={**os.environ, **QUICK, "QT_QPA_PLATFORM": "offscreen"},
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_second_instance_says_so_and_a_stale_lock_does_not_block(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    # A crashed app: it took the lock and died without releasing it.
    crash = textwrap.dedent(f"""
        import os, signal
        from PySide6.QtCore import QLockFile
        lock = QLockFile({str(data / LOCK_FILE_NAME)!r})
        assert lock.tryLock(0)
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    subprocess.run([sys.executable, "-c", crash], check=False, timeout=30)
    assert (data / LOCK_FILE_NAME).exists()

    first = _app(data)
    ready = threading.Event()
    first_err: list[str] = []

    def read_first() -> None:
        assert first.stderr is not None
        for line in first.stderr:
            first_err.append(line)
            if "backend ready" in line:
                ready.set()

    threading.Thread(target=read_first, daemon=True).start()
    second = None
    try:
        assert ready.wait(120), "".join(first_err)
        second = _app(data, "--quit-after", "0")  # should it wrongly start, it still ends by itself
        _, second_err = second.communicate(timeout=120)
        assert second.returncode == 1
        assert second_err.strip().splitlines()[-1] == f"marquee: error: Marquee is already running for {data}"
        first.send_signal(signal.SIGTERM)  # how a session logout closes it
        assert first.wait(timeout=120) == 0, "".join(first_err)
    finally:
        for process in (first, second):
            if process is not None:
                process.kill()
    assert not (data / LOCK_FILE_NAME).exists() and processes_mentioning(str(data)) == []
