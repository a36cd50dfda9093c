"""What the workflow's activities need from the catalog, as a protocol the backend implements.

Keeping the database behind this seam lets the studio's activities run in the backend process (embedded)
or on an encoding host (remote) without importing the backend, and lets tests watch what a job records.
"""

from __future__ import annotations

from typing import Any, Protocol

from app.studio.media.index import PackageIndex


class JobStore(Protocol):
    def start_job(self, job_id: str) -> bool:
        """QUEUED → RUNNING; False when the job already ended (cancelled before it ran)."""

    def report(self, job_id: str, part: str, data: dict[str, Any]) -> None:
        """Replace one part of the job's progress (``step:<name>``, ``rung:<id>``, ``note:<key>``)."""

    def publish(self, job_id: str, index: PackageIndex) -> bool:
        """Record the renditions, mark the title PLAYABLE and the job SUCCEEDED in one transaction.

        False (and nothing written) when the job is no longer active, e.g. cancelled meanwhile.
        """

    def end_job(self, job_id: str, status: str, error: str) -> bool:
        """Mark an active job FAILED, NEEDS_REVIEW or CANCELLED; False when it had already ended."""

    def preposition(self, title_id: str) -> str:
        """Ask for the new title to be pushed to the edges; returns what was done, for the job record."""
