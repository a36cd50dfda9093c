"""Wires the main window to the backend connection and the per-mode screens."""

from __future__ import annotations

from PySide6.QtCore import QObject

from app.player.ui.browse.browse_controller import BrowseController
from app.player.ui.browse.browse_page import BrowsePage
from app.studio.ui.cdn_controller import CdnController
from app.studio.ui.ingest_controller import IngestController
from app.studio.ui.jobs_controller import JobsController
from app.studio.ui.studio_page import StudioPage
from app.ui.about_dialog import AboutDialog
from app.ui.backend_connection import BackendConnection, BackendState
from app.ui.main_window import MODES, MainWindow
from app.ui.versions import component_versions


class ShellController(QObject):
    def __init__(self, window: MainWindow, backend: BackendConnection) -> None:
        super().__init__(window)
        self.window = window
        self.backend = backend
        self.backend_detail = "not started"
        self.browse = BrowseController(BrowsePage(), backend)
        self.studio = StudioPage()
        self.ingest = IngestController(self.studio.ingest, backend)
        self.jobs = JobsController(self.studio.jobs, backend)
        self.cdn = CdnController(self.studio.cdn, backend)
        window.add_mode_page("Player", self.browse.view)
        window.add_mode_page("Studio", self.studio)
        for mode in MODES:
            window.mode_actions[mode].triggered.connect(lambda _checked=False, m=mode: self._switch(m))
        window.about_action.triggered.connect(self._show_about)
        self.studio.currentChanged.connect(self._studio_tab_changed)
        self.ingest.submitted.connect(self._show_submitted_job)
        backend.state_changed.connect(self._on_backend_state)
        self.about: AboutDialog | None = None

    def _switch(self, mode: str) -> None:
        if mode != "Player":
            self.browse.player.pause()  # nobody watches a stream behind the studio
        self.window.show_mode(mode)
        self._studio_tab_changed(self.studio.currentIndex())

    def _studio_tab_changed(self, _index: int) -> None:
        """Only the visible studio tab polls the backend."""
        studio_visible = self.window.pages.currentWidget() is self.studio
        self.jobs.set_active(studio_visible and self.studio.currentWidget() is self.studio.jobs)
        self.cdn.set_active(studio_visible and self.studio.currentWidget() is self.studio.cdn)

    def _show_submitted_job(self, job_id: str) -> None:
        """After Encode, the queue shows the new job selected (switching tabs starts its polling)."""
        self.jobs.select_job(job_id)
        self.studio.setCurrentWidget(self.studio.jobs)

    def _on_backend_state(self, state: str, detail: str) -> None:
        self.backend_detail = detail
        self.window.backend_label.setText(f"backend: {state} — {detail}")
        if state == BackendState.READY:
            self.browse.backend_ready()
            self.jobs.backend_ready()
            self.cdn.backend_ready()

    def _show_about(self) -> None:
        self.about = AboutDialog(component_versions(), self.backend_detail, self.window)
        self.about.open()
