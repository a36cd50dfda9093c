"""Posters fetched off the GUI thread through a small queue, kept as pixmaps in an LRU cache.

A home page holds a couple of hundred cards; fetching every poster at once would flood the thread
pool (and the backend) before the first visible card got its image. Controllers ask only for the
posters of cards on screen, at most ``concurrency`` downloads run at a time, and decoding plus
scaling happen in the worker (``QImage`` is thread-safe; ``QPixmap`` is not, so the conversion to a
pixmap is the only step left on the GUI thread).
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable
from functools import partial

from PySide6.QtCore import QObject, QSize, Qt, Signal
from PySide6.QtGui import QImage, QPixmap

from app.client.api import ApiClient
from app.ui.tasks import run_in_background

log = logging.getLogger(__name__)

CARD_POSTER = QSize(150, 225)
DEFAULT_CAPACITY = 256
DEFAULT_CONCURRENCY = 3


def fetch_scaled(client: Callable[[], ApiClient], title_id: str, size: QSize) -> tuple[str, QImage | None]:
    """Download and scale one poster (worker thread); ``None`` when it cannot be had.

    A poster is decoration: any failure leaves the card's placeholder in place instead of an error.
    """
    try:
        with client() as api:
            data = api.poster(title_id)
    except Exception:
        log.debug("poster %s not loaded", title_id, exc_info=True)
        return title_id, None
    image = QImage.fromData(data)
    if image.isNull():
        return title_id, None
    smooth = Qt.TransformationMode.SmoothTransformation
    return title_id, image.scaled(size, Qt.AspectRatioMode.KeepAspectRatio, smooth)


class PosterLoader(QObject):
    """Loads posters of one display size; every request ends in :attr:`loaded` (unless it fails)."""

    loaded = Signal(str, QPixmap)  # title id, poster scaled to ``size``

    def __init__(
        self,
        client: Callable[[], ApiClient],
        size: QSize = CARD_POSTER,
        capacity: int = DEFAULT_CAPACITY,
        concurrency: int = DEFAULT_CONCURRENCY,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.size = size
        self.capacity = capacity
        self.concurrency = concurrency
        self._client = client
        self._cache: OrderedDict[str, QPixmap] = OrderedDict()
        self._queue: OrderedDict[str, None] = OrderedDict()  # an ordered set: FIFO without duplicates
        self._in_flight: set[str] = set()

    def request(self, title_id: str) -> None:
        """Emit the poster now if cached, else queue its download (once, however often asked)."""
        pixmap = self._cache.get(title_id)
        if pixmap is not None:
            self._cache.move_to_end(title_id)
            self.loaded.emit(title_id, pixmap)
        elif title_id not in self._in_flight:
            self._queue[title_id] = None
            self._pump()

    def drop_queued(self) -> None:
        """Forget requests not started yet: the cards that asked for them are gone (e.g. a new profile)."""
        self._queue.clear()

    def cached_count(self) -> int:
        return len(self._cache)

    def _pump(self) -> None:
        while self._queue and len(self._in_flight) < self.concurrency:
            title_id, _ = self._queue.popitem(last=False)
            self._in_flight.add(title_id)
            run_in_background(partial(fetch_scaled, self._client, title_id, self.size), self._on_fetched)

    def _on_fetched(self, result: tuple[str, QImage | None]) -> None:
        title_id, image = result
        self._in_flight.discard(title_id)
        if image is not None:
            pixmap = QPixmap.fromImage(image)
            self._cache[title_id] = pixmap
            while len(self._cache) > self.capacity:
                self._cache.popitem(last=False)
            self.loaded.emit(title_id, pixmap)
        self._pump()
