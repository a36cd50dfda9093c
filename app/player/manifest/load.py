"""Load a manifest URL as a :class:`Presentation`, whichever format it turns out to be.

The format is told by the document itself, not the URL: edges and signed URLs do not keep extensions.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from app.player.manifest.dash import parse_dash
from app.player.manifest.hls import build_hls_presentation
from app.player.manifest.model import ManifestError, Presentation, check_manifest_size, family_order

_SNIFF_CHARS = 4096  # room for an XML declaration and a comment before <MPD
_MPD_TAG = re.compile(r"<(?:[A-Za-z_][\w.-]*:)?MPD\b")  # with or without a namespace prefix


def load_presentation(url: str, fetch: Callable[[str], str], prefer: str = "auto") -> Presentation:
    """Fetch ``url`` and parse it as HLS (``#EXTM3U``) or DASH (``<MPD``).

    ``fetch(absolute_url) -> text`` also fetches HLS media playlists; its errors propagate unchanged.
    ``prefer`` is the video codec family to play when several are offered: "auto" (AVC > HEVC > AV1),
    "avc", "hevc" or "av1"; the others still serve when the preferred one is absent.
    """
    family_order(prefer)  # a bad preference is the caller's bug: fail before any fetch
    text = fetch(url)
    check_manifest_size(text, "manifest")
    head = text[:_SNIFF_CHARS].lstrip("\ufeff \t\r\n")
    if head.startswith("#EXTM3U"):
        return build_hls_presentation(text, url, fetch, prefer)
    if head.startswith("<") and _MPD_TAG.search(head):
        return parse_dash(text, prefer)
    raise ManifestError(f"{url}: neither an HLS playlist (#EXTM3U) nor a DASH MPD (<MPD)")
