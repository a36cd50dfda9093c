"""Ladder preview (view): the planned rungs, quality vs bitrate per resolution with the convex hull
highlighted (whole title or one shot), the rungs' targets, and each shot's bitrate scale over time.

Drawing only: :mod:`app.studio.ui.models.ladder_plot` decides what the curves are.
"""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.player.ui.abr_plots import PALETTE
from app.studio.ui.models.ladder_plot import LadderPlot, ShotBar, bitrate_range, bitrate_ticks
from app.ui.tables import read_only_table

RUNG_COLUMNS = ("Rung", "Codec", "Resolution", "Bitrate", "Max bitrate")
HULL_COLOUR = "#ffffff"
RUNG_MARK_COLOUR = "#9a9a9a"
BAR_COLOUR = "#4cc9f0"
SELECTED_BAR_COLOUR = "#f5b841"


class LadderView(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.message = QLabel("Select a job to see its ladder.")
        self.message.setWordWrap(True)
        self.shot_combo = QComboBox()
        self.shot_combo.setMinimumWidth(220)
        self.rungs = read_only_table(RUNG_COLUMNS)
        self.rungs.setMinimumWidth(480)

        self.plot = pg.PlotWidget()
        self.plot.setLogMode(x=True, y=False)
        self.plot.showGrid(x=True, y=True, alpha=0.25)
        self.plot.setLabel("bottom", "bitrate (kb/s, log scale)")
        self.plot.setLabel("left", "quality")
        self.legend = self.plot.addLegend(offset=(10, 10))  # top left: low bitrates never reach high quality
        self.shots_plot = pg.PlotWidget()
        self.shots_plot.setLabel("bottom", "time (s)")
        self.shots_plot.setLabel("left", "bitrate scale")
        self.shots_plot.setMinimumHeight(140)
        self.shots_plot.setTitle("bitrate scale of each shot (selected shot highlighted)")
        self.shots_plot.addItem(pg.InfiniteLine(pos=1.0, angle=0, pen=pg.mkPen(RUNG_MARK_COLOUR, width=1)))

        self.curve_items: dict[str, pg.PlotDataItem] = {}
        self.hull_items: dict[str, pg.PlotDataItem] = {}
        self.rung_lines: list[pg.InfiniteLine] = []
        self.shot_bars: pg.BarGraphItem | None = None

        header = QHBoxLayout()
        header.addWidget(QLabel("Measurements of:"))
        header.addWidget(self.shot_combo)
        header.addStretch(1)
        bottom = QSplitter(Qt.Orientation.Horizontal)
        bottom.addWidget(self.rungs)
        bottom.addWidget(self.shots_plot)
        bottom.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.message)
        layout.addWidget(self.plot, 3)
        layout.addWidget(bottom, 1)

    def set_rungs(self, rows: list[tuple[str, ...]]) -> None:
        self.rungs.setRowCount(len(rows))
        for row, cells in enumerate(rows):
            for column, text in enumerate(cells):
                self.rungs.setItem(row, column, QTableWidgetItem(text))
        self.rungs.resizeColumnsToContents()

    def draw(self, ladder_plot: LadderPlot, metric: str) -> None:
        """Replace the curves: thin ones per resolution, a bold one per codec's hull, rung targets."""
        self.clear_plot()
        self.plot.setLabel("left", f"quality ({metric})")
        for index, curve in enumerate(ladder_plot.curves):
            colour = PALETTE[index % len(PALETTE)]
            self.curve_items[curve.label] = self.plot.plot(
                curve.bitrates_kbps,
                curve.qualities,
                name=curve.label,
                pen=pg.mkPen(colour, width=1.5),
                symbol="o",
                symbolSize=6,
                symbolBrush=colour,
                symbolPen=None,
            )
        for hull in ladder_plot.hulls:
            self.hull_items[hull.label] = self.plot.plot(
                hull.bitrates_kbps,
                hull.qualities,
                name=hull.label,
                pen=pg.mkPen(HULL_COLOUR, width=3),
                symbol="star",
                symbolSize=14,
                symbolBrush=HULL_COLOUR,
                symbolPen=pg.mkPen("#000000"),
            )
        for mark in ladder_plot.rung_marks:
            line = pg.InfiniteLine(
                pos=math.log10(max(mark.bitrate_kbps, 1e-3)),  # the axis is log10 in log mode
                angle=90,
                pen=pg.mkPen(RUNG_MARK_COLOUR, width=1, style=Qt.PenStyle.DashLine),
                label=mark.label,
                labelOpts={"position": 0.04, "color": RUNG_MARK_COLOUR, "anchors": [(0, 1), (0, 1)]},
            )
            self.plot.addItem(line)
            self.rung_lines.append(line)
        self.plot.getAxis("bottom").setTicks(
            [[(math.log10(kbps), label) for kbps, label in bitrate_ticks(ladder_plot)]]
        )
        self.plot.enableAutoRange(axis="y")
        span = bitrate_range(ladder_plot)
        if span is not None:
            self.plot.setXRange(math.log10(span[0]), math.log10(span[1]), padding=0)

    def draw_shots(self, bars: list[ShotBar], selected: int | None) -> None:
        if self.shot_bars is not None:
            self.shots_plot.removeItem(self.shot_bars)
            self.shot_bars = None
        if not bars:
            return
        self.shot_bars = pg.BarGraphItem(
            x0=[b.start_s for b in bars],
            x1=[b.end_s for b in bars],
            height=[b.scale for b in bars],
            brushes=[SELECTED_BAR_COLOUR if b.index == selected else BAR_COLOUR for b in bars],
            pen=pg.mkPen("#141414"),
        )
        self.shots_plot.addItem(self.shot_bars)
        self.shots_plot.enableAutoRange()

    def clear_plot(self) -> None:
        for item in [*self.curve_items.values(), *self.hull_items.values(), *self.rung_lines]:
            self.plot.removeItem(item)
        self.legend.clear()
        self.curve_items.clear()
        self.hull_items.clear()
        self.rung_lines.clear()
