"""Start the desktop app: Qt application, shell window, and the backend it talks to."""

from __future__ import annotations

import argparse
import logging
import signal

from PySide6.QtCore import QLockFile, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from app.cli.errors import CommandError
from app.config import Settings, load_settings
from app.runtime import resource_path
from app.ui.backend_connection import BackendConnection, BackendState
from app.ui.main_window import MainWindow
from app.ui.shell_controller import ShellController

log = logging.getLogger(__name__)
LOCK_FILE_NAME = "desktop-app.lock"


def run_gui(args: argparse.Namespace) -> int:
    settings = load_settings(data_dir=args.data)
    lock = None
    if not args.backend:  # the embedded backend owns the data dir: check it and claim it first
        settings.ensure_dirs()
        lock = claim_data_dir(settings)
    app = QApplication.instance() or QApplication([])
    app.setApplicationName("Marquee")
    app.setDesktopFileName("marquee")  # matches resources/marquee.desktop (taskbar icon on Wayland)
    app.setWindowIcon(QIcon(str(resource_path("resources", "icons", "marquee.png"))))
    backend = BackendConnection(settings, remote_url=args.backend, token=args.token)
    window = MainWindow()
    ShellController(window, backend)
    app.aboutToQuit.connect(backend.stop)
    backend.state_changed.connect(lambda state, detail: log.info("backend %s: %s", state, detail))
    if args.quit_after is not None:
        quit_when_settled(app, window, backend, args.quit_after)
    signal.signal(signal.SIGTERM, lambda *_: app.quit())
    signal.signal(signal.SIGINT, lambda *_: app.quit())
    # Python only sees signals between Qt events; a light timer lets SIGTERM/SIGINT through promptly.
    ticker = QTimer()
    ticker.start(250)
    ticker.timeout.connect(lambda: None)
    window.show()
    log.info("main window shown")
    backend.start()
    try:
        return app.exec()
    finally:
        if lock is not None:
            lock.unlock()


def claim_data_dir(settings: Settings) -> QLockFile:
    """One desktop app per data dir: a second would run a second backend over the same database.

    A lock file left by a crashed app is taken over (Qt checks that its process is gone); age alone
    never makes it stale, since the app runs for hours.
    """
    lock = QLockFile(str(settings.data_dir / LOCK_FILE_NAME))
    lock.setStaleLockTime(0)
    if not lock.tryLock(0):
        raise CommandError(f"Marquee is already running for {settings.data_dir}")
    return lock


def quit_when_settled(
    app: QApplication, window: MainWindow, backend: BackendConnection, seconds: float
) -> None:
    """``--quit-after``: close the window ``seconds`` after the backend is ready (exit 1 if it failed).

    For smoke tests of a build, which must see the whole start and an orderly shutdown with no orphans.
    """

    def settled(state: str, _detail: str) -> None:
        if state == BackendState.READY:
            QTimer.singleShot(round(seconds * 1000), window.close)
        elif state == BackendState.FAILED:
            QTimer.singleShot(round(seconds * 1000), lambda: app.exit(1))

    backend.state_changed.connect(settled)
