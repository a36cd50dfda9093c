"""Versions of the app and the libraries it stands on, for the About box and bug reports."""

from __future__ import annotations

import platform

import av
import pyqtgraph
import PySide6
from PySide6.QtCore import qVersion

from app import __version__


def component_versions() -> dict[str, str]:
    ffmpeg = av.library_versions.get("libavcodec", ())
    return {
        "Marquee": __version__,
        "Python": platform.python_version(),
        "Qt": qVersion(),
        "PySide6": PySide6.__version__,
        "pyqtgraph": pyqtgraph.__version__,
        "PyAV": av.__version__,
        "libavcodec": ".".join(map(str, ffmpeg)),
    }
