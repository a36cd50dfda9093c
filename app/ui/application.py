"""Start the desktop app: Qt application, shell window, and the backend it talks to."""

from __future__ import annotations

import argparse
import signal

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from app.config import load_settings
from app.ui.backend_connection import BackendConnection
from app.ui.main_window import MainWindow
from app.ui.shell_controller import ShellController


def run_gui(args: argparse.Namespace) -> int:
    app = QApplication.instance() or QApplication([])
    app.setApplicationName("Marquee")
    settings = load_settings(data_dir=args.data)
    backend = BackendConnection(settings, remote_url=args.backend, token=args.token)
    window = MainWindow()
    ShellController(window, backend)
    app.aboutToQuit.connect(backend.stop)
    signal.signal(signal.SIGTERM, lambda *_: app.quit())
    signal.signal(signal.SIGINT, lambda *_: app.quit())
    # Python only sees signals between Qt events; a light timer lets SIGTERM/SIGINT through promptly.
    ticker = QTimer()
    ticker.start(250)
    ticker.timeout.connect(lambda: None)
    window.show()
    backend.start()
    return app.exec()
