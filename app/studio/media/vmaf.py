"""VMAF of a distorted clip against its reference, computed by the FFmpeg binary of ``imageio-ffmpeg``.

Why a subprocess: neither the FFmpeg inside PyAV nor Debian's is built with libvmaf, while the static FFmpeg
that the imageio-ffmpeg wheel ships is, with the ``vmaf_v0.6.1`` model built in. Both inputs are scaled to
one evaluation size (as a player scales every rung to its window) and their timestamps restarted at zero,
so frame *n* of one meets frame *n* of the other whatever the containers' start times.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from collections.abc import Iterable
from fractions import Fraction
from functools import cache
from pathlib import Path

import av

from app.studio.media.errors import MediaError

METRIC = "vmaf"
# Scoring every 4th frame keeps trial scoring cheap; consecutive frames of one shot score alike.
TRIAL_SUBSAMPLE = 4


class VmafError(MediaError):
    """The VMAF measurement itself failed (FFmpeg missing its filter, unreadable input, ...)."""

    code = "vmaf_failed"


@cache
def vmaf_ffmpeg() -> str | None:
    """Path of an FFmpeg binary with the libvmaf filter, or None (callers fall back to another metric)."""
    try:
        import imageio_ffmpeg

        exe = imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError):
        return None
    try:
        filters = subprocess.run(
            [exe, "-hide_banner", "-filters"], capture_output=True, text=True, timeout=30, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return exe if " libvmaf " in filters else None


def vmaf(
    distorted: str | os.PathLike[str],
    reference: str | os.PathLike[str],
    width: int,
    height: int,
    *,
    n_subsample: int = 1,
    threads: int = 2,
) -> float:
    """Pooled mean VMAF (0..100) of ``distorted`` against ``reference``, both scaled to ``width``×``height``.

    Raises :class:`VmafError` with FFmpeg's own message when the binary is missing or fails.
    """
    exe = vmaf_ffmpeg()
    if exe is None:
        raise VmafError("no FFmpeg with libvmaf (pip install imageio-ffmpeg)")
    with tempfile.TemporaryDirectory(prefix="marquee-vmaf-") as tmp:
        log = Path(tmp) / "vmaf.json"
        scale = f"scale={width}:{height}:flags=bicubic,format=yuv420p,setpts=PTS-STARTPTS"
        graph = (
            f"[0:v]{scale}[dist];[1:v]{scale}[ref];"
            f"[dist][ref]libvmaf=n_subsample={n_subsample}:n_threads={threads}:log_fmt=json:log_path={log}"
        )
        command = [exe, "-v", "error", "-nostdin", "-i", str(distorted), "-i", str(reference)]
        command += ["-lavfi", graph, "-f", "null", "-"]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0 or not log.exists():
            tail = result.stderr.strip().splitlines()[-3:]
            raise VmafError(f"ffmpeg libvmaf exited {result.returncode}: {' | '.join(tail) or 'no output'}")
        try:
            return float(json.loads(log.read_text())["pooled_metrics"]["vmaf"]["mean"])
        except (KeyError, ValueError) as exc:
            raise VmafError(f"unreadable libvmaf log: {exc}") from exc


def write_y4m(path: Path, frames: Iterable[av.VideoFrame], rate: Fraction) -> Path:
    """Write yuv420p ``frames`` (all one size) as a YUV4MPEG2 file: in-memory pictures FFmpeg can read."""
    with path.open("wb") as out:
        header_written = False
        for frame in frames:
            if not header_written:
                out.write(
                    f"YUV4MPEG2 W{frame.width} H{frame.height} F{rate.numerator}:{rate.denominator}"
                    " Ip A1:1 C420jpeg\n".encode()
                )
                header_written = True
            out.write(b"FRAME\n")
            out.write(frame.to_ndarray().tobytes())  # yuv420p: Y, U, V planes back to back
    return path
