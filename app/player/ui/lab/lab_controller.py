"""ABR lab (controller): fills the pickers, runs the lab service off the GUI thread and draws its result."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QFileDialog, QListWidgetItem, QTableWidgetItem

from app.player.abr import available_controllers
from app.player.lab import ControllerRun, LabResult, capacity_steps, run_lab, shared_trace_files
from app.player.network import PROFILES, load_network
from app.player.ui.abr_plots import AbrPoint
from app.player.ui.lab.lab_view import LabView
from app.ui.tasks import run_in_background

PRESELECTED = ("default", "mpc")
OPEN_FILE = "open-file"  # the picker entry's data: not a network spec
SPEC_ROLE = Qt.ItemDataRole.UserRole


def session_points(run: ControllerRun, segment_seconds: float) -> list[AbrPoint]:
    """A session as plot points: the buffer's sawtooth (draining while downloading, flat at zero
    while stalled, jumping by a segment on arrival), throughput samples on arrival, and the
    estimate and chosen bitrate at each decision."""
    points = []
    for record in run.timeline:
        estimate = record.estimate_kbps / 1000 if record.estimate_kbps is not None else None
        points.append(AbrPoint(record.time_s, record.buffer_before_s, None, estimate, record.bitrate_kbps))
        if record.stall_interval is not None:
            points.append(AbrPoint(record.stall_interval[0], buffer_s=0.0))
        drained = max(record.buffer_after_s - segment_seconds, 0.0)
        points.append(AbrPoint(record.arrival_s, drained, record.throughput_kbps / 1000))
        points.append(AbrPoint(record.arrival_s, buffer_s=record.buffer_after_s))
    return points


def summary_cells(run: ControllerRun, share: float | None) -> tuple[str, ...]:
    result = run.result
    return (
        run.name,
        f"{result.qoe:.1f}",
        f"{100 * share:.0f} %" if share is not None else "–",
        f"{result.avg_bitrate_kbps:.0f}",
        f"{result.rebuffer_s:.2f}",
        str(result.switches),
        f"{result.startup_s:.2f}",
    )


def decision_log(run: ControllerRun) -> str:
    lines = [f"{run.name}: {len(run.timeline)} segments"]
    for r in run.timeline:
        stall = f"  STALL {r.stall_s:.1f} s" if r.stall_s > 0 else ""
        lines.append(
            f"{r.time_s:7.1f} s  #{r.index:<3} buffer {r.buffer_before_s:5.1f} s → {r.bitrate_kbps:>5} kb/s"
            f"  (got {r.throughput_kbps / 1000:.2f} Mb/s){stall}  {r.reason}"
        )
    return "\n".join(lines)


class LabController(QObject):
    """One run at a time: Run is disabled until the current one reports."""

    def __init__(self, view: LabView) -> None:
        super().__init__(view)
        self.view = view
        self.result: LabResult | None = None
        self._fill_traces()
        self._fill_controllers()
        view.trace_picker.activated.connect(self._trace_activated)
        view.trace_picker.currentIndexChanged.connect(self._describe_trace)
        view.run_button.clicked.connect(self.run)
        view.table.itemSelectionChanged.connect(self._show_decisions)
        self._describe_trace()

    def select_trace(self, spec: str) -> None:
        """Pick a network by spec (a profile name or a trace file path), adding a file if it is new."""
        index = self.view.trace_picker.findData(spec, SPEC_ROLE)
        if index < 0:
            index = self.view.trace_picker.count() - 1  # just above "Open file…"
            self.view.trace_picker.insertItem(index, Path(spec).name, spec)
        self.view.trace_picker.setCurrentIndex(index)

    def run(self) -> None:
        spec = self.view.trace_picker.currentData(SPEC_ROLE)
        names = self.view.checked_controllers()
        if not names:
            self.view.status.setText("Tick at least one controller.")
            return
        if not spec or spec == OPEN_FILE:
            self.view.status.setText("Pick a network first.")
            return
        self.view.run_button.setEnabled(False)
        self.view.status.setText(f"Running {', '.join(names)} over {Path(spec).name}…")
        run_in_background(lambda: run_lab(load_network(spec), names), self._show, self._show_error)

    def _fill_traces(self) -> None:
        picker = self.view.trace_picker
        for name, description in PROFILES.items():
            picker.addItem(name, name)
            picker.setItemData(picker.count() - 1, description, Qt.ItemDataRole.ToolTipRole)
        for set_name, files in shared_trace_files().items():
            picker.insertSeparator(picker.count())
            for path in files:
                picker.addItem(f"{set_name} / {path.name}", str(path))
        picker.insertSeparator(picker.count())
        picker.addItem("Open file…", OPEN_FILE)

    def _fill_controllers(self) -> None:
        for name in available_controllers():
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = name in PRESELECTED
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.view.controller_list.addItem(item)

    def _trace_activated(self, index: int) -> None:
        if self.view.trace_picker.itemData(index, SPEC_ROLE) != OPEN_FILE:
            return
        path, _ = QFileDialog.getOpenFileName(self.view, "Open a Pensieve trace (time_s, Mb/s per line)")
        if path:
            self.select_trace(path)
        else:
            self.view.trace_picker.setCurrentIndex(0)

    def _describe_trace(self) -> None:
        spec = self.view.trace_picker.currentData(SPEC_ROLE)
        self.view.trace_info.setText(PROFILES.get(spec, "Recorded trace" if spec != OPEN_FILE else ""))

    def _show(self, result: LabResult) -> None:
        self.result = result
        self.view.run_button.setEnabled(True)
        self._draw(result)
        table = self.view.table
        table.setRowCount(len(result.runs))
        for row, run in enumerate(result.runs.values()):
            for column, text in enumerate(summary_cells(run, result.share_of_optimum(run.name))):
                table.setItem(row, column, QTableWidgetItem(text))
        table.resizeColumnsToContents()
        best = f"optimum QoE {result.optimum_qoe:.1f}" if result.optimum_qoe is not None else "no optimum"
        self.view.status.setText(f"{result.trace.name}: {best} ({result.optimum_note}).")
        table.selectRow(0)

    def _draw(self, result: LabResult) -> None:
        plots = self.view.plots
        plots.clear()
        end = max(run.timeline[-1].arrival_s for run in result.runs.values())
        plots.set_capacity(*capacity_steps(result.trace, end))
        for run in result.runs.values():
            rebuffers = [r.stall_interval for r in run.timeline if r.stall_interval is not None]
            plots.add_series(run.name).set(session_points(run, result.video.segment_seconds), rebuffers)

    def _show_decisions(self) -> None:
        rows = self.view.table.selectionModel().selectedRows()
        if self.result is None or not rows:
            return
        name = self.view.table.item(rows[0].row(), 0).text()
        self.view.decisions.setPlainText(decision_log(self.result.runs[name]))

    def _show_error(self, message: str) -> None:
        self.view.run_button.setEnabled(True)
        self.view.status.setText(f"Lab run failed: {message}")
