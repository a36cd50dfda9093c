"""Ingest panel (controller): probes each master off the GUI thread, shows its report, submits encodes.

A master is submitted only after the real probe accepted it, with the same request the headless
``ingest`` command sends (:mod:`app.client.ingest`).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QFileDialog, QListWidgetItem, QTableWidgetItem

from app.client.ingest import IngestRequest, submit, title_from_file
from app.client.upload import STATE_FOLDER, ResumableUploader, backend_reads_local_files
from app.studio.ui.ingest_view import ACCEPTED_STYLE, REJECTED_STYLE, IngestView
from app.studio.ui.models.master_check import MasterCheck, check_master, rejection_text, report_lines
from app.ui.backend_connection import BackendConnection
from app.ui.tasks import run_in_background

MASTER_FILTER = "Video files (*.mp4 *.m4v *.mov *.mkv *.mxf *.webm *.avi *.ts);;All files (*)"
REJECTED_COLOUR = QColor("#d93025")


class IngestController(QObject):
    submitted = Signal(str)  # the new encoding job's id
    # (phase, percent) of a resumable upload, emitted on the upload's thread, shown on the GUI thread
    upload_progress = Signal(str, float)

    def __init__(self, view: IngestView, backend: BackendConnection) -> None:
        super().__init__(view)
        self.view = view
        self.backend = backend
        self._checks: dict[Path, MasterCheck | None] = {}  # None while the probe runs
        self._probe_round = 0  # bumped when "allow silent" changes: older verdicts are stale
        self._submitting = False
        self._titled_master: Path | None = None  # the master whose default title the title field got
        view.drop_zone.files_dropped.connect(self.add_masters)
        view.choose_button.clicked.connect(self._choose_files)
        view.masters.currentItemChanged.connect(lambda *_: self._show_selected())
        view.allow_silent.toggled.connect(self._reprobe_all)
        view.title_edit.textChanged.connect(self._update_encode_button)
        for box in view.codec_boxes.values():
            box.toggled.connect(self._update_encode_button)
        view.encode_button.clicked.connect(self._encode)
        self.upload_progress.connect(self._show_upload_progress)

    def add_masters(self, paths: list[Path]) -> None:
        """List the masters (once each) and probe the new ones; the last one added is selected."""
        for path in paths:
            path = path.resolve()
            if path not in self._checks:
                item = QListWidgetItem()
                item.setData(Qt.ItemDataRole.UserRole, path)
                self.view.masters.addItem(item)
                self._probe(path)
            self.view.masters.setCurrentItem(self._item(path))

    def check(self, path: Path) -> MasterCheck | None:
        """The latest verdict on a listed master (None while it is being probed)."""
        return self._checks.get(path.resolve())

    def _choose_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self.view, "Choose master files", "", MASTER_FILTER)
        self.add_masters([Path(name) for name in names])

    def _probe(self, path: Path) -> None:
        self._checks[path] = None
        self._show_item(path)
        allow_silent, probe_round = self.view.allow_silent.isChecked(), self._probe_round
        run_in_background(
            lambda: (probe_round, check_master(path, allow_silent=allow_silent)),
            self._probed,
            self._probe_failed,
        )

    def _probed(self, outcome: tuple[int, MasterCheck]) -> None:
        probe_round, check = outcome
        if probe_round != self._probe_round or check.path not in self._checks:
            return
        self._checks[check.path] = check
        self._show_item(check.path)
        if check.path == self.view.selected_master():
            self._show_selected()

    def _probe_failed(self, message: str) -> None:
        """Not a verdict on the master (those come back as checks) but the probe itself breaking."""
        self._set_message(f"Could not probe: {message}", error=True)

    def _reprobe_all(self) -> None:
        self._probe_round += 1
        for path in self._checks:
            self._probe(path)
        self._show_selected()

    def _item(self, path: Path) -> QListWidgetItem:
        rows = range(self.view.masters.count())
        return next(
            item for item in map(self.view.masters.item, rows) if item.data(Qt.ItemDataRole.UserRole) == path
        )

    def _show_item(self, path: Path) -> None:
        item, check = self._item(path), self._checks[path]
        if check is None:
            item.setText(f"… {path.name} (probing)")
        elif check.accepted:
            item.setText(f"✔ {path.name}")
            item.setData(Qt.ItemDataRole.ForegroundRole, None)
        else:
            item.setText(f"✖ {path.name} ({check.error_code})")
            item.setForeground(REJECTED_COLOUR)

    def _show_selected(self) -> None:
        path = self.view.selected_master()
        check = self._checks.get(path) if path is not None else None
        view = self.view
        view.report.setRowCount(0)
        if path is None:
            view.verdict.setText("Drop or choose a master to validate it.")
            view.verdict.setStyleSheet("")
        elif check is None:
            view.verdict.setText(f"Probing {path.name}…")
            view.verdict.setStyleSheet("")
        elif check.accepted:
            view.verdict.setText(f"{path.name} is accepted")
            view.verdict.setStyleSheet(ACCEPTED_STYLE)
            lines = report_lines(check.info)
            view.report.setRowCount(len(lines))
            for row, line in enumerate(lines):
                view.report.setItem(row, 0, QTableWidgetItem(line.label))
                view.report.setItem(row, 1, QTableWidgetItem(line.value))
        else:
            view.verdict.setText(f"{path.name}: {rejection_text(check)}")
            view.verdict.setStyleSheet(REJECTED_STYLE)
        if path is not None and path != self._titled_master:  # keep a title the user typed for this one
            self._titled_master = path
            view.title_edit.setText(title_from_file(path))
        self._update_encode_button()

    def _update_encode_button(self) -> None:
        path = self.view.selected_master()
        check = self._checks.get(path) if path is not None else None
        ready = (
            check is not None
            and check.accepted
            and bool(self.view.title_edit.text().strip())
            and bool(self.view.chosen_codecs())
            and not self._submitting
        )
        self.view.encode_button.setEnabled(ready)

    def _encode(self) -> None:
        path = self.view.selected_master()
        check = self._checks.get(path) if path is not None else None
        if check is None or not check.accepted:  # the button is disabled then; a stale click does nothing
            return
        view = self.view
        request = IngestRequest(
            path=check.path,
            title=view.title_edit.text().strip(),
            ladder=view.ladder_combo.currentText(),
            codecs=view.chosen_codecs(),
            gpu=view.gpu_combo.currentText(),
            allow_silent=view.allow_silent.isChecked(),
        )
        backend = self.backend
        upload = view.upload_box.isChecked() or not backend_reads_local_files(backend.remote_url)
        state_dir = backend.settings.data_dir / STATE_FOLDER

        def report(phase: str, done: int, total: int) -> None:
            self.upload_progress.emit(phase, 100.0 * done / total if total else 100.0)

        def send() -> tuple[IngestRequest, str]:
            """Upload first when the backend cannot read the file (resumable: a retry continues it)."""
            with backend.client() as client:
                uploaded = None
                if upload:
                    uploaded = ResumableUploader(client, state_dir, on_progress=report).upload(request.path)
                return request, submit(client, request, uploaded.master_file_url if uploaded else None)

        self._submitting = True
        self._update_encode_button()
        self._set_message(f"Submitting {request.title}…")
        run_in_background(send, self._submitted, self._submit_failed)

    def _show_upload_progress(self, phase: str, percent: float) -> None:
        action = "Checksumming" if phase == "hash" else "Uploading"
        self._set_message(f"{action} the master… {percent:.0f}%")

    def _submitted(self, outcome: tuple[IngestRequest, str]) -> None:
        request, job_id = outcome
        self._submitting = False
        self._update_encode_button()
        self._set_message(f"Encoding job {job_id} queued for {request.resolved_title_id}.")
        self.submitted.emit(job_id)

    def _submit_failed(self, message: str) -> None:
        self._submitting = False
        self._update_encode_button()
        self._set_message(f"Not submitted: {message}", error=True)

    def _set_message(self, text: str, *, error: bool = False) -> None:
        self.view.message.setText(text)
        self.view.message.setStyleSheet(REJECTED_STYLE if error else "")
