"""The studio's media core: probe, analyse, plan, encode, package and validate (pure Python, no Qt).

Typical flow (each step is a separate, resumable unit of work for the workflow engine)::

    info = probe(master)                                  # raises a ProbeError subclass with .code
    plan = plan_fixed(info, ["h264"])        # or plan_per_title(info, analyse(master)), or
                                             # plan_convex_hull(info, measure_rate_quality(master, heights))
    out = encode_dir(media_root, title_id, encode_id := new_encode_id())
    encode_video(master, plan.rungs, out, segment_seconds=4, on_progress=cb)   # resumes by itself
    encode_audio(master, out, bitrate_kbps=plan.audio_kbps, segment_seconds=4)
    validate_package(out, 4)
    index = package(out, title_id=title_id, encode_id=encode_id, segment_seconds=4)
"""

from app.studio.media.analysis import Analysis, Shot, analyse
from app.studio.media.audio import encode_audio
from app.studio.media.codecs import codec_string, encoder_available, select_encoder
from app.studio.media.encode import EncodeStats, encode_video
from app.studio.media.errors import (
    EmptyFileError,
    EncoderUnavailableError,
    MediaError,
    NoAudioStreamError,
    NotMediaError,
    NoVideoStreamError,
    OutputValidationError,
    PackagingError,
    ProbeError,
    TruncatedMediaError,
    UndecodableMediaError,
    UnreadableFileError,
    UnsupportedFrameRateError,
    UnsupportedResolutionError,
)
from app.studio.media.index import PackageIndex, Rendition
from app.studio.media.ladder import LadderPlan, Rung, plan_convex_hull, plan_fixed, plan_per_title
from app.studio.media.package import encode_dir, new_encode_id, package
from app.studio.media.probe import MediaInfo, ProbeLimits, probe
from app.studio.media.quality import RatePoint, bd_rate, measure_rate_quality
from app.studio.media.segmenter import finished_segments
from app.studio.media.validate import ValidationReport, validate_package

__all__ = [
    "Analysis",
    "EmptyFileError",
    "EncodeStats",
    "EncoderUnavailableError",
    "LadderPlan",
    "MediaError",
    "MediaInfo",
    "NoAudioStreamError",
    "NoVideoStreamError",
    "NotMediaError",
    "OutputValidationError",
    "PackageIndex",
    "PackagingError",
    "ProbeError",
    "ProbeLimits",
    "RatePoint",
    "Rendition",
    "Rung",
    "Shot",
    "TruncatedMediaError",
    "UndecodableMediaError",
    "UnreadableFileError",
    "UnsupportedFrameRateError",
    "UnsupportedResolutionError",
    "ValidationReport",
    "analyse",
    "bd_rate",
    "codec_string",
    "encode_audio",
    "encode_dir",
    "encode_video",
    "encoder_available",
    "finished_segments",
    "measure_rate_quality",
    "new_encode_id",
    "package",
    "plan_convex_hull",
    "plan_fixed",
    "plan_per_title",
    "probe",
    "select_encoder",
    "validate_package",
]
