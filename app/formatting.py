"""Human-readable formats shared by the backend's texts and the GUI."""

from __future__ import annotations


def clock_text(seconds: float) -> str:
    """A playback position as a viewer reads it: ``4:05`` or ``1:02:09``."""
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
