"""The playback engine against real HTTP servers: a whole title plays, and every fault is survived."""

from __future__ import annotations

import threading
from pathlib import Path

import av

from app.player.engine.engine import PlaybackEngine
from app.player.engine.events import Decision, Download, EngineListener
from app.player.engine.options import EngineOptions
from app.player.engine.state import PlayerState
from app.player.fetch.edges import Edge, EdgeSet
from app.player.fetch.fetcher import FetchOptions

from .media_server import MediaServer, media_servers

FRAMES = 16 * 24  # the fixture title: 16 s at 24 fps
FAST = 8.0  # clock speed: the tests do not need to sit through real time


class Recorder(EngineListener):
    def __init__(self) -> None:
        self.states: list[PlayerState] = []
        self.decisions: list[Decision] = []
        self.downloads: list[Download] = []
        self.failures: list[tuple[str, str]] = []
        self.stalls: list[bool] = []
        self.playing = threading.Event()

    def on_state(self, state: PlayerState, detail: str) -> None:
        self.states.append(state)
        if state == PlayerState.PLAYING:
            self.playing.set()

    def on_decision(self, decision: Decision) -> None:
        self.decisions.append(decision)

    def on_download(self, download: Download) -> None:
        self.downloads.append(download)

    def on_edge_failure(self, edge: str, reason: str) -> None:
        self.failures.append((edge, reason))

    def on_stall(self, started: bool, position_s: float, at_s: float) -> None:
        self.stalls.append(started)


class FrameTimes:
    """A sink that keeps the title time of every frame shown."""

    def __init__(self) -> None:
        self.times: list[float] = []
        self.audio_frames = 0

    def video(self, frame: av.VideoFrame, time_s: float) -> None:
        self.times.append(time_s)

    def audio(self, frames: list[av.AudioFrame]) -> None:
        self.audio_frames += len(frames)

    def flush(self) -> None:
        pass


def _edges(servers: list[MediaServer], master_path: str) -> EdgeSet:
    dash_path = master_path.replace("master.m3u8", "manifest.mpd")
    return EdgeSet(
        [Edge(f"edge{i}", f"{s.url}/{master_path}", f"{s.url}/{dash_path}") for i, s in enumerate(servers)]
    )


def _play(
    edges: EdgeSet, fetch: FetchOptions | None = None, **options: object
) -> tuple[PlaybackEngine, Recorder, FrameTimes]:
    recorder, sink = Recorder(), FrameTimes()
    settings = EngineOptions(**{"speed": FAST, **options})  # type: ignore[arg-type]
    engine = PlaybackEngine(edges, settings, listener=recorder, sink=sink, fetch_options=fetch)
    engine.start()
    return engine, recorder, sink


def test_a_title_plays_to_the_end_with_every_frame_shown(packaged_title: Path, master_path: str) -> None:
    with media_servers(packaged_title) as servers:
        engine, recorder, sink = _play(_edges(servers, master_path))
        assert engine.wait(30)
        summary = engine.stop()
    assert recorder.states[:3] == [PlayerState.BUFFERING, PlayerState.PLAYING, PlayerState.ENDED] or (
        recorder.states[0] == PlayerState.BUFFERING and recorder.states[-1] == PlayerState.ENDED
    )
    assert summary.error is None and summary.rebuffer_count == 0
    assert len(sink.times) == FRAMES and sink.times == sorted(sink.times)
    assert sink.audio_frames > 0
    assert summary.segments == 4 and summary.frames_shown == FRAMES
    assert all(d.reason for d in recorder.decisions) and len(recorder.decisions) == 4


def test_dash_plays_the_same_segments(packaged_title: Path, master_path: str) -> None:
    with media_servers(packaged_title) as servers:
        engine, _, sink = _play(_edges(servers, master_path), prefer_format="dash")
        assert engine.wait(30)
        summary = engine.stop()
    assert summary.error is None and len(sink.times) == FRAMES
    assert any(p.endswith(".mpd") for p in servers[0].requests)


def test_a_pinned_quality_overrides_abr(packaged_title: Path, master_path: str) -> None:
    with media_servers(packaged_title) as servers:
        recorder, sink = Recorder(), FrameTimes()
        engine = PlaybackEngine(_edges(servers, master_path), EngineOptions(speed=FAST), recorder, sink)
        engine.set_quality(2)
        engine.start()
        assert engine.wait(30)
    assert [d.rung for d in recorder.decisions] == [2, 2, 2, 2]
    assert all(d.reason.startswith("manual quality") for d in recorder.decisions)


def test_failing_edge_is_skipped_for_the_next_one(packaged_title: Path, master_path: str) -> None:
    with media_servers(packaged_title, count=2) as servers:
        servers[0].fault, servers[0].only = "error", ".m4s"
        engine, recorder, sink = _play(_edges(servers, master_path))
        assert engine.wait(30)
        summary = engine.stop()
    assert summary.error is None and len(sink.times) == FRAMES
    assert recorder.failures and all(edge == "edge0" for edge, _ in recorder.failures)
    assert {d.edge for d in recorder.downloads} == {"edge1"}


def test_hanging_edge_times_out_and_fails_over(packaged_title: Path, master_path: str) -> None:
    with media_servers(packaged_title, count=2) as servers:
        servers[0].fault, servers[0].only = "hang", "seg_00002"
        engine, recorder, sink = _play(_edges(servers, master_path), min_deadline_s=1.0)
        assert engine.wait(40)
        summary = engine.stop()
    assert summary.error is None and len(sink.times) == FRAMES
    assert any("Timeout" in reason or "deadline" in reason for _, reason in recorder.failures)


def test_truncated_and_garbage_segments_are_refetched_elsewhere(
    packaged_title: Path, master_path: str
) -> None:
    for fault in ("truncate", "garbage"):
        with media_servers(packaged_title, count=2) as servers:
            servers[0].fault, servers[0].only = fault, "seg_00003"
            engine, recorder, sink = _play(_edges(servers, master_path))
            assert engine.wait(30)
            summary = engine.stop()
        assert summary.error is None, fault
        assert len(sink.times) == FRAMES, fault
        assert recorder.failures and recorder.failures[0][0] == "edge0", fault


def test_no_edge_answering_ends_with_a_clear_error(packaged_title: Path, master_path: str) -> None:
    with media_servers(packaged_title) as servers:
        one_round = FetchOptions(max_rounds=1)
        engine, recorder, _ = _play(_edges(servers, master_path), one_round, max_retries=1, retry_pause_s=0.1)
        assert recorder.playing.wait(10)
        servers[0].fault = "error"
        assert engine.wait(60)
        summary = engine.stop()
    assert summary.error and "no edge served" in summary.error
    assert PlayerState.ERROR in recorder.states and recorder.states[-1] == PlayerState.ENDED


def test_unreachable_manifest_is_an_error_not_a_crash(packaged_title: Path) -> None:
    with media_servers(packaged_title) as servers:
        edges = EdgeSet([Edge("edge0", f"{servers[0].url}/titles/none/master.m3u8")])
        engine, _, _ = _play(edges, max_retries=0)
        assert engine.wait(30)
        summary = engine.stop()
    assert summary.error and summary.error.startswith("cannot load the manifest")


def _contiguous(times: list[float]) -> bool:
    """No frame missing or repeated: one frame every 1/24 s from the first to the last."""
    return len(times) == round((times[-1] - times[0]) * 24) + 1 and times == sorted(times)


def test_seek_jumps_to_the_segment_holding_the_target(packaged_title: Path, master_path: str) -> None:
    with media_servers(packaged_title) as servers:
        engine, recorder, sink = _play(_edges(servers, master_path), speed=1.0)
        assert recorder.playing.wait(10)
        while len(sink.times) < 5:
            threading.Event().wait(0.02)
        engine.seek(9.0)
        assert engine.wait(30)
        summary = engine.stop()
    assert summary.error is None
    jump = next(i for i, t in enumerate(sink.times) if t >= 9.0 - 1e-3)
    before, after = sink.times[:jump], sink.times[jump:]
    assert before[-1] < 2.0  # went straight from near the start to the target
    assert after[0] < 9.05 and _contiguous(after) and after[-1] > 15.9
    assert PlayerState.SEEKING in recorder.states and summary.rebuffer_count == 0


def test_pause_holds_the_clock_and_resume_continues(packaged_title: Path, master_path: str) -> None:
    with media_servers(packaged_title) as servers:
        engine, recorder, sink = _play(_edges(servers, master_path), speed=1.0)
        assert recorder.playing.wait(10)
        engine.pause()
        threading.Event().wait(0.5)
        held = engine.snapshot()
        threading.Event().wait(0.5)
        assert engine.snapshot().position_s == held.position_s and held.state == PlayerState.PAUSED
        engine.resume()
        threading.Event().wait(0.3)
        assert engine.snapshot().position_s > held.position_s
        summary = engine.stop()
    assert summary.error is None and summary.rebuffer_count == 0


def test_resume_position_starts_mid_title(packaged_title: Path, master_path: str) -> None:
    with media_servers(packaged_title) as servers:
        engine, _, sink = _play(_edges(servers, master_path), start_position_s=8.5)
        assert engine.wait(30)
    assert 8.49 <= sink.times[0] <= 8.55 and _contiguous(sink.times) and sink.times[-1] > 15.9
