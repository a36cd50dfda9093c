"""Item content features: what we know about a title before anyone has watched it.

Genres, release decade and title words become one TF-IDF weighted, L2-normalised sparse row per
item. Collaborative models cannot score an item nobody interacted with; these rows let us place
such items next to similar titles that do have data (new releases, sequels, genre-quiz answers).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

_WORD = re.compile(r"[a-z0-9]+")
_YEAR_SUFFIX = re.compile(r"\(\d{4}\)\s*$")
_STOPWORDS = frozenset(
    ["the", "a", "an", "of", "and", "in", "on", "to", "for", "with", "from", "at", "by"]
    + ["la", "le", "les", "el", "los", "der", "die", "das"]
)
_NO_GENRE = "(no genres listed)"
# Genres weigh more than one shared title word (title words mostly catch franchises and sequels).
_GENRE_BOOST = 2.0
_ROWS_PER_CHUNK = 1024


@dataclass(frozen=True)
class ItemContent:
    """Normalised content rows (items x features) and each item's genre set for the genre quiz."""

    features: sp.csr_matrix
    genres: list[frozenset[str]]

    def neighbours(self, rows: np.ndarray, candidates: np.ndarray, m: int) -> sp.csr_matrix:
        """Cosine weights from each of ``rows`` to its ``m`` most similar ``candidates``.

        Returns a len(rows) x n_items matrix whose rows sum to 1 (or are empty when an item
        shares no feature with any candidate), so multiplying it with a score vector gives each
        row item the similarity-weighted mean score of its content neighbours.
        """
        n_items = self.features.shape[0]
        pool = self.features[candidates].T.tocsc()
        blocks = []
        for start in range(0, len(rows), _ROWS_PER_CHUNK):
            sims = (self.features[rows[start : start + _ROWS_PER_CHUNK]] @ pool).toarray()
            blocks.append(_top_m_rows(sims, candidates, m, n_items))
        if not blocks:
            return sp.csr_matrix((0, n_items), dtype=np.float32)
        return sp.vstack(blocks, format="csr")


def _top_m_rows(sims: np.ndarray, candidates: np.ndarray, m: int, n_items: int) -> sp.csr_matrix:
    """Keep the ``m`` best positive similarities per row and normalise each row to sum 1."""
    m = min(m, sims.shape[1])
    if m == 0:
        return sp.csr_matrix((sims.shape[0], n_items), dtype=np.float32)
    top = np.argpartition(-sims, m - 1, axis=1)[:, :m]
    weights = np.take_along_axis(sims, top, axis=1)
    weights[weights < 0] = 0.0
    totals = weights.sum(axis=1, keepdims=True)
    weights = np.divide(weights, totals, out=np.zeros_like(weights), where=totals > 0)
    row_ids = np.repeat(np.arange(sims.shape[0]), m)
    matrix = sp.csr_matrix(
        (weights.ravel(), (row_ids, candidates[top].ravel())),
        shape=(sims.shape[0], n_items),
        dtype=np.float32,
    )
    matrix.eliminate_zeros()
    return matrix


def title_words(title: str) -> list[str]:
    """Lower-case title words without the trailing "(1995)" year and without stopwords."""
    words = _WORD.findall(_YEAR_SUFFIX.sub("", title).lower())
    return [w for w in words if len(w) > 1 and w not in _STOPWORDS]


def _tokens(item: Any) -> list[str]:
    if item is None:
        return []
    tokens = [f"g:{g.lower()}" for g in getattr(item, "genres", ()) if g and g != _NO_GENRE]
    year = getattr(item, "year", None)
    if year:
        tokens.append(f"d:{int(year) // 10}")
    tokens.extend(f"w:{w}" for w in title_words(getattr(item, "title", "") or ""))
    return tokens


def build_content(items: Sequence[Any]) -> ItemContent:
    """TF-IDF rows over genre, decade and title-word tokens; ``None`` entries get empty rows."""
    vocab: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    for n, item in enumerate(items):
        for token in set(_tokens(item)):
            rows.append(n)
            cols.append(vocab.setdefault(token, len(vocab)))
    counts = sp.csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(items), len(vocab)), dtype=np.float32
    )
    doc_freq = np.asarray((counts > 0).sum(axis=0)).ravel()
    idf = np.log((1.0 + len(items)) / (1.0 + doc_freq)) + 1.0
    boost = np.array([_GENRE_BOOST if t.startswith("g:") else 1.0 for t in vocab], dtype=np.float64)
    features = counts @ sp.diags((idf * boost).astype(np.float32))
    norms = np.sqrt(np.asarray(features.multiply(features).sum(axis=1)).ravel())
    features = sp.diags(np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)) @ features
    return ItemContent(features=sp.csr_matrix(features, dtype=np.float32), genres=_genre_sets(items))


def _genre_sets(items: Iterable[Any]) -> list[frozenset[str]]:
    return [
        frozenset(g.lower() for g in getattr(item, "genres", ()) if g and g != _NO_GENRE)
        if item
        else frozenset()
        for item in items
    ]
