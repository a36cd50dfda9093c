"""The distinct words users can search for, with how often they occur, held in memory per backend.

Typo candidates, split compounds and joined compounds are all looked up here rather than in the
database, so the SQLite and PostgreSQL indexes share one implementation of them.
"""

from __future__ import annotations

import bisect
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.backend.catalog.queries import browsable
from app.backend.db.models import Genre, Person, Title, TitleTag
from app.backend.search.text import words
from app.backend.search.typos import Candidate, TypoPool

# A shorter prefix stands for no word long enough to carry a typo (see typos.allowed_typos).
_MIN_TYPO_PREFIX = 4


class Vocabulary:
    """Folded words with their frequencies, indexed for exact, prefix and typo lookups."""

    def __init__(self, frequencies: Counter[str]) -> None:
        self._frequency = dict(frequencies)
        self._sorted = sorted(self._frequency)
        self._words = TypoPool(self._frequency)
        prefix_frequency: Counter[str] = Counter()
        for word, count in self._frequency.items():
            for end in range(_MIN_TYPO_PREFIX, len(word) + 1):
                prefix_frequency[word[:end]] += count
        self._prefixes = TypoPool(prefix_frequency)

    def __len__(self) -> int:
        return len(self._frequency)

    def frequency(self, word: str) -> int:
        return self._frequency.get(word, 0)

    def has_prefix(self, prefix: str) -> bool:
        """Whether some word starts with ``prefix`` (binary search over the sorted words)."""
        at = bisect.bisect_left(self._sorted, prefix)
        return at < len(self._sorted) and self._sorted[at].startswith(prefix)

    def typo_candidates(self, token: str, prefix: bool) -> list[Candidate]:
        """Words (or, for the word being typed, word prefixes) one or two typos away from ``token``."""
        return _drop_covered(self._prefixes.nearest(token)) if prefix else self._words.nearest(token)


class VocabularyCache:
    """One vocabulary per backend, rebuilt after a reindex or, at the latest, after ``ttl_s``.

    Reindexing in this process invalidates it at once; the time limit catches writes made by other
    processes on a shared PostgreSQL. A stale vocabulary only delays typo tolerance for new words:
    exact and prefix matches always come from the index itself.
    """

    def __init__(
        self,
        ttl_s: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        load: Callable[[Session], Vocabulary] | None = None,
    ) -> None:
        self._ttl_s = ttl_s
        self._clock = clock
        self._load = load or load_vocabulary
        self._lock = threading.Lock()
        self._vocabulary: Vocabulary | None = None
        self._built_at = 0.0

    def invalidate(self) -> None:
        with self._lock:
            self._vocabulary = None

    def get(self, session: Session) -> Vocabulary:
        with self._lock:
            if self._vocabulary is None or self._clock() - self._built_at > self._ttl_s:
                self._vocabulary = self._load(session)
                self._built_at = self._clock()
            return self._vocabulary


def load_vocabulary(session: Session) -> Vocabulary:
    """Count the words of every searchable field: names, people, genres and tags."""
    texts: Iterable[str] = [
        *session.scalars(select(Title.name).where(browsable())),
        *session.scalars(select(Person.name)),
        *session.scalars(select(Genre.name)),
        *session.scalars(select(TitleTag.tag)),
    ]
    return Vocabulary(Counter(word for text in texts for word in words(text)))


def _drop_covered(candidates: list[Candidate]) -> list[Candidate]:
    """A prefix that extends another candidate prefix matches nothing new, so it only costs time."""
    return [c for c in candidates if not any(c.word.startswith(o.word) and c is not o for o in candidates)]
