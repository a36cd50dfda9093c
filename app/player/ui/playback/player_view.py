"""Player page (view): the picture and its controls on the left, the live ABR panel on the right.

Layout and public widgets only; :mod:`player_controller` drives them.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QSlider,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.player.ui.abr_plots import AbrPlots
from app.player.ui.playback.widgets import SeekBar, VideoSurface

ERROR_STYLE = "color: #ff6b6b;"


class ResumeBar(QFrame):
    """A non-modal question above the picture: resume where the viewer left off, or start over."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("resumeBar")
        self.setStyleSheet("#resumeBar { background: #262626; border-radius: 6px; }")
        self.question = QLabel()
        self.resume_button = QPushButton("Resume")
        self.resume_button.setObjectName("playButton")
        self.restart_button = QPushButton("Start over")
        layout = QHBoxLayout(self)
        layout.addWidget(self.question, 1)
        layout.addWidget(self.resume_button)
        layout.addWidget(self.restart_button)
        self.hide()


class AbrPanel(QWidget):
    """What ABR is doing right now: plots, each decision with its reason, and the QoE once it ends."""

    def __init__(self) -> None:
        super().__init__()
        self.plots = AbrPlots()
        self.decisions = QListWidget()
        self.decisions.setToolTip("Each segment's rung and the reason the controller gave")
        self.qoe = QLabel()
        self.qoe.setTextFormat(Qt.TextFormat.RichText)
        self.qoe.setWordWrap(True)
        self.qoe.hide()
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.plots)
        split.addWidget(self.decisions)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("<b>ABR</b>"))
        layout.addWidget(split, 1)
        layout.addWidget(self.qoe)


class PlayerView(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.back_button = QPushButton("← Back")
        self.title_label = QLabel()
        self.title_label.setObjectName("rowTitle")
        self.panel_button = QPushButton("ABR panel")
        self.panel_button.setCheckable(True)
        self.panel_button.setChecked(True)
        self.resume_bar = ResumeBar()
        self.video = VideoSurface()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.hide()
        self.play_button = QPushButton()
        self.play_button.setMinimumWidth(84)
        self.play_button.setToolTip("Play / pause (Space)")
        self.set_playing(False)
        self.seek_bar = SeekBar()
        self.time_label = QLabel("0:00 / 0:00")
        self.volume_slider = QSlider(Qt.Orientation.Horizontal)
        self.volume_slider.setRange(0, 100)
        self.volume_slider.setValue(80)
        self.volume_slider.setFixedWidth(90)
        self.volume_slider.setToolTip("Volume")
        self.fullscreen_button = QPushButton("Full screen")
        self.fullscreen_button.setToolTip("Fullscreen (Esc leaves)")
        self.quality_combo = QComboBox()
        self.quality_combo.addItem("Auto")
        self.quality_combo.setToolTip("Pin a rung, or let ABR choose")
        self.network_combo = QComboBox()
        self.network_combo.setToolTip("Shape the network to a profile (restarts the stream)")
        self.status_label = QLabel()
        self.status_label.setObjectName("muted")
        self.abr_panel = AbrPanel()

        header = QHBoxLayout()
        header.addWidget(self.back_button)
        header.addWidget(self.title_label, 1)
        header.addWidget(self.panel_button)
        transport = QHBoxLayout()
        transport.addWidget(self.play_button)
        transport.addWidget(self.seek_bar, 1)
        transport.addWidget(self.time_label)
        transport.addWidget(QLabel("Volume"))
        transport.addWidget(self.volume_slider)
        transport.addWidget(self.fullscreen_button)
        settings = QHBoxLayout()
        settings.addWidget(QLabel("Quality"))
        settings.addWidget(self.quality_combo)
        settings.addWidget(QLabel("Network"))
        settings.addWidget(self.network_combo)
        settings.addWidget(self.status_label, 1)
        screen = QWidget()
        column = QVBoxLayout(screen)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.resume_bar)
        column.addWidget(self.video, 1)
        column.addWidget(self.message)
        column.addLayout(transport)
        column.addLayout(settings)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(screen)
        self.splitter.addWidget(self.abr_panel)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 8, 16, 8)
        layout.addLayout(header)
        layout.addWidget(self.splitter, 1)

    def set_playing(self, playing: bool) -> None:
        """The play button offers what a click will do (words: every font has them, on any theme)."""
        self.play_button.setText("Pause" if playing else "▶  Play")
