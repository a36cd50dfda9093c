"""``Range`` header handling (RFC 9110 §14) for single byte ranges.

Rules: a header we cannot use (other unit, malformed, inverted ``500-100``, several ranges, absurdly
long) is ignored and the full object is sent with 200, which RFC 9110 allows; a well-formed range
that starts at or past the end (or a zero-length suffix) is unsatisfiable and gets 416 with
``Content-Range: bytes */size``; a last position past the end is clamped (``bytes=0-`` + huge).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SINGLE = re.compile(r"bytes=(\d{0,19})-(\d{0,19})")
MAX_HEADER_LENGTH = 100


@dataclass(frozen=True, slots=True)
class ByteRange:
    """Inclusive byte positions, as in ``Content-Range``."""

    start: int
    end: int

    @property
    def length(self) -> int:
        return self.end - self.start + 1

    def content_range(self, size: int) -> str:
        return f"bytes {self.start}-{self.end}/{size}"


class Unsatisfiable(Exception):
    """The range is well formed but selects nothing of an object of this size (answered with 416)."""


def parse_range(header: str | None, size: int) -> ByteRange | None:
    """The single range to send for ``header``, or None for the whole object.

    Raises :class:`Unsatisfiable` for a well-formed range outside the object.
    """
    if not header or len(header) > MAX_HEADER_LENGTH:
        return None
    match = _SINGLE.fullmatch(header.replace(" ", ""))
    if match is None:
        return None
    first, last = match.groups()
    if not first:
        if not last:
            return None
        suffix = int(last)
        if suffix == 0 or size == 0:
            raise Unsatisfiable
        return ByteRange(max(0, size - suffix), size - 1)
    start = int(first)
    if last and int(last) < start:
        return None
    if start >= size:
        raise Unsatisfiable
    end = min(int(last), size - 1) if last else size - 1
    return ByteRange(start, end)
