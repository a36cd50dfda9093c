"""Typo tolerance after Meilisearch's rules: how many typos a word may carry, and its candidate words."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

ONE_TYPO_FROM = 5
TWO_TYPOS_FROM = 9
MAX_CANDIDATES = 8
_SIGNATURE_SLOTS = 32
_MAX_COUNT = 63  # counts are clipped so signatures fit int8 and their differences cannot overflow


@dataclass(frozen=True)
class Candidate:
    word: str
    typos: int
    frequency: int


def allowed_typos(typed: int, word: int) -> int:
    """1 typo from 5 letters, 2 from 9, counting the longer of the typed token and the word.

    Meilisearch counts only what was typed; counting the word too forgives a letter dropped from a
    5-letter word ('girs' for 'girls'), the commonest typo its rule cannot see. Shorter words get no
    typo at all: they have too many neighbours.
    """
    longer = max(typed, word)
    budget = 2 if longer >= TWO_TYPOS_FROM else 1 if longer >= ONE_TYPO_FROM else 0
    return budget if abs(typed - word) <= budget else 0


class TypoPool:
    """Words to find typo neighbours among, with letter-count signatures to skip most of them cheaply.

    One edit changes a word's letter counts by at most 2 in L1 distance (a swap by 0), so a word
    whose counts differ from the token's by more than twice the budget cannot be within it. That
    numpy pass over the words of plausible length leaves a few dozen for the exact distance.
    """

    def __init__(self, frequency: Mapping[str, int]) -> None:
        self._words = sorted(frequency, key=len)
        self._frequency = frequency
        self._lengths = np.array([len(w) for w in self._words], dtype=np.int32)
        self._signatures = _signatures(self._words)

    def nearest(self, token: str) -> list[Candidate]:
        """Words within budget by optimal string alignment (a swapped pair of letters is one typo)."""
        typed = len(token)
        by_length = {n: b for n in range(typed - 2, typed + 3) if (b := allowed_typos(typed, n))}
        if not by_length:
            return []
        shortest, longest = min(by_length), max(by_length)
        start, stop = np.searchsorted(self._lengths, [shortest, longest + 1])
        budget = np.array([by_length.get(n, 0) for n in range(shortest, longest + 1)], dtype=np.int16)
        budget = budget[self._lengths[start:stop] - shortest]
        difference = np.abs(self._signatures[:, start:stop] - _signatures([token]))
        close = difference.sum(axis=0, dtype=np.int16) <= 2 * budget
        found = [
            Candidate(word, int(typos), self._frequency[word])
            for word, typos, _ in process.extract(
                token,
                [self._words[start + i] for i in np.flatnonzero(close)],
                scorer=OSA.distance,
                score_cutoff=max(by_length.values()),
                limit=None,
            )
            if 0 < typos <= by_length[len(word)]
        ]
        found.sort(key=lambda c: (c.typos, -c.frequency, c.word))
        return found[:MAX_CANDIDATES]


def _signatures(words: list[str]) -> np.ndarray:
    """How many characters of each word fall in each of 32 code-point slots: one row per slot, so
    comparing a token sums 32 contiguous rows instead of reducing along a short axis."""
    lengths = np.array([len(w) for w in words], dtype=np.int64)
    codes = np.frombuffer("".join(words).encode("utf-32-le"), dtype=np.uint32) % _SIGNATURE_SLOTS
    counts = np.zeros((_SIGNATURE_SLOTS, len(words)), dtype=np.int16)
    np.add.at(counts, (codes, np.repeat(np.arange(len(words)), lengths)), 1)
    return np.minimum(counts, _MAX_COUNT).astype(np.int8)
