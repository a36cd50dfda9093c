"""A master's validation report: the real probe's verdict turned into lines the ingest panel shows."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.formatting import clock_text
from app.studio.media.errors import ProbeError
from app.studio.media.probe import MediaInfo, probe


@dataclass(frozen=True)
class ReportLine:
    label: str
    value: str


@dataclass(frozen=True)
class MasterCheck:
    """The probe's outcome for one master: its facts, or the precise reason it is rejected."""

    path: Path
    info: MediaInfo | None = None
    error_code: str = ""
    error_message: str = ""

    @property
    def accepted(self) -> bool:
        return self.info is not None


def check_master(path: Path, *, allow_silent: bool) -> MasterCheck:
    """Probe ``path`` (blocking: it decodes frames, so callers run it off the GUI thread)."""
    try:
        return MasterCheck(path, info=probe(path, allow_silent=allow_silent))
    except ProbeError as exc:
        return MasterCheck(path, error_code=exc.code, error_message=exc.message)


def rejection_text(check: MasterCheck) -> str:
    return f"Rejected ({check.error_code}): {check.error_message}"


def report_lines(info: MediaInfo) -> list[ReportLine]:
    """Everything the probe established about an accepted master, one fact per line."""
    rate = float(info.frame_rate)
    cadence = "VFR (variable)" if info.variable_frame_rate else "CFR (constant)"
    audio = (
        ", ".join(
            f"{codec} {channels} ch"
            for codec, channels in zip(info.audio_codecs, info.audio_channels, strict=True)
        )
        if info.has_audio
        else "none (silent master allowed)"
    )
    return [
        ReportLine("Container", info.container),
        ReportLine("Video codec", f"{info.video_codec} ({info.pixel_format or 'unknown pixel format'})"),
        ReportLine("Resolution", f"{info.width}x{info.height}"),
        ReportLine("Frame rate", f"{rate:.3f} fps, {cadence}"),
        ReportLine("Duration", f"{clock_text(info.duration_s)} ({info.duration_s:.2f} s)"),
        ReportLine("Audio tracks", f"{len(info.audio_codecs)}: {audio}" if info.has_audio else audio),
        ReportLine("Decodable", "frames decode at the start, middle and end"),
    ]
