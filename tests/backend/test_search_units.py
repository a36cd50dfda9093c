"""The parts of search that need no database: typo budgets, candidates, plans, syntax, highlights."""

from __future__ import annotations

from collections import Counter
from typing import cast

import pytest
from sqlalchemy.orm import Session

from app.backend.search.base import Highlight, SearchHit, SearchResults, TitleSummary
from app.backend.search.documents import SearchDocument
from app.backend.search.highlight import explain
from app.backend.search.plan import build_plan
from app.backend.search.postgres import tsvector_literal
from app.backend.search.syntax import FTS5_SYNTAX, TSQUERY_SYNTAX
from app.backend.search.text import MAX_TOKENS, query_tokens
from app.backend.search.typos import MAX_CANDIDATES, allowed_typos
from app.backend.search.vocabulary import Vocabulary, VocabularyCache

VOCABULARY = Vocabulary(
    Counter(
        {
            "spider": 3,
            "man": 9,
            "spiderman": 1,
            "x": 2,
            "men": 4,
            "no": 8,
            "on": 8,
            "noon": 1,
            "the": 20,
            "toy": 2,
            "story": 6,
            "stray": 1,
            "stork": 1,
            "girls": 2,
            "extraordinary": 1,
        }
    )
)


@pytest.mark.parametrize(
    ("typed", "word", "typos"),
    [(4, 4, 0), (4, 5, 1), (5, 4, 1), (5, 5, 1), (8, 8, 1), (5, 7, 0), (9, 9, 2), (8, 9, 2), (6, 9, 0)],
)
def test_typo_budget_follows_the_longer_of_typed_and_meant_word(typed: int, word: int, typos: int) -> None:
    assert allowed_typos(typed, word) == typos


def test_candidates_are_the_closest_then_the_most_frequent() -> None:
    assert [(c.word, c.typos) for c in VOCABULARY.typo_candidates("stroy", prefix=False)] == [
        ("story", 1),
        ("stray", 1),
    ]
    assert [c.word for c in VOCABULARY.typo_candidates("girs", prefix=False)] == ["girls"]
    assert [c.word for c in VOCABULARY.typo_candidates("extrordinery", prefix=False)] == ["extraordinary"]
    assert VOCABULARY.typo_candidates("man", prefix=False) == []  # no typo on short words


def test_prefix_candidates_cover_words_being_typed_without_redundant_extensions() -> None:
    words = [c.word for c in VOCABULARY.typo_candidates("extrordin", prefix=True)]
    assert words and all(w.startswith("extraordin"[: len(w)]) for w in words)
    assert not any(a != b and b.startswith(a) for a in words for b in words)


def test_candidates_are_capped() -> None:
    vocabulary = Vocabulary(Counter({f"abcd{c}": 1 for c in "efghijklmnopqrstuvwxyz"}))
    assert len(vocabulary.typo_candidates("abcda", prefix=False)) == MAX_CANDIDATES


@pytest.mark.parametrize(
    ("tokens", "fts5"),
    [
        (["spiderman"], '(("spiderman"* OR "spider man"))'),  # a known compound is split too
        (["xmen"], '(("xmen"* OR "x men"))'),  # an unknown token splits into known words
        (["noon"], '(("noon"*))'),  # a word is never split into short halves
        (["the", "man"], '(("the") AND ("man"*))'),
        (["spider", "man"], '(("spider") AND ("man"*)) OR (("spiderman"*))'),  # neighbours join
        (["spider", "ma"], '(("spider") AND ("ma"*)) OR (("spiderma"*))'),  # ... while typing too
    ],
)
def test_exact_plans_cover_prefixes_and_compounds(tokens: list[str], fts5: str) -> None:
    assert FTS5_SYNTAX.render(build_plan(tokens, VOCABULARY, typos=False)) == fts5


def test_the_typo_plan_adds_candidates_in_both_syntaxes() -> None:
    exact, plan = (build_plan(["toy", "stroy"], VOCABULARY, typos) for typos in (False, True))
    assert plan.has_typos and not exact.has_typos
    assert not exact.may_match(VOCABULARY) and plan.may_match(VOCABULARY)
    assert FTS5_SYNTAX.render(plan) == '(("toy") AND ("stroy"* OR "story"* OR "stray"*))'
    assert TSQUERY_SYNTAX.render(plan) == "(('toy') & ('stroy':* | 'story':* | 'stray':*))"
    split = build_plan(["xmen", "no"], VOCABULARY, typos=True)
    assert TSQUERY_SYNTAX.render(split) == "(('xmen' | 'x' <-> 'men') & ('no':*))"


def test_query_tokens_keep_letters_and_digits_only() -> None:
    tokens = query_tokens('"Spider-Man" NEAR(2) OR ^x:* -Amélie_2')
    assert " ".join(tokens) == "spider man near 2 or x amelie 2"
    assert query_tokens(" ".join(["word"] * 20)) == ["word"] * MAX_TOKENS
    assert query_tokens("\"*^:-()'") == []


def test_tsvector_keeps_fields_apart_and_weighted() -> None:
    document = SearchDocument("t", ("spider", "man"), ("sam", "raimi"), ("action",), ("man",))
    assert tsvector_literal(document) == (
        "'spider':1A 'man':2A,12289D 'sam':4097B 'raimi':4098B 'action':8193C"
    )


def test_highlight_marks_typed_prefixes_and_names_the_field() -> None:
    plan = build_plan(["spider", "ma"], VOCABULARY, typos=False)
    match_type, highlight = explain("Spider-Man", [], plan, typo_tier=False)
    assert match_type == "title" and highlight.spans == ((0, 6), (7, 9))
    plan = build_plan(["raimi"], VOCABULARY, typos=False)
    match_type, highlight = explain("Spider-Man", [("person", "Sam Raimi")], plan, typo_tier=False)
    assert (match_type, highlight.field, highlight.spans) == ("person", "person", ((4, 9),))
    match_type, highlight = explain(
        "Ämélie", [], build_plan(["ame"], VOCABULARY, typos=False), typo_tier=True
    )
    assert match_type == "typo" and highlight.spans == ((0, 3),)


def test_search_results_read_like_the_list_of_hits() -> None:
    highlight = Highlight("title", "T", ())
    hits = tuple(SearchHit(TitleSummary(str(n), "T", None), "title", highlight) for n in range(3))
    results = SearchResults(hits)
    assert len(results) == 3 and [h.title.id for h in results[:2]] == ["0", "1"] and results[2] is hits[2]


def test_vocabulary_cache_rebuilds_after_invalidation_or_expiry() -> None:
    now, loads = [0.0], []

    def load(session: Session) -> Vocabulary:
        loads.append(now[0])
        return VOCABULARY

    cache = VocabularyCache(ttl_s=60, clock=lambda: now[0], load=load)
    session = cast(Session, None)
    cache.get(session), cache.get(session)
    cache.invalidate()
    cache.get(session)
    now[0] = 61.0
    cache.get(session), cache.get(session)
    assert loads == [0.0, 0.0, 61.0]
