"""A query as alternatives to match: typed words, their compounds and their typo candidates.

A plan is a disjunction of *readings* (the words as typed, or with two neighbours joined); a reading
is a conjunction of *terms*; a term is satisfied by any of its *alternatives* (the word itself, the
word split in two, or a word a typo or two away). Both databases render the same plan in their own
syntax, and highlighting replays it against the hit's text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from app.backend.search.vocabulary import Vocabulary

MIN_SPLIT = 4  # 'xmen' is the shortest compound worth splitting
MIN_HALF_OF_WORD = 3


@dataclass(frozen=True)
class Alternative:
    """Adjacent words to match in one field; with ``prefix`` the last one only has to start a word."""

    words: tuple[str, ...]
    prefix: bool
    typos: int = 0

    def matches_at(self, field: Sequence[str], at: int) -> int:
        """How many field words match starting at ``at`` (0 when they do not)."""
        if at + len(self.words) > len(field):
            return 0
        *whole, last = self.words
        if any(field[at + i] != word for i, word in enumerate(whole)):
            return 0
        final = field[at + len(whole)]
        matched = final.startswith(last) if self.prefix else final == last
        return len(self.words) if matched else 0


@dataclass(frozen=True)
class Term:
    alternatives: tuple[Alternative, ...]

    def may_start(self, word: str) -> bool:
        """A cheap first test for :meth:`Alternative.matches_at`: can any alternative begin here?

        Highlighting replays a plan over every tag of a title (hundreds on popular ones), so
        rejecting most words with one set lookup and one ``startswith`` keeps it fast.
        """
        whole, prefixes = self._first_words
        return word in whole or word.startswith(prefixes)

    @cached_property
    def _first_words(self) -> tuple[frozenset[str], tuple[str, ...]]:
        typed = tuple(a.words[0] for a in self.alternatives if a.prefix and len(a.words) == 1)
        return frozenset(a.words[0] for a in self.alternatives), typed


Reading = tuple[Term, ...]


@dataclass(frozen=True)
class QueryPlan:
    readings: tuple[Reading, ...]

    @cached_property
    def terms(self) -> frozenset[Term]:
        """Every distinct term of every reading."""
        return frozenset(term for reading in self.readings for term in reading)

    @property
    def has_typos(self) -> bool:
        return any(a.typos for reading in self.readings for term in reading for a in term.alternatives)

    def may_match(self, vocabulary: Vocabulary) -> bool:
        """Whether every term of some reading has an alternative made of known words."""
        return any(
            all(any(_known(a, vocabulary) for a in term.alternatives) for term in reading)
            for reading in self.readings
        )


def build_plan(tokens: Sequence[str], vocabulary: Vocabulary, typos: bool) -> QueryPlan:
    """The exact tier's plan, or with ``typos`` the fill tier's: the same plus typo candidates.

    The last token is the word being typed, so it (and whatever compound it ends) is a prefix.
    """
    last = len(tokens) - 1
    terms = tuple(_term(token, i == last, vocabulary, typos) for i, token in enumerate(tokens))
    readings = [terms]
    for i in range(last):
        joined = tokens[i] + tokens[i + 1]
        is_prefix = i + 1 == last
        if vocabulary.has_prefix(joined) if is_prefix else vocabulary.frequency(joined):
            compound = Term((Alternative((joined,), is_prefix),))
            readings.append((*terms[:i], compound, *terms[i + 2 :]))
    return QueryPlan(tuple(readings))


def _known(alternative: Alternative, vocabulary: Vocabulary) -> bool:
    *whole, last = alternative.words
    known_last = vocabulary.has_prefix(last) if alternative.prefix else vocabulary.frequency(last) > 0
    return known_last and all(vocabulary.frequency(w) for w in whole)


def _term(token: str, prefix: bool, vocabulary: Vocabulary, typos: bool) -> Term:
    alternatives = [Alternative((token,), prefix)]
    if split := _best_split(token, vocabulary):
        alternatives.append(split)
    if typos:
        candidates = vocabulary.typo_candidates(token, prefix=prefix)
        alternatives += [Alternative((c.word,), prefix, c.typos) for c in candidates]
    return Term(tuple(alternatives))


def _best_split(token: str, vocabulary: Vocabulary) -> Alternative | None:
    """'spiderman' → the phrase 'spider man', when both halves are words.

    A token that is a word itself is split only into halves of 3+ letters, so 'noon' is never
    searched as 'no on'. The halves are whole words: a phrase ending in a short prefix ('no on*')
    is costly to match and finds nothing anyone meant.
    """
    if len(token) < MIN_SPLIT:
        return None
    shortest = MIN_HALF_OF_WORD if vocabulary.frequency(token) else 1
    best: tuple[int, Alternative] | None = None
    for cut in range(shortest, len(token) - max(shortest, 2) + 1):
        left, right = token[:cut], token[cut:]
        score = min(vocabulary.frequency(left), vocabulary.frequency(right))
        if score and (best is None or score > best[0]):
            best = (score, Alternative((left, right), prefix=False))
    return best[1] if best else None
