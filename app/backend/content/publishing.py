"""Publishing: a validated package becomes catalog renditions and the title becomes PLAYABLE.

This is the last step of every encode (the studio workflow's and the demo's), so the catalog only
ever points at packages that exist in full under their immutable path.
"""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.orm import Session

from app.backend.catalog.queries import get_title
from app.backend.db.models import Rendition, TitleStatus
from app.studio.media.index import DASH_MANIFEST, HLS_MASTER, HLS_MEDIA, PackageIndex


def package_path(index: PackageIndex) -> str:
    """Where a package lives relative to the media root (``titles/<title>/<encode>``)."""
    return f"titles/{index.title_id}/{index.encode_id}"


def publish_package(session: Session, job_id: str, index: PackageIndex) -> None:
    """Record the encode's renditions and point the title at it, in the caller's transaction.

    A re-encode replaces the title's renditions: the catalog describes the package the title plays.
    """
    title = get_title(session, index.title_id)
    base = package_path(index)
    session.execute(delete(Rendition).where(Rendition.title_id == title.id))
    for rendition in index.renditions:
        session.add(
            Rendition(
                job_id=job_id,
                title_id=title.id,
                kind=rendition.meta.kind,
                codec=rendition.meta.codec,
                codec_string=rendition.codec_string,
                width=rendition.meta.width,
                height=rendition.meta.height,
                bitrate_kbps=round(rendition.average_bps / 1000),
                peak_bitrate_kbps=round(rendition.peak_bps(index.segment_seconds) / 1000),
                playlist_path=f"{base}/{rendition.id}/{HLS_MEDIA}",
            )
        )
    title.manifest_path = f"{base}/{HLS_MASTER}"
    title.dash_manifest_path = f"{base}/{DASH_MANIFEST}"
    title.duration_s = index.duration_s
    title.status = TitleStatus.PLAYABLE
