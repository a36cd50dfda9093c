"""Identifier rules shared by every route: ids never contain path separators or dot-segments.

Ids reach file paths (posters, media) and URLs, so a strict whitelist is enforced at the edge of
the API rather than trusting each caller to sanitise.
"""

from __future__ import annotations

import re

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"
_ID_RE = re.compile(ID_PATTERN)


def is_valid_id(value: str) -> bool:
    return bool(_ID_RE.match(value))
