"""Make a few demo titles playable on first start, through the studio pipeline and the publish step."""

from __future__ import annotations

import logging
import time
import uuid
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from app.backend.content.publishing import publish_package
from app.backend.db.models import EncodingJob, JobStatus, LicenseWindow, Title, TitleKind, TitleStatus
from app.studio.demo import produce_demo_package

log = logging.getLogger(__name__)
DEMO_MASTER_URL = "synthetic://demo"


def demo_candidates(session: Session, count: int) -> list[str]:
    """The most popular all-ages movies licensed worldwide: every demo profile, Kids too, can play them."""
    worldwide = select(LicenseWindow.title_id).where(
        LicenseWindow.region == "*", LicenseWindow.starts_at <= time.time(), LicenseWindow.ends_at.is_(None)
    )
    query = (
        select(Title.id)
        .where(
            Title.kind == TitleKind.MOVIE,
            Title.maturity_rating == 0,
            Title.status == TitleStatus.DRAFT,
            Title.id.in_(worldwide),
        )
        .order_by(Title.popularity.desc(), Title.id)
        .limit(count)
    )
    return list(session.scalars(query))


def publish_demo_titles(sessions: sessionmaker[Session], media_root: Path, count: int) -> list[str]:
    """Encode, package and publish ``count`` demo titles unless the catalog already has playable ones.

    Each title is claimed first (DRAFT → PROCESSING in one conditional UPDATE), so concurrent callers,
    threads or API workers, never encode the same title twice.
    """
    with sessions() as session:
        started = select(Title.id).where(Title.status.in_((TitleStatus.PLAYABLE, TitleStatus.PROCESSING)))
        if session.scalar(started.limit(1)):
            return []
        title_ids = [t for t in demo_candidates(session, count) if _claim(session, t)]
        session.commit()
    for variant, title_id in enumerate(title_ids):
        index = produce_demo_package(media_root, title_id, variant)
        with sessions() as session:
            now = time.time()
            job = EncodingJob(
                id=uuid.uuid4().hex,
                title_id=title_id,
                master_url=DEMO_MASTER_URL,
                status=JobStatus.SUCCEEDED,
                options={"ladder": "fixed", "codecs": ["h264"]},
                progress={"step": "published", "percent": 100.0},
                created_at=now,
                updated_at=now,
            )
            session.add(job)
            session.flush()
            publish_package(session, job.id, index)
            session.commit()
        log.info("demo title %s is playable", title_id)
    return title_ids


def _claim(session: Session, title_id: str) -> bool:
    claimed = session.execute(
        update(Title)
        .where(Title.id == title_id, Title.status == TitleStatus.DRAFT)
        .values(status=TitleStatus.PROCESSING)
    )
    return claimed.rowcount == 1
