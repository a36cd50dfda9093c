"""The studio mode's page: tabs for ingesting masters, the encoding job queue and the CDN panel."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget

from app.studio.ui.cdn_view import CdnView
from app.studio.ui.ingest_view import IngestView
from app.studio.ui.jobs_view import JobsView


class StudioPage(QTabWidget):
    def __init__(self) -> None:
        super().__init__()
        self.ingest = IngestView()
        self.jobs = JobsView()
        self.cdn = CdnView()
        self.addTab(self.ingest, "Ingest")
        self.addTab(self.jobs, "Encoding jobs")
        self.addTab(self.cdn, "CDN")
