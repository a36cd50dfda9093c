"""The player's two painted widgets: the video surface and a seek bar that also shows the buffer."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QKeyEvent, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.player.ui.browse.theme import ACCENT

KEY_STEP_S = 5.0  # arrow keys on the seek bar jump this far


class VideoSurface(QWidget):
    """Paints the latest frame centred with its aspect kept, on black; can go fullscreen on its own.

    Frames arrive already scaled to :meth:`frame_box` (the bridge does that off the GUI thread), so
    painting is a plain blit except for the moment a resize is in flight.
    """

    double_clicked = Signal()
    play_pause_pressed = Signal()  # Space while fullscreen, where the page's shortcuts do not reach

    def __init__(self) -> None:
        super().__init__()
        self.setMinimumSize(320, 180)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._image: QImage | None = None
        self._keep: object = None  # whatever owns the image's pixels
        self.frames_shown = 0

    def set_image(self, image: QImage | None, owner: object = None) -> None:
        self._image, self._keep = image, owner
        if image is not None:
            self.frames_shown += 1
        self.update()

    def image(self) -> QImage | None:
        return self._image

    def frame_box(self) -> QSize:
        return self.size() * self.devicePixelRatioF()

    def is_fullscreen(self) -> bool:
        return self.isWindow() and self.isFullScreen()

    def set_fullscreen(self, on: bool) -> None:
        """Detach as a top-level fullscreen window, or go back into the page's layout."""
        if on == self.is_fullscreen():
            return
        self.setWindowFlag(Qt.WindowType.Window, on)
        if on:
            self.showFullScreen()
        else:
            self.showNormal()
            self.show()
        self.setFocus()

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt's naming
        painter = QPainter(self)
        painter.fillRect(self.rect(), Qt.GlobalColor.black)
        image = self._image
        if image is None or image.isNull():
            return
        fitted = image.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
        target = QRectF(
            (self.width() - fitted.width()) / 2,
            (self.height() - fitted.height()) / 2,
            fitted.width(),
            fitted.height(),
        )
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.drawImage(target, image)

    def mouseDoubleClickEvent(self, _event: QMouseEvent) -> None:  # noqa: N802
        self.double_clicked.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Escape and self.is_fullscreen():
            self.set_fullscreen(False)
        elif event.key() == Qt.Key.Key_Space and self.isWindow():
            self.play_pause_pressed.emit()
        else:
            super().keyPressEvent(event)


class SeekBar(QWidget):
    """Played part, buffered part and the rest of the title on one track; click or drag to seek.

    While the viewer drags, the poller's position updates are ignored so the handle stays under the
    pointer; the seek is asked for once, on release.
    """

    seek_requested = Signal(float)

    def __init__(self) -> None:
        super().__init__()
        self.setMinimumHeight(22)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.duration_s = 0.0
        self.position_s = 0.0
        self.buffered_to_s = 0.0
        self._dragging = False

    def set_duration(self, seconds: float) -> None:
        self.duration_s = max(seconds, 0.0)
        self.update()

    def set_position(self, seconds: float, buffered_to_s: float) -> None:
        self.buffered_to_s = buffered_to_s
        if not self._dragging:
            self.position_s = seconds
        self.update()

    def time_at(self, x: float) -> float:
        track = self._track()
        fraction = (x - track.left()) / track.width() if track.width() > 0 else 0.0
        return min(max(fraction, 0.0), 1.0) * self.duration_s

    def x_for(self, seconds: float) -> float:
        track = self._track()
        fraction = seconds / self.duration_s if self.duration_s > 0 else 0.0
        return track.left() + min(max(fraction, 0.0), 1.0) * track.width()

    def _track(self) -> QRectF:
        return QRectF(8, self.height() / 2 - 2, max(self.width() - 16, 1), 4)

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        track = self._track()
        painter.fillRect(track, QColor("#3a3a3a"))
        played_x, buffered_x = self.x_for(self.position_s), self.x_for(self.buffered_to_s)
        painter.fillRect(QRectF(played_x, track.top(), max(buffered_x - played_x, 0), 4), QColor("#8a8a8a"))
        painter.fillRect(QRectF(track.left(), track.top(), played_x - track.left(), 4), QColor(ACCENT))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(ACCENT if self.isEnabled() else "#6a6a6a"))
        radius = 7 if self._dragging or self.hasFocus() else 5
        painter.drawEllipse(QPointF(played_x, track.center().y()), radius, radius)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton and self.duration_s > 0:
            self._dragging = True
            self._scrub(event.position().x())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self._dragging:
            self._scrub(event.position().x())

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self._dragging and event.button() == Qt.MouseButton.LeftButton:
            self._dragging = False
            self._scrub(event.position().x())
            self.seek_requested.emit(self.position_s)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        steps = {Qt.Key.Key_Left: -KEY_STEP_S, Qt.Key.Key_Right: KEY_STEP_S}
        if event.key() in steps and self.duration_s > 0:
            target = min(max(self.position_s + steps[event.key()], 0.0), self.duration_s)
            self.position_s = target
            self.update()
            self.seek_requested.emit(target)
        else:
            super().keyPressEvent(event)

    def _scrub(self, x: float) -> None:
        self.position_s = self.time_at(x)
        self.update()
