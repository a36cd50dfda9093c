"""Exceptions of the media core.

Every failure carries a stable machine-readable ``code`` next to its human message, so the workflow can
record *why* a master was rejected (and the GUI can show it) without parsing English text.
"""

from __future__ import annotations


class MediaError(Exception):
    """Base of every error raised by :mod:`app.studio.media`."""

    code = "media_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"


class ProbeError(MediaError):
    """The master cannot be ingested; subclasses name the precise reason."""

    code = "probe_failed"


class UnreadableFileError(ProbeError):
    code = "unreadable"


class EmptyFileError(ProbeError):
    code = "empty_file"


class NotMediaError(ProbeError):
    """Not an audio/video container at all (text, random bytes, a still image renamed .mp4)."""

    code = "not_media"


class TruncatedMediaError(ProbeError):
    """The container is cut short: index (moov) missing, or the media ends before its declared length."""

    code = "truncated"


class NoVideoStreamError(ProbeError):
    code = "no_video"


class NoAudioStreamError(ProbeError):
    code = "no_audio"


class UnsupportedResolutionError(ProbeError):
    code = "bad_resolution"


class UnsupportedFrameRateError(ProbeError):
    code = "bad_frame_rate"


class UndecodableMediaError(ProbeError):
    code = "undecodable"


class EncoderUnavailableError(MediaError):
    """The requested encoder cannot be opened here (e.g. ``gpu="on"`` on a machine without NVENC)."""

    code = "encoder_unavailable"


class PackagingError(MediaError):
    """Rendition files on disk are missing or inconsistent, so no manifest can be written."""

    code = "packaging_failed"


class OutputValidationError(MediaError):
    """A finished package does not meet the quality bar (bad segment, drifted boundaries, ...)."""

    code = "output_invalid"


class DiskFullError(MediaError):
    """The output's filesystem has no room: a write failed (ENOSPC) or a planned encode cannot fit.

    Its message names the path, the bytes needed and the bytes free, which is what an operator acts on.
    """

    code = "disk_full"
