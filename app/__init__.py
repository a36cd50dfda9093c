"""Marquee: a desktop video-streaming studio and player with an embedded or remote backend.

This package must import with no side effects (no Qt, no display, no I/O): tools outside the
project import ``app.player.abr`` and ``app.backend.recs`` through it.
"""

from importlib import metadata

try:
    __version__ = metadata.version("marquee")
except metadata.PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
