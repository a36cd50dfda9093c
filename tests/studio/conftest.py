"""Tiny synthetic masters, generated with PyAV so the tests need no media files."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app.studio.media.audio import encode_audio
from app.studio.media.encode import encode_video
from app.studio.media.ladder import Rung, plan_fixed
from app.studio.media.package import encode_dir, package
from app.studio.media.probe import probe
from app.studio.media.synthetic import synthesize_master
from app.studio.media.validate import validate_package
from app.studio.workflow.temporal_server import TemporalDevServer

from .workflow_backend import EncodeGate

SEGMENT_SECONDS = 1.0


@pytest.fixture(scope="session")
def synth() -> Callable[..., Path]:
    """:func:`synthesize_master`, for tests that need a master with particular properties."""
    return synthesize_master


@pytest.fixture(scope="session")
def master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """3 s 160x90 24 fps with audio; source keyframes every 7 frames (off the 1 s grid)."""
    return synthesize_master(tmp_path_factory.mktemp("media") / "master.mp4")


@pytest.fixture(scope="session")
def cut_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """4 s with hard cuts at 1.0 s, 2.5 s and 3.25 s."""
    return synthesize_master(
        tmp_path_factory.mktemp("media") / "cuts.mp4", seconds=4.0, cuts=(1.0, 2.5, 3.25)
    )


# Small ladder for 320x180 masters: three H.264 rungs plus one HEVC and one AV1 rung.
TEST_LADDER = ((90, 150), (144, 250), (180, 400))
FAST_PRESETS = {"h264": "ultrafast", "hevc": "ultrafast", "av1": "12"}


@pytest.fixture(scope="session")
def ladder_master(tmp_path_factory: pytest.TempPathFactory, synth: Callable[..., Path]) -> Path:
    # 3.5 s: the last segment is a short one; source keyframes every 7 frames must not leak through.
    return synth(tmp_path_factory.mktemp("ladder") / "master.mp4", seconds=3.5, width=320, height=180)


@pytest.fixture(scope="session")
def rungs(ladder_master: Path) -> list[Rung]:
    info = probe(ladder_master)
    h264 = plan_fixed(info, ["h264"], ladder=TEST_LADDER).rungs
    others = plan_fixed(info, ["hevc", "av1"], ladder=TEST_LADDER[-1:]).rungs
    return h264 + others


@pytest.fixture(scope="session")
def packaged(tmp_path_factory: pytest.TempPathFactory, ladder_master: Path, rungs: list[Rung]) -> Path:
    out = encode_dir(tmp_path_factory.mktemp("root"), "title-1", "enc-1")
    progress: list[tuple[int, int, float]] = []
    stats = encode_video(
        ladder_master,
        rungs,
        out,
        segment_seconds=SEGMENT_SECONDS,
        gpu="off",
        presets=FAST_PRESETS,
        on_progress=lambda *p: progress.append(p),
    )
    assert stats.segments_written == 4 * len(rungs)
    assert progress[-1][:2] == (4 * len(rungs), 4 * len(rungs))
    assert [p[0] for p in progress] == sorted(p[0] for p in progress)
    encode_audio(ladder_master, out, segment_seconds=SEGMENT_SECONDS)
    validate_package(out, SEGMENT_SECONDS)
    package(out, title_id="title-1", encode_id="enc-1", segment_seconds=SEGMENT_SECONDS)
    return out


@pytest.fixture(scope="session")
def temporal_address(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One real Temporal dev server for the whole session; each test uses its own task queue."""
    folder = tmp_path_factory.mktemp("temporal")
    server = TemporalDevServer(folder / "temporal.db", folder / "temporal.log")
    address = server.start()
    try:
        yield address
    finally:
        server.stop()


@pytest.fixture(scope="session")
def workflow_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """4 s 640x360 with a cut and audio: a two-rung fixed ladder (240p, 360p) in 1 s segments."""
    return synthesize_master(
        tmp_path_factory.mktemp("workflow") / "master.mp4", seconds=4.0, width=640, height=360, cuts=(2.0,)
    )


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[EncodeGate]:
    """Holds every rung's encode after its first segment (see :class:`EncodeGate`) until the test releases
    it; released at teardown in any case, so no held encode outlives its test."""
    held = EncodeGate(monkeypatch)
    yield held
    held.released.set()
