"""CDN panel (controller): polls the servers' state and injects the faults the buttons name."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QTableWidgetItem

from app.studio.ui.cdn_view import CHAOS_ACTIONS, CdnView
from app.ui.backend_connection import BackendConnection
from app.ui.polling import PollingController
from app.ui.tasks import run_in_background

POLL_MS = 2000


def fault_summary(faults: dict[str, Any]) -> str:
    return ", ".join(f"{name} {value}" for name, value in faults.items() if value) or "none"


def server_cells(server: dict[str, Any]) -> tuple[str, ...]:
    metrics = server.get("metrics") or {}
    return (
        server["name"],
        "up" if server["alive"] else "DOWN",
        f"{100 * float(metrics.get('hitRatio', 0.0)):.0f} %",
        str(metrics.get("inFlight", 0)),
        f"{float(metrics.get('bytesPerSecond', 0.0)) / 1e6:.1f}",
        str(metrics.get("objects", "")),
        str(server["restarts"]),
        fault_summary(server.get("faults") or {}),
    )


class CdnController(PollingController):
    poll_ms = POLL_MS

    def __init__(self, view: CdnView, backend: BackendConnection) -> None:
        super().__init__(view, backend)
        self.view = view
        for label, faults in CHAOS_ACTIONS:
            view.chaos_buttons[label].clicked.connect(lambda _checked=False, f=faults: self._apply(f))

    def _fetch(self) -> list[dict[str, Any]]:
        with self.backend.client() as client:
            return client.cdn_servers()

    def _show(self, servers: list[dict[str, Any]]) -> None:
        selected = self.view.selected_server()
        self.view.table.setRowCount(len(servers))
        for row, server in enumerate(servers):
            for column, text in enumerate(server_cells(server)):
                self.view.table.setItem(row, column, QTableWidgetItem(text))
            if server["name"] == selected:
                self.view.table.selectRow(row)
        self.view.message.setText(f"{len(servers)} servers")

    def _show_error(self, message: str) -> None:
        self.view.message.setText(f"CDN unavailable: {message}")

    def _apply(self, faults: dict | None) -> None:
        name = self.view.selected_server()
        if name is None:
            self.view.message.setText("Select a server first.")
            return
        backend = self.backend

        def act() -> str:
            with backend.client() as client:
                if faults is None:
                    client.kill_server(name)
                    return f"{name} killed; the supervisor restarts it"
                if faults:
                    client.inject_faults(name, faults)
                    return f"{name}: {fault_summary(faults)}"
                client.clear_faults(name)
                return f"{name}: faults cleared"

        run_in_background(act, self._acted, self._show_error)

    def _acted(self, message: str) -> None:
        self.view.message.setText(message)
        self.refresh()
