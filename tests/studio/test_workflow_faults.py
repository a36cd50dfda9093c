"""Faults during a job, for real: a SIGKILLed worker process, Temporal killed and restarted, a full disk.

Each test runs real encodes of a small synthetic master on a real Temporal dev server. Gates only pace
the encodes (so a fault lands mid-rung every time); the faults themselves are real: SIGKILL, a server
process killed and started again on its SQLite file, a tmpfs that runs out of space.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from temporalio import activity
from temporalio.client import Client

from app.backend.db.engine import make_engine, make_session_factory
from app.backend.db.migrate import upgrade_to_head
from app.backend.db.models import Rendition, Title, TitleStatus
from app.config import Settings
from app.studio.media.segmenter import finished_segments, segment_name
from app.studio.media.validate import validate_package
from app.studio.workflow import model
from app.studio.workflow.activities import StudioActivities
from app.studio.workflow.model import PlanRequest, workflow_id
from app.studio.workflow.temporal_server import TemporalDevServer

from ..conftest import REPO
from .held_worker import HOLD_ENV
from .workflow_backend import (
    AUTH,
    EncodeGate,
    encode_path,
    running_backend,
    upload,
    wait_final,
    wait_for,
    workflow_settings,
)

pytestmark = pytest.mark.slow
RUNG_SEGMENTS = 10  # 5 s in 0.5 s segments
HOLD_AT = 3


@pytest.fixture(scope="module")
def long_master(tmp_path_factory: pytest.TempPathFactory, synth: Callable[..., Path]) -> Path:
    """5 s 640x360: two rungs (240p, 360p) of ten 0.5 s segments each."""
    return synth(tmp_path_factory.mktemp("faults") / "master.mp4", seconds=5.0, width=640, height=360)


def _title_status(settings: Settings, title_id: str = "wf-title") -> TitleStatus:
    engine = make_engine(settings.resolved_database_url)
    try:
        with make_session_factory(engine)() as session:
            return session.get(Title, title_id).status
    finally:
        engine.dispose()


def rungs_reached(view: dict[str, Any], segments: int) -> bool:
    """Whether both rungs of the job have ``segments`` finished segments."""
    rungs = view["progress"].get("rungs", [])
    return len(rungs) == 2 and all(r.get("segmentsDone", 0) >= segments for r in rungs)


# --- a worker process killed (or stopped) mid-rung ---------------------------------------------------


@contextmanager
def worker_process(
    settings: Settings, log: Path, *command: str, **env: str
) -> Iterator[subprocess.Popen[bytes]]:
    """A separate worker process configured by ``settings`` (killed at the end if still running)."""
    with log.open("ab") as output:
        process = subprocess.Popen(
            [sys.executable, *command],
            cwd=REPO,
            env=settings.child_environment() | env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def heartbeat_segments(address: str, job_id: str) -> dict[str, int]:
    """Each running encode's last heartbeat as Temporal recorded it: ``{rung id: segments finished}``."""

    async def read() -> dict[str, int]:
        client = await Client.connect(address)
        description = await client.get_workflow_handle(workflow_id(job_id)).describe()
        found = {}
        for pending in description.raw_description.pending_activities:
            if pending.activity_type.name == model.ENCODE_RUNG and pending.heartbeat_details.payloads:
                details = await client.data_converter.decode(pending.heartbeat_details.payloads)
                found[details[-1]["rung"]] = details[-1]["segments"]
        return found

    return asyncio.run(read())


def segment_files(rung_dir: Path) -> dict[str, tuple[int, int]]:
    """Each segment file's identity: a rewritten segment (temp file, then rename) gets a new inode."""
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in rung_dir.glob("seg_*.m4s")}


@pytest.mark.parametrize(
    ("stop_signal", "exit_code"),
    [(signal.SIGKILL, -signal.SIGKILL), (signal.SIGTERM, 0)],  # SIGTERM: a graceful stop
    ids=["sigkill", "sigterm"],
)
def test_a_worker_killed_mid_rung_is_resumed_by_another_that_encodes_only_the_missing_segments(
    tmp_path: Path, temporal_address: str, long_master: Path, stop_signal: int, exit_code: int
) -> None:
    settings = workflow_settings(
        tmp_path, temporal_address, workflow_workers=False, segment_seconds=0.5, step_heartbeat_s=2.0
    )
    log = tmp_path / "workers.log"
    with running_backend(settings) as (backend, api):  # submits and tracks; runs no encodes itself
        job_id = upload(api, long_master)
        with worker_process(
            settings, log, "-m", "tests.studio.held_worker", **{HOLD_ENV: str(HOLD_AT)}
        ) as held:
            view = wait_for(api, job_id, lambda v: rungs_reached(v, HOLD_AT))
            rungs = [r["id"] for r in view["progress"]["rungs"]]
            beats = wait_until(lambda: _all_at_least(heartbeat_segments(temporal_address, job_id), rungs))
            held.send_signal(stop_signal)
            assert held.wait(timeout=60) == exit_code
        out = encode_path(settings, view)
        before = {rung: segment_files(out / rung) for rung in rungs}
        finished = {rung: finished_segments(out / rung) for rung in rungs}
        assert all(HOLD_AT <= finished[r] < RUNG_SEGMENTS for r in rungs), finished  # killed mid-rung
        assert all(not (out / rung / "rendition.json").exists() for rung in rungs)

        with worker_process(settings, log, "main.py", "worker") as worker:
            view = wait_final(api, job_id, timeout_s=120)
            assert view["status"] == "SUCCEEDED", (view["error"], log.read_text()[-3000:])
            worker.send_signal(signal.SIGTERM)
            assert worker.wait(timeout=60) == 0, log.read_text()[-3000:]  # a graceful stop
        assert _title_status(settings) == TitleStatus.PLAYABLE
        with backend.sessions() as session:
            assert len(session.scalars(select(Rendition)).all()) == 3

    progress = {r["id"]: r for r in view["progress"]["rungs"]}
    for rung in rungs:
        after = segment_files(out / rung)
        assert len(after) == RUNG_SEGMENTS
        reencoded = sorted(name for name, identity in after.items() if before[rung].get(name) != identity)
        # Exactly the segments that were not finished when the worker went were encoded again ...
        assert reencoded == [segment_name(n) for n in range(finished[rung] + 1, RUNG_SEGMENTS + 1)]
        assert len(reencoded) == RUNG_SEGMENTS - finished[rung]
        # ... and the job says so: the retry resumed from what was on disk, after the last heartbeat.
        assert progress[rung]["attempt"] >= 2
        assert progress[rung]["resumedFrom"] == finished[rung]
        assert beats[rung] <= progress[rung]["heartbeatSegments"] <= finished[rung]
    validate_package(out, settings.segment_seconds)


def _all_at_least(beats: dict[str, int], rungs: list[str]) -> dict[str, int] | None:
    return beats if all(beats.get(rung, 0) >= HOLD_AT for rung in rungs) else None


def wait_until(probe: Callable[[], Any], attempts: int = 300) -> Any:
    """``probe()``'s first truthy result, polled every 0.1 s."""
    for _ in range(attempts):
        found = probe()
        if found:
            return found
        time.sleep(0.1)
    pytest.fail("condition not reached")


# --- Temporal killed and restarted -----------------------------------------------------------------


@pytest.fixture
def own_temporal(tmp_path: Path) -> Iterator[TemporalDevServer]:
    """A dev server of this test's own, to kill: the session's one serves the other tests."""
    server = TemporalDevServer(tmp_path / "temporal" / "temporal.db", tmp_path / "temporal" / "temporal.log")
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_a_job_completes_when_temporal_is_killed_and_restarted_mid_encode(
    tmp_path: Path,
    own_temporal: TemporalDevServer,
    workflow_master: Path,
    gate: EncodeGate,
) -> None:
    address = own_temporal.address
    assert address is not None
    settings = workflow_settings(tmp_path, address)
    with running_backend(settings) as (_backend, api):
        job_id = upload(api, workflow_master)
        assert gate.reached.wait(30)
        assert own_temporal.process is not None
        own_temporal.process.send_signal(signal.SIGKILL)
        own_temporal.process.wait()
        assert own_temporal.start() == address  # same address, same SQLite file
        gate.released.set()
        view = wait_final(api, job_id, timeout_s=120)
        assert view["status"] == "SUCCEEDED", view["error"]
        # The backend's client reconnected too: a job submitted after the restart runs as well.
        second = upload(api, workflow_master, title_id="wf-title-2")
        assert wait_final(api, second, timeout_s=120)["status"] == "SUCCEEDED"
    assert _title_status(settings) == TitleStatus.PLAYABLE
    assert _title_status(settings, "wf-title-2") == TitleStatus.PLAYABLE


def _processes_with(argument: str) -> set[int]:
    """Processes whose command line has ``argument`` (a crash is simulated from outside, like ``kill``)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if argument.encode() in (entry / "cmdline").read_bytes().split(b"\0"):
                    found.add(int(entry.name))
            except OSError:
                continue
    return found


def test_the_embedded_backend_restarts_its_dead_temporal_server_and_the_job_completes(
    tmp_path: Path, workflow_master: Path, gate: EncodeGate
) -> None:
    settings = workflow_settings(tmp_path, None)  # no cluster: the backend runs its own dev server
    state = str(settings.data_dir / "temporal.db")
    with running_backend(settings) as (_backend, api):
        job_id = upload(api, workflow_master)
        assert gate.reached.wait(30)
        (server,) = _processes_with(state)
        os.kill(server, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while not _processes_with(state) - {server}:
            assert time.monotonic() < deadline, "the dev server was not started again"
            time.sleep(0.2)
        gate.released.set()
        view = wait_final(api, job_id, timeout_s=120)
        assert view["status"] == "SUCCEEDED", view["error"]
        second = upload(api, workflow_master, title_id="wf-title-2")
        assert wait_final(api, second, timeout_s=120)["status"] == "SUCCEEDED"
    assert not _processes_with(state)  # and stopped with the backend
    assert _title_status(settings) == _title_status(settings, "wf-title-2") == TitleStatus.PLAYABLE


# --- a full disk -----------------------------------------------------------------------------------


@contextmanager
def small_disk(folder: Path, size: str) -> Iterator[Path]:
    """A tmpfs of ``size`` mounted at ``folder``: writes beyond it fail with ENOSPC, as on a full disk."""
    folder.mkdir(parents=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True, text=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs to fill (needs root with CAP_SYS_ADMIN): {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)


def fill(folder: Path) -> Path:
    """Take every free byte of ``folder``'s filesystem, as another process filling the disk would."""
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(fd, bytes(64 << 10))
    except OSError as exc:
        assert exc.errno == errno.ENOSPC
    finally:
        os.close(fd)
    return filler


DISK_FULL = re.compile(
    r"^(encode|audio) failed 5 times: disk full: writing (\S+) needs [\d.]+ k?B, (\d+) B free$"
)


def test_a_disk_filling_up_mid_encode_ends_in_review_and_a_rerun_completes_after_space_is_freed(
    tmp_path: Path, temporal_address: str, workflow_master: Path, gate: EncodeGate
) -> None:
    with small_disk(tmp_path / "media", "2m") as media:
        settings = workflow_settings(tmp_path, temporal_address, media_dir=media)
        with running_backend(settings) as (backend, api):
            job_id = upload(api, workflow_master)
            held = wait_for(
                api,
                job_id,
                lambda v: rungs_reached(v, 1),
            )
            out = encode_path(settings, held)
            filler = fill(media)
            finished = {r["id"]: finished_segments(out / r["id"]) for r in held["progress"]["rungs"]}
            gate.released.set()
            view = wait_final(api, job_id)

            assert view["status"] == "NEEDS_REVIEW"
            failure = DISK_FULL.match(view["error"])
            assert failure, view["error"]
            assert Path(failure[2]).is_relative_to(out)
            # Nothing half-written was published or kept, and the worker lives on.
            assert _title_status(settings) == TitleStatus.FAILED
            with backend.sessions() as session:
                assert session.scalars(select(Rendition)).first() is None
            assert not out.exists() and not list(media.rglob("*.tmp"))
            # Every retry resumed after the whole segments only: the partial writes never counted.
            retried = [r for r in view["progress"]["rungs"] if r["attempt"] >= 2]
            assert retried
            assert all(r["resumedFrom"] == finished[r["id"]] for r in retried)

            filler.unlink()  # space is freed: the job's re-run goes through
            rerun = api.post(f"/api/v1/content/jobs/{job_id}/rerun", headers=AUTH)
            assert rerun.status_code == 202
            again = wait_final(api, rerun.json()["jobId"])
            assert again["status"] == "SUCCEEDED", again["error"]
        assert _title_status(settings) == TitleStatus.PLAYABLE


def test_a_ladder_that_cannot_fit_the_free_space_is_refused_before_encoding(
    tmp_path: Path, temporal_address: str, workflow_master: Path
) -> None:
    with small_disk(tmp_path / "media", "256k") as media:
        settings = workflow_settings(tmp_path, temporal_address, media_dir=media)
        with running_backend(settings) as (_backend, api):
            view = wait_final(api, upload(api, workflow_master))
        out = encode_path(settings, view)
        assert view["status"] == "NEEDS_REVIEW"
        # 4 s of 300 + 700 kb/s video and 128 kb/s audio: 564 kB, on a disk of 256 KiB.
        assert view["error"] == (
            f"encode failed: not enough disk space for the encode: it needs about 564.0 kB in {out},"
            " 262.1 kB free"
        )
        assert all(r["state"] == "pending" for r in view["progress"]["rungs"])
        assert not out.exists()


# --- stopping, and a worker that cannot reach Temporal ---------------------------------------------


def test_stopping_the_engine_does_not_wait_forever_for_a_stuck_activity(
    tmp_path: Path,
    temporal_address: str,
    workflow_master: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    entered, unstuck = threading.Event(), threading.Event()

    @activity.defn(name=model.PLAN)
    def stuck_plan(self: StudioActivities, request: PlanRequest) -> dict:
        entered.set()
        unstuck.wait()  # blocks in C: the SDK's interruption cannot reach it
        raise RuntimeError("unstuck")

    monkeypatch.setattr(StudioActivities, "plan_ladder", stuck_plan)
    settings = workflow_settings(tmp_path, temporal_address)
    try:
        with running_backend(settings) as (backend, api):
            upload(api, workflow_master)
            assert entered.wait(30)
            with caplog.at_level(logging.WARNING, logger="app.studio.workflow.engine"):
                backend.workflow.stop(timeout_s=1.0)
            assert not unstuck.is_set()  # stop returned while the activity was still stuck
            assert "left running: activity" in caplog.text and "stuck_plan" in caplog.text
            unstuck.set()
    finally:
        unstuck.set()


def test_a_worker_that_cannot_reach_temporal_exits_with_one_line(tmp_path: Path) -> None:
    upgrade_to_head(make_engine(f"sqlite:///{tmp_path / 'marquee.db'}"))
    result = subprocess.run(
        [sys.executable, "main.py", "worker", "--data", str(tmp_path), "--temporal", "127.0.0.1:9"]
        + ["--connect-timeout", "1"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if "error" in line.lower()]
    assert errors == ["marquee: error: Temporal at 127.0.0.1:9 did not answer within 1 s: Connection refused"]
