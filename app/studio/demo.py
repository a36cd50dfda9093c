"""The demo's playable titles: synthesised masters run through the real studio pipeline.

A first start has no media to ingest and downloads nothing, yet viewers should be able to press
Play; so a few short masters are generated, encoded to a small H.264 ladder with AAC audio,
validated and packaged exactly as an uploaded master would be.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from app.studio.media.audio import encode_audio
from app.studio.media.encode import encode_video
from app.studio.media.index import PackageIndex
from app.studio.media.ladder import plan_fixed
from app.studio.media.package import encode_dir, new_encode_id, package
from app.studio.media.probe import probe
from app.studio.media.synthetic import synthesize_master
from app.studio.media.validate import validate_package

DEMO_LADDER = ((180, 300), (270, 600), (360, 1000))
DEMO_SECONDS = 16.0
SEGMENT_SECONDS = 4.0
DEMO_PRESETS = {"h264": "veryfast"}


def produce_demo_package(media_root: Path, title_id: str, variant: int) -> PackageIndex:
    """Encode and package one demo title under the media root; returns its package index."""
    with tempfile.TemporaryDirectory(prefix="marquee-demo-") as scratch:
        master = synthesize_master(
            Path(scratch) / "master.mp4",
            seconds=DEMO_SECONDS,
            width=640,
            height=360,
            cuts=(4.0, 8.0, 12.0),
            palette_offset=variant,
        )
        plan = plan_fixed(probe(master), ["h264"], ladder=DEMO_LADDER)
        encode_id = new_encode_id()
        out = encode_dir(media_root, title_id, encode_id)
        encode_video(
            master, plan.rungs, out, segment_seconds=SEGMENT_SECONDS, gpu="off", presets=DEMO_PRESETS
        )
        encode_audio(master, out, segment_seconds=SEGMENT_SECONDS)
    validate_package(out, SEGMENT_SECONDS)
    return package(out, title_id=title_id, encode_id=encode_id, segment_seconds=SEGMENT_SECONDS)
