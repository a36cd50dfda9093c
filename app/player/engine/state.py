"""The player's state machine (DESIGN.md flow 2) and the transitions it allows."""

from __future__ import annotations

from enum import StrEnum


class PlayerState(StrEnum):
    INITIALIZING = "INITIALIZING"
    BUFFERING = "BUFFERING"
    PLAYING = "PLAYING"
    PAUSED = "PAUSED"
    SEEKING = "SEEKING"
    ENDED = "ENDED"
    ERROR = "ERROR"


_S = PlayerState
ALLOWED: dict[PlayerState, frozenset[PlayerState]] = {
    _S.INITIALIZING: frozenset({_S.BUFFERING, _S.ERROR, _S.ENDED}),
    _S.BUFFERING: frozenset({_S.PLAYING, _S.PAUSED, _S.SEEKING, _S.ERROR, _S.ENDED}),
    _S.PLAYING: frozenset({_S.BUFFERING, _S.PAUSED, _S.SEEKING, _S.ERROR, _S.ENDED}),
    _S.PAUSED: frozenset({_S.PLAYING, _S.BUFFERING, _S.SEEKING, _S.ERROR, _S.ENDED}),
    _S.SEEKING: frozenset({_S.BUFFERING, _S.PAUSED, _S.ERROR, _S.ENDED}),
    _S.ERROR: frozenset({_S.BUFFERING, _S.ENDED}),  # retry, or give up after the last retry
    _S.ENDED: frozenset(),
}


class IllegalTransition(RuntimeError):
    pass


def check_transition(old: PlayerState, new: PlayerState) -> None:
    """Raise when the state machine has no arrow from ``old`` to ``new`` (a bug in the engine)."""
    if new != old and new not in ALLOWED[old]:
        raise IllegalTransition(f"{old} → {new}")
