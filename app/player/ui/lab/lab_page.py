"""ABR lab page: the lab view with its controller attached, ready to drop into any window."""

from __future__ import annotations

from app.player.ui.lab.lab_controller import LabController
from app.player.ui.lab.lab_view import LabView


class AbrLabPage(LabView):
    """Needs no backend: the lab runs the simulator locally, so the page works standalone."""

    def __init__(self) -> None:
        super().__init__()
        self.controller = LabController(self)
