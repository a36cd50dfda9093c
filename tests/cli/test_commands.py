"""The headless commands as a user runs them: real processes, one-line errors, non-zero exits."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from app import __version__

from ..conftest import REPO, SHARED, TEST_TOKEN


def _run(*args: str, timeout: float = 120, **env_overrides: str) -> subprocess.CompletedProcess[str]:
    # These tests are about the commands, not the CDN.
    env = {**os.environ, "MARQUEE_CDN_EDGES": "0", **env_overrides}
    return subprocess.run(
        [sys.executable, str(REPO / "main.py"), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        cwd=REPO,
    )


def test_version() -> None:
    result = _run("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"marquee {__version__}"


def test_ingest_of_a_missing_file_fails_with_one_line(tmp_path: Path) -> None:
    result = _run("ingest", str(tmp_path / "nope.mp4"), "--title", "Nope", "--data", str(tmp_path))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == f"marquee: error: {tmp_path / 'nope.mp4'} is not a file"


# An embedded backend that encodes: the workflow on, no demo encodes competing for the two cores.
ENCODING = {"MARQUEE_WORKFLOW_ENABLED": "true", "MARQUEE_DEMO_PLAYABLE": "0", "MARQUEE_DEMO_TITLES": "20"}


def test_ingest_waits_until_the_title_is_playable(tmp_path: Path) -> None:
    clip = SHARED / "media" / "cc0_friday_640x480_6s.mp4"
    args = ("--data", str(tmp_path), "ingest", str(clip), "--title", "Friday Clip", "--json")
    result = _run(*args, **ENCODING)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["titleId"] == "friday-clip" and summary["status"] == "PLAYABLE" and summary["jobId"]
    assert "encode" in result.stderr and "friday-clip is PLAYABLE" in result.stderr
    # The same master with an impossible option: the job fails, and the command says why in one line.
    again = _run(*args, "--title-id", "friday-gpu", "--gpu", "on", **ENCODING)
    assert again.returncode == 1
    assert json.loads(again.stdout.strip().splitlines()[-1])["status"] == "FAILED"
    last = again.stderr.strip().splitlines()[-1]
    assert last.startswith("marquee: error: job ") and last.endswith(
        "ended FAILED: validate: gpu=on, but no GPU encoding worker (NVENC) is available"
    )


def test_ingest_needs_an_encoding_worker(tmp_path: Path) -> None:
    clip = SHARED / "media" / "cc0_friday_640x480_6s.mp4"
    result = _run("--data", str(tmp_path), "ingest", str(clip), "--title", "Friday Clip")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "marquee: error: this backend has no encoding worker (its workflow engine is off or down)"
    )


def test_unreachable_backend_is_a_one_line_error(tmp_path: Path) -> None:
    clip = SHARED / "media" / "cc0_friday_640x480_6s.mp4"
    result = _run(
        "ingest", str(clip), "--title", "X", "--backend", "http://127.0.0.1:9", "--token", TEST_TOKEN
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1].startswith("marquee: error: backend at http://127.0.0.1:9")


def test_import_movielens_refuses_a_remote_backend(tmp_path: Path) -> None:
    result = _run("import-movielens", str(tmp_path), "--backend", "http://127.0.0.1:9")
    assert result.returncode == 1 and "writes to the database directly" in result.stderr
    missing = _run("import-movielens", str(tmp_path), "--data", str(tmp_path / "d"))
    assert missing.returncode == 1 and "not a MovieLens folder" in missing.stderr
