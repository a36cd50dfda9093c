"""Ticketing for background requests, so a slow answer never overwrites a newer one on screen."""

from __future__ import annotations


class LatestRequest:
    """Hands out increasing tickets; only the answer carrying the newest ticket is current.

    Searching as you type, switching profiles or opening titles quickly all start requests whose
    answers can arrive out of order; each fetch returns its ticket with its payload and the
    controller drops answers for which :meth:`is_latest` is false.
    """

    def __init__(self) -> None:
        self._latest = 0

    def start(self) -> int:
        self._latest += 1
        return self._latest

    def is_latest(self, ticket: int) -> bool:
        return ticket == self._latest
