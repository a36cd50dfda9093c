"""Run blocking work on Qt's thread pool and deliver its result back on the GUI thread by signal.

Widgets never call the network or the database directly on the event loop; they hand a function
to :func:`run_in_background` and update themselves in the callbacks.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)


class _Signals(QObject):
    result = Signal(object)
    error = Signal(str)


class _Task(QRunnable):
    def __init__(self, fn: Callable[[], Any]) -> None:
        super().__init__()
        self.fn = fn
        self.signals = _Signals()

    def run(self) -> None:
        try:
            value = self.fn()
        except Exception as exc:  # reported to the GUI, which shows it; never kills the pool thread
            log.debug("background task failed", exc_info=True)
            self._deliver(self.signals.error, str(exc) or type(exc).__name__)
        else:
            self._deliver(self.signals.result, value)

    @staticmethod
    def _deliver(signal: Signal, value: object) -> None:
        try:
            signal.emit(value)
        except RuntimeError:  # the app is quitting and the receiver is gone: nobody needs the result
            log.debug("dropped a background result after shutdown")


_live: set[_Task] = set()  # keeps tasks (and their signal objects) alive until they report


def run_in_background(
    fn: Callable[[], Any],
    on_result: Callable[[Any], None],
    on_error: Callable[[str], None] | None = None,
) -> None:
    """Run ``fn`` off the GUI thread; callbacks run on the GUI thread (queued signal delivery).

    Pass bound methods of widgets as callbacks: Qt drops the delivery if the widget is gone.
    """
    task = _Task(fn)
    task.setAutoDelete(False)
    _live.add(task)
    task.signals.result.connect(on_result)
    if on_error is not None:
        task.signals.error.connect(on_error)
    task.signals.result.connect(lambda _value: _live.discard(task))
    task.signals.error.connect(lambda _message: _live.discard(task))
    QThreadPool.globalInstance().start(task)
