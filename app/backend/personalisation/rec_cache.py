"""Read and write the per-profile recommendation cache (the ``recommendations`` table)."""

from __future__ import annotations

import time
from collections.abc import Iterable

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from app.backend.db.models import Recommendation


def read_candidates(session: Session, profile_id: str) -> dict | None:
    return session.scalar(select(Recommendation.payload).where(Recommendation.profile_id == profile_id))


def write_candidates(session: Session, payloads: Iterable[tuple[str, dict]], model: str) -> int:
    """Replace the rows of these profiles in the caller's transaction (portable across databases)."""
    rows = [
        {"profile_id": p, "payload": payload, "model": model, "computed_at": time.time()}
        for p, payload in payloads
    ]
    if rows:
        session.execute(
            delete(Recommendation).where(Recommendation.profile_id.in_([r["profile_id"] for r in rows]))
        )
        session.execute(insert(Recommendation), rows)
    return len(rows)
