"""The studio's media core: probe, analyse, plan, encode, package and validate (pure Python, no Qt).

Typical flow (each step is a separate, resumable unit of work for the workflow engine)::

    info = probe(master)                                  # raises a ProbeError subclass with .code
    plan = plan_fixed(info, ["h264"])        # or per title (trial encodes, convex hull):
    # plan = plan_per_title(info, measure_rate_quality(master, candidate_heights(info))), or per shot:
    # shots = merge_short_shots(analyse(master).shots)
    # plan = plan_per_shot(info, shots, measure_shots(master, shots, candidate_heights(info)))
    out = encode_dir(media_root, title_id, encode_id := new_encode_id())
    encode_video(master, plan.rungs, out, segment_seconds=4, on_progress=cb)   # resumes by itself
    encode_audio(master, out, bitrate_kbps=plan.audio_kbps, segment_seconds=4)
    validate_package(out, 4)
    index = package(out, title_id=title_id, encode_id=encode_id, segment_seconds=4)
"""

from app.studio.media.analysis import Analysis, Shot, analyse, merge_short_shots
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
from app.studio.media.ladder import (
    LadderPlan,
    Rung,
    candidate_heights,
    ladder_view,
    plan_fixed,
    plan_per_title,
)
from app.studio.media.package import encode_dir, new_encode_id, package
from app.studio.media.pershot import plan_per_shot
from app.studio.media.probe import MediaInfo, ProbeLimits, probe
from app.studio.media.quality import RatePoint, bd_rate, measure_rate_quality, measure_shots
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
    "candidate_heights",
    "codec_string",
    "encode_audio",
    "encode_dir",
    "encode_video",
    "encoder_available",
    "finished_segments",
    "ladder_view",
    "measure_rate_quality",
    "measure_shots",
    "merge_short_shots",
    "new_encode_id",
    "package",
    "plan_fixed",
    "plan_per_shot",
    "plan_per_title",
    "probe",
    "select_encoder",
    "validate_package",
]
