"""ABR plots (view): buffer, throughput and chosen bitrate over time, one colour per controller.

Three stacked plots share the time axis so a stall, the throughput dip that caused it and the
controller's reaction line up vertically.  The live player appends points as segments arrive; the
ABR lab sets whole sessions at once, several controllers in one widget.  Drawing only: callers
decide what the points are.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pyqtgraph as pg
from PySide6.QtWidgets import QVBoxLayout, QWidget

# Distinguishable on the dark background, in the order series are added.
PALETTE = ("#f5b841", "#4cc9f0", "#f72585", "#80ed99", "#b388ff", "#ff8c42", "#e0e0e0")
CAPACITY_COLOUR = "#6a6a6a"
REBUFFER_ALPHA = 50
AXIS_WIDTH = 60
AXIS_LABELS = ("buffer (s)", "throughput (Mb/s)", "bitrate (kb/s)")


@dataclass(frozen=True)
class AbrPoint:
    """Whatever is known at ``time_s``; fields left None are not drawn for this point."""

    time_s: float
    buffer_s: float | None = None
    throughput_mbps: float | None = None  # a measured download: drawn as a dot
    estimate_mbps: float | None = None  # the controller's estimate: drawn as a line
    bitrate_kbps: float | None = None  # the rung chosen at this time: held until the next one


_FIELDS = ("buffer_s", "throughput_mbps", "estimate_mbps", "bitrate_kbps")


class AbrSeries:
    """One controller's (or one playback's) curves across the three plots."""

    def __init__(self, plots: AbrPlots, name: str, colour: str) -> None:
        self.name = name
        self.colour = colour
        self._plots = plots
        pen = pg.mkPen(colour, width=2)
        self._items: dict[str, pg.PlotDataItem] = {
            "buffer_s": plots.buffer_plot.plot(pen=pen),
            "throughput_mbps": plots.throughput_plot.plot(
                pen=None, symbol="o", symbolSize=5, symbolPen=None, symbolBrush=colour
            ),
            "estimate_mbps": plots.throughput_plot.plot(pen=pg.mkPen(colour, width=1.5)),
            "bitrate_kbps": plots.bitrate_plot.plot(pen=pen, stepMode="right"),
        }
        plots.legend.addItem(self._items["buffer_s"], name)
        self._data: dict[str, tuple[list[float], list[float]]] = {f: ([], []) for f in _FIELDS}
        self._rebuffers: list[tuple[pg.PlotItem, pg.LinearRegionItem]] = []
        self._last_time = 0.0

    def append(self, point: AbrPoint) -> None:
        """Add one point (GUI thread)."""
        self._add(point)
        self._redraw()

    def add_rebuffer(self, start_s: float, end_s: float) -> None:
        """Shade a stall on all three plots."""
        brush = pg.mkColor(self.colour)
        brush.setAlpha(REBUFFER_ALPHA)
        for plot in self._plots.plots:
            region = pg.LinearRegionItem((start_s, end_s), movable=False, brush=brush, pen=pg.mkPen(None))
            region.setZValue(-10)
            plot.addItem(region)
            self._rebuffers.append((plot, region))

    def set(self, points: Iterable[AbrPoint], rebuffers: Iterable[tuple[float, float]] = ()) -> None:
        """Replace the whole series."""
        self.clear()
        for point in points:
            self._add(point)
        for start, end in rebuffers:
            self.add_rebuffer(start, end)
        self._redraw()

    def clear(self) -> None:
        for xs, ys in self._data.values():
            xs.clear()
            ys.clear()
        for plot, region in self._rebuffers:
            plot.removeItem(region)
        self._rebuffers.clear()
        self._last_time = 0.0
        self._redraw()

    def points(self, field: str) -> tuple[Sequence[float], Sequence[float]]:
        """The (times, values) drawn for one ``AbrPoint`` field (for tests and tooltips)."""
        xs, ys = self._data[field]
        return tuple(xs), tuple(ys)

    @property
    def rebuffer_count(self) -> int:
        return len(self._rebuffers) // len(self._plots.plots)

    def remove(self) -> None:
        """Take every item of this series off the plots."""
        self.clear()
        for item in self._items.values():
            for plot in self._plots.plots:
                if item in plot.items:
                    plot.removeItem(item)
        self._plots.legend.removeItem(self._items["buffer_s"])

    def _add(self, point: AbrPoint) -> None:
        self._last_time = max(self._last_time, point.time_s)
        for field in _FIELDS:
            value = getattr(point, field)
            if value is not None:
                xs, ys = self._data[field]
                xs.append(point.time_s)
                ys.append(float(value))

    def _redraw(self) -> None:
        for field, item in self._items.items():
            xs, ys = self._data[field]
            if field == "bitrate_kbps" and xs and self._last_time > xs[-1]:
                # stepMode "right" holds each value until the next x: hold the last one to "now".
                xs, ys = [*xs, self._last_time], [*ys, ys[-1]]
            item.setData(xs, ys)


class AbrPlots(QWidget):
    """Buffer (s), throughput (Mb/s) and bitrate (kb/s), x-linked, with one legend for all series.

    A plain widget around a pyqtgraph canvas (whose own ``clear`` would drop the plots themselves).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.canvas = pg.GraphicsLayoutWidget()
        self.canvas.setBackground("#141414")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.canvas)
        self.buffer_plot = self.canvas.addPlot(row=0, col=0)
        self.throughput_plot = self.canvas.addPlot(row=1, col=0)
        self.bitrate_plot = self.canvas.addPlot(row=2, col=0)
        self.plots = (self.buffer_plot, self.throughput_plot, self.bitrate_plot)
        for plot, label in zip(self.plots, AXIS_LABELS, strict=True):
            plot.setLabel("left", label)
            plot.getAxis("left").setWidth(AXIS_WIDTH)  # same width, so the three time axes line up
            plot.showGrid(x=True, y=True, alpha=0.2)
            if plot is not self.buffer_plot:
                plot.setXLink(self.buffer_plot)
        self.bitrate_plot.setLabel("bottom", "time (s)")
        self.legend = self.buffer_plot.addLegend(offset=(-10, 10), brush=(20, 20, 20, 200))
        self._capacity = self.throughput_plot.plot(pen=pg.mkPen(CAPACITY_COLOUR, width=1), stepMode="right")
        self._series: dict[str, AbrSeries] = {}

    def add_series(self, name: str) -> AbrSeries:
        """A new series in the next palette colour (the existing one if ``name`` is already drawn)."""
        if name not in self._series:
            colour = PALETTE[len(self._series) % len(PALETTE)]
            self._series[name] = AbrSeries(self, name, colour)
        return self._series[name]

    @property
    def series(self) -> dict[str, AbrSeries]:
        return dict(self._series)

    def set_capacity(self, times_s: Sequence[float], mbps: Sequence[float]) -> None:
        """The link's capacity (the network trace) as a grey step line behind the throughput samples."""
        self._capacity.setData(list(times_s), list(mbps))
        if len(times_s) and self.legend.getLabel(self._capacity) is None:
            self.legend.addItem(self._capacity, "link capacity")

    def clear(self) -> None:
        """Remove every series and the capacity line."""
        for series in self._series.values():
            series.remove()
        self._series.clear()
        self._capacity.setData([], [])
        self.legend.removeItem(self._capacity)
