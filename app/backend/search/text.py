"""How text becomes searchable words, identically for documents, queries and highlighting.

Both databases receive words that were already split and folded here (the FTS5 tokenizer and the
PostgreSQL parser only see space-separated, accent-free, lower-case words), so the vocabulary, the
query and the index can never disagree about what a word is.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

MAX_TOKENS = 8
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class WordSpan:
    """One word of an original text: where it sits (for highlighting) and its folded form."""

    start: int
    end: int
    folded: str


def fold(text: str) -> str:
    """Lower-case and strip accents so 'Amélie' and 'amelie' compare equal."""
    if text.isascii():
        return text.lower()  # the common case, and the same result, without decomposing
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    """Folded words of a text; punctuation splits words, so 'Spider-Man' is 'spider' 'man'."""
    return _WORD.findall(fold(text))


def word_spans(text: str) -> Iterator[WordSpan]:
    """Words with their positions in the original text, which folding would otherwise lose."""
    for match in _WORD.finditer(text):
        for part in words(match.group()):
            yield WordSpan(match.start(), match.end(), part)


def query_tokens(query: str) -> list[str]:
    """Words of a user query; only letters and digits survive, so no FTS5 or tsquery syntax gets in."""
    return words(query)[:MAX_TOKENS]


def original_length(text: str, folded_length: int) -> int:
    """How many characters of ``text`` fold to its first ``folded_length`` characters (for prefix marks)."""
    consumed = 0
    for index, char in enumerate(text):
        if consumed >= folded_length:
            return index
        consumed += len(fold(char))
    return len(text)
