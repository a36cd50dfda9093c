"""Helpers of the studio screen tests: dropping files the way a file manager does, tiny masters."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QWidget


def drop_files(target: QWidget, paths: list[Path]) -> bool:
    """Drag ``paths`` over ``target`` and drop them; whether the widget accepted the drag."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path)) for path in paths])
    centre = target.rect().center()
    buttons, modifiers = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(centre, Qt.DropAction.CopyAction, mime, buttons, modifiers)
    QApplication.sendEvent(target, enter)
    if not enter.isAccepted():
        return False
    drop = QDropEvent(QPointF(centre), Qt.DropAction.CopyAction, mime, buttons, modifiers)
    QApplication.sendEvent(target, drop)
    return drop.isAccepted()


HEIGHTS = (360, 540, 720, 1080)
WIDTHS = {360: 640, 540: 960, 720: 1280, 1080: 1920}
TRIAL_KBPS = (400, 800, 1600, 3200, 6400)
SHOTS = ((0.0, 4.0, 0.6), (4.0, 9.5, 1.5), (9.5, 12.0, 0.9))  # start, end, bitrate scale


def _vmaf(height: int, kbps: float, difficulty: float) -> float:
    """A plausible rate-quality curve: higher resolutions start lower and end higher."""
    ceiling = {360: 72.0, 540: 84.0, 720: 92.0, 1080: 97.0}[height]
    knee = height * 2.2 * difficulty
    return round(ceiling * (1 - 2.718 ** (-kbps / knee)), 2)


def contract_ladder() -> dict:
    """A per-shot ladder exactly as ``GET /content/jobs/{id}/ladder`` returns it (``LadderView``)."""
    rungs = [
        {
            "id": f"h264_{h}p",
            "codec": "h264",
            "width": WIDTHS[h],
            "height": h,
            "bitrateKbps": k,
            "maxBitrateKbps": round(k * 1.5),
        }
        for h, k in ((360, 700), (540, 1500), (720, 2800), (1080, 5200))
    ]
    shots = [
        {"index": i, "startS": start, "endS": end, "bitrateScale": scale}
        for i, (start, end, scale) in enumerate(SHOTS)
    ]
    points = []
    for shot, difficulty in ((None, 1.0), (0, 0.6), (1, 1.5), (2, 0.9)):
        trials = [(h, k, _vmaf(h, k, difficulty)) for h in HEIGHTS for k in TRIAL_KBPS]
        best = {k: max(q for _, kk, q in trials if kk == k) for k in TRIAL_KBPS}
        points += [
            {
                "shot": shot,
                "codec": "h264",
                "height": h,
                "bitrateKbps": float(k),
                "quality": q,
                "metric": "vmaf",
                "onHull": q == best[k],
            }
            for h, k, q in trials
        ]
    return {"mode": "per-shot", "metric": "vmaf", "rungs": rungs, "shots": shots, "points": points}
