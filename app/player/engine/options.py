"""Every tunable of one playback in one typed place (instead of constants spread over the engine)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EngineOptions:
    abr: str = "default"  # a name from app.player.abr.available_controllers()
    prefer_format: str = "hls"  # "hls" or "dash" when the edges offer both
    start_position_s: float = 0.0  # resume point from playback/start
    max_buffer_s: float = 60.0  # same cap as the offline simulator, so lab scores carry over
    min_deadline_s: float = 3.0  # a segment request never gets less time than this
    max_retries: int = 3  # ERROR → BUFFERING retries before the playback ends with its error
    retry_pause_s: float = 1.0
    heartbeat_interval_s: float = 10.0
    steering_interval_s: float = 30.0  # until the steering server's TTL says otherwise
    speed: float = 1.0  # clock rate: > 1 plays faster than real time (tests, demos)
    max_decode_failures: int = 2  # refetches of an undecodable segment before it is skipped
