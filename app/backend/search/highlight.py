"""Explain a hit: which text of the title the query matched, and where (replaying the plan in Python).

The database only says *that* a title matched; replaying the same plan over the title's texts names
the field for ``matchType`` and gives the spans to highlight, identically on both databases.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from app.backend.search.base import FieldName, Highlight, MatchType
from app.backend.search.plan import Alternative, QueryPlan, Term
from app.backend.search.text import WordSpan, original_length, word_spans, words

Span = tuple[int, int]


def name_explains(name: str, plan: QueryPlan) -> bool:
    """Whether the name alone matches a whole reading, so the other texts need not be fetched."""
    spans = list(word_spans(name))
    return any(all(_term_spans(name, spans, term) for term in reading) for reading in plan.readings)


def explain(
    name: str, side_texts: Iterable[tuple[FieldName, str]], plan: QueryPlan, typo_tier: bool
) -> tuple[MatchType, Highlight]:
    """The text covering most query terms wins; on a tie the name beats people, genres and tags."""
    best: tuple[int, Highlight] | None = None
    for field, text in (("title", name), *side_texts):
        covered, spans = _best_reading(text, plan)
        if covered and (best is None or covered > best[0]):
            best = (covered, Highlight(field, text, spans))
    highlight = best[1] if best else Highlight("title", name, ())
    return ("typo" if typo_tier else highlight.field), highlight


def _best_reading(text: str, plan: QueryPlan) -> tuple[int, tuple[Span, ...]]:
    """How many terms of the best-covered reading match ``text``, and the spans they match."""
    if not any(term.may_start(word) for word in words(text) for term in plan.terms):
        return 0, ()  # most tags of a title: rejected before the costlier positional replay
    spans = list(word_spans(text))
    best: tuple[int, list[Span]] = (0, [])
    for reading in plan.readings:
        found = [_term_spans(text, spans, term) for term in reading]
        covered = sum(1 for f in found if f)
        if covered > best[0]:
            best = (covered, [s for f in found for s in f])
    return best[0], tuple(_merge(best[1]))


def _term_spans(text: str, spans: Sequence[WordSpan], term: Term) -> list[Span]:
    folded = [s.folded for s in spans]
    return [
        _span(text, spans[at : at + count], alternative)
        for at, word in enumerate(folded)
        if term.may_start(word)
        for alternative in term.alternatives
        if (count := alternative.matches_at(folded, at))
    ]


def _span(text: str, matched: Sequence[WordSpan], alternative: Alternative) -> Span:
    """Whole words, except that a typed prefix marks only the letters typed so far."""
    first, last = matched[0], matched[-1]
    end = last.end
    if alternative.prefix:
        end = last.start + original_length(text[last.start : last.end], len(alternative.words[-1]))
    return first.start, end


def _merge(spans: list[Span]) -> Iterator[Span]:
    current: Span | None = None
    for start, end in sorted(spans):
        if current and start <= current[1]:
            current = (current[0], max(current[1], end))
            continue
        if current:
            yield current
        current = (start, end)
    if current:
        yield current
