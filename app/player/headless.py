"""``play --headless``: the real engine — fetch, ABR, decode every frame — with no window.

Network shaping follows ``--network``: a built-in profile is shaped by the CDN edges themselves
(``x-marquee-shape``) when the title comes through the CDN; a trace file, or a title the backend serves
directly, is shaped by pacing our own reads.  Either way the controller sees the trace's throughput.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.client.api import ApiClient
from app.player.backend_session import BackendReporter, OpenedPlayback, open_playback
from app.player.engine.engine import PlaybackEngine
from app.player.engine.events import EngineListener
from app.player.engine.options import EngineOptions
from app.player.engine.qoe import QoeSummary
from app.player.engine.sink import FrameSink
from app.player.fetch.fetcher import FetchOptions
from app.player.fetch.pacing import ClientPacer
from app.player.network.profiles import PROFILES, load_network


@dataclass(frozen=True)
class HeadlessRequest:
    title_id: str
    profile_id: str | None = None
    abr: str = "default"
    network: str | None = None  # a built-in profile name or a trace file
    prefer_format: str = "hls"
    speed: float = 1.0
    from_start: bool = False  # ignore the resume position


def shaping_for(network: str | None, through_cdn: bool) -> FetchOptions:
    """Edge shaping for a built-in profile over the CDN, client pacing for anything else."""
    if network is None:
        return FetchOptions()
    if through_cdn and network in PROFILES:
        return FetchOptions(shape_profile=network)
    return FetchOptions(pacer=ClientPacer(load_network(network)))


def start_engine(
    playback: OpenedPlayback,
    options: EngineOptions,
    network: str | None = None,
    *,
    reporter: BackendReporter | None = None,
    listener: EngineListener | None = None,
    sink: FrameSink | None = None,
) -> PlaybackEngine:
    """Build the engine for an opened playback and start it: the wiring the headless command and GUI share.

    Shaping depends on how the media arrives (edges shape a profile themselves, the backend's own
    server cannot), so it is decided here from ``playback.through_cdn`` rather than by each caller.
    Blocks on the "play" viewing event: call it off the GUI thread.
    """
    engine = PlaybackEngine(
        playback.edges,
        options,
        listener=listener,
        sink=sink,
        reporter=reporter,
        fetch_options=shaping_for(network, playback.through_cdn),
    )
    if reporter is not None:
        reporter.started()
    engine.start()
    return engine


def play_headless(
    client: ApiClient,
    request: HeadlessRequest,
    listener: EngineListener | None = None,
    on_engine: Callable[[PlaybackEngine], None] | None = None,
) -> QoeSummary:
    """Play the title to its end (or its error) and return the QoE summary the backend also got."""
    profile_id = request.profile_id or client.profiles()[0]["profileId"]
    shaping_for(request.network, through_cdn=False)  # validates --network before any session is opened
    playback = open_playback(client, request.title_id, profile_id)
    options = EngineOptions(
        abr=request.abr,
        prefer_format=request.prefer_format,
        start_position_s=0.0 if request.from_start else playback.resume_position_s,
        speed=request.speed,
    )
    engine = start_engine(
        playback, options, request.network, reporter=BackendReporter(client, playback), listener=listener
    )
    if on_engine is not None:
        on_engine(engine)
    engine.wait()
    return engine.stop()
