"""Ladder preview (controller): fetches the selected job's planned ladder off the GUI thread and draws
the shot the user picks."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject

from app.client.api import ApiError
from app.studio.ui.ladder_view import LadderView
from app.studio.ui.models.ladder_plot import (
    ladder_plot,
    rung_cells,
    shot_bars,
    shot_choices,
    shot_label,
)
from app.ui.backend_connection import BackendConnection
from app.ui.tasks import run_in_background

NOT_PLANNED = "ladder_not_planned"


class LadderController(QObject):
    def __init__(self, view: LadderView, backend: BackendConnection) -> None:
        super().__init__(view)
        self.view = view
        self.backend = backend
        self._job_id: str | None = None
        self._ladder: dict[str, Any] | None = None
        view.shot_combo.currentIndexChanged.connect(self._draw_selected_shot)

    def show_job(self, job_id: str | None) -> None:
        """Show ``job_id``'s ladder; fetched again only until the job has one (the plan step ran)."""
        if job_id == self._job_id and self._ladder is not None:
            return
        if job_id != self._job_id:
            self._job_id = job_id
            self._clear("Select a job to see its ladder." if job_id is None else "Loading the ladder…")
        if job_id is None:
            return
        backend = self.backend

        def fetch() -> tuple[str, dict[str, Any] | None, str]:
            """The job, its ladder (None until planned) and why it could not be read (carried with the
            job id, so an answer about a job no longer selected is dropped)."""
            with backend.client() as client:
                try:
                    return job_id, client.job_ladder(job_id), ""
                except ApiError as exc:
                    return job_id, None, "" if exc.code == NOT_PLANNED else str(exc)

        run_in_background(fetch, self._fetched, self._show_error)

    def show_ladder(self, ladder: dict[str, Any]) -> None:
        """Draw a ladder (the ``LadderView`` JSON of the content API): rungs, shot choices, curves."""
        self._ladder = ladder
        view = self.view
        view.set_rungs([rung_cells(rung) for rung in ladder["rungs"]])
        view.shot_combo.blockSignals(True)
        view.shot_combo.clear()
        for shot in shot_choices(ladder):
            view.shot_combo.addItem(shot_label(ladder, shot), shot)
        view.shot_combo.blockSignals(False)
        view.shot_combo.setEnabled(view.shot_combo.count() > 1)
        self._draw_selected_shot()

    def _fetched(self, outcome: tuple[str, dict[str, Any] | None, str]) -> None:
        job_id, ladder, error = outcome
        if job_id != self._job_id:
            return
        if error:
            self._show_error(error)
        elif ladder is None:
            self._clear("No ladder yet: the job plans it after validating and analysing the master.")
        else:
            self.show_ladder(ladder)

    def _draw_selected_shot(self) -> None:
        ladder = self._ladder
        if ladder is None:
            return
        shot = self.view.shot_combo.currentData()
        plot = ladder_plot(ladder, shot)
        self.view.draw(plot, ladder.get("metric") or "quality")
        self.view.draw_shots(shot_bars(ladder), shot)
        rungs = f"{ladder['mode']} ladder, {len(ladder['rungs'])} rungs"
        if not ladder.get("points"):
            self.view.message.setText(f"{rungs}. No trial encodes were measured for this ladder mode.")
        elif not plot.curves:
            self.view.message.setText(f"{rungs}. No measurements for {shot_label(ladder, shot).lower()}.")
        else:
            hull_points = sum(len(h.bitrates_kbps) for h in plot.hulls)
            self.view.message.setText(
                f"{rungs}; {len(plot.curves)} resolutions measured, {hull_points} points on the hull."
            )

    def _show_error(self, message: str) -> None:
        self._clear(f"Could not load the ladder: {message}")

    def _clear(self, message: str) -> None:
        self._ladder = None
        self.view.set_rungs([])
        self.view.shot_combo.clear()
        self.view.clear_plot()
        self.view.draw_shots([], None)
        self.view.message.setText(message)
