"""Pre-positioning: put tomorrow's likely hits on the edges before the viewers ask for them.

Popularity is predicted per region from the last days' plays (recent ones weigh more) plus a boost
for fresh releases. Each predicted title's most-watched rungs, with its audio and manifests, are
pulled through every edge (which fills from the hub); its other rungs are pulled through the hub
only, so rarely chosen formats stay one tier up. Run off-peak by the scheduler, or now on request.
"""

from __future__ import annotations

import logging
import math
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.backend.cdn.signing import signed_path
from app.backend.db.models import Event, PlaybackSession, Profile, Rendition, Title, TitleStatus
from app.backend.home.audience import Audience

log = logging.getLogger(__name__)
HISTORY_S = 3 * 24 * 3600
HALF_LIFE_S = 24 * 3600
NEW_RELEASE_S = 14 * 24 * 3600
NEW_RELEASE_BOOST = 5.0
TITLES_PER_REGION = 5
EDGE_RUNGS = 2
PUSH_SESSION = "preposition"
PUSH_TTL_S = 600


@dataclass
class PrepositionReport:
    regions: dict[str, list[str]] = field(default_factory=dict)
    edge_objects: int = 0
    hub_objects: int = 0
    bytes: int = 0


def predict_titles(session: Session, region: str, limit: int, now: float | None = None) -> list[str]:
    """Playable titles licensed in ``region``, by decayed recent plays there plus a new-release boost."""
    moment = time.time() if now is None else now
    plays = session.execute(
        select(Event.title_id, Event.ts)
        .join(Profile, Profile.id == Event.profile_id)
        .where(Profile.region == region, Event.type.in_(("play", "finish")), Event.ts >= moment - HISTORY_S)
    )
    scores: Counter[str] = Counter()
    for title_id, ts in plays:
        scores[title_id] += math.pow(0.5, (moment - ts) / HALF_LIFE_S)
    playable = session.execute(
        select(Title.id, Title.created_at).where(
            Title.status == TitleStatus.PLAYABLE, Audience(region, maturity=18).can_watch()
        )
    )
    ranked = {
        title_id: scores[title_id] + (NEW_RELEASE_BOOST if moment - created < NEW_RELEASE_S else 0.0)
        for title_id, created in playable
    }
    return sorted(ranked, key=lambda t: (-ranked[t], t))[:limit]


def split_renditions(session: Session, title_id: str) -> tuple[list[Rendition], list[Rendition]]:
    """(for the edges, for the hub only): audio plus the video rungs viewers actually watched most."""
    renditions = list(session.scalars(select(Rendition).where(Rendition.title_id == title_id)))
    video = sorted((r for r in renditions if r.kind == "video"), key=lambda r: r.bitrate_kbps)
    audio = [r for r in renditions if r.kind != "video"]
    watched: Counter[int] = Counter()
    bitrates = session.scalars(
        select(PlaybackSession.bitrate_kbps).where(PlaybackSession.title_id == title_id)
    )
    for bitrate in bitrates:
        if bitrate and video:
            watched[min(range(len(video)), key=lambda i: abs(video[i].bitrate_kbps - bitrate))] += 1
    if watched:
        chosen = {i for i, _ in watched.most_common(EDGE_RUNGS)}
    else:  # nobody watched it yet: the middle of the ladder serves most links
        middle = len(video) // 2
        chosen = set(range(max(0, middle - EDGE_RUNGS // 2), middle + (EDGE_RUNGS + 1) // 2))
    edge = [r for i, r in enumerate(video) if i in chosen] + audio
    return edge, [r for i, r in enumerate(video) if i not in chosen]


def object_keys(media_root: Path, renditions: list[Rendition]) -> list[str]:
    """Every file of these renditions (init, segments, playlist) as keys under the media root."""
    keys = []
    for rendition in renditions:
        folder = media_root / Path(rendition.playlist_path).parent
        keys += [
            f"{Path(rendition.playlist_path).parent.as_posix()}/{p.name}"
            for p in sorted(folder.iterdir())
            if p.is_file() and p.suffix != ".json"
        ]
    return keys


class Prepositioner:
    def __init__(self, media_root: Path, signing_key: bytes) -> None:
        self._media_root = media_root
        self._key = signing_key

    def run(
        self, session: Session, edges: list[str], hub: str, now: float | None = None
    ) -> PrepositionReport:
        report = PrepositionReport()
        regions = sorted(set(session.scalars(select(Profile.region))))
        titles: list[str] = []
        for region in regions:
            report.regions[region] = predict_titles(session, region, TITLES_PER_REGION, now)
            titles += [t for t in report.regions[region] if t not in titles]
        with httpx.Client(timeout=30.0) as client:
            for title_id in titles:
                title = session.get(Title, title_id)
                assert title is not None and title.manifest_path is not None
                for_edges, for_hub = split_renditions(session, title_id)
                manifests = [title.manifest_path] + (
                    [title.dash_manifest_path] if title.dash_manifest_path else []
                )
                edge_keys = manifests + object_keys(self._media_root, for_edges)
                hub_keys = object_keys(self._media_root, for_hub)
                prefix = signed_path(
                    f"titles/{title_id}/", PUSH_SESSION, int(time.time() + PUSH_TTL_S), self._key
                )
                for edge in edges:
                    report.bytes += self._pull(client, edge + prefix, edge_keys, f"titles/{title_id}/")
                    report.edge_objects += len(edge_keys)
                report.bytes += self._pull(client, f"{hub}/", hub_keys, "")
                report.hub_objects += len(hub_keys)
        log.info(
            "pre-positioned %d titles: %d edge objects, %d hub objects",
            len(titles),
            report.edge_objects,
            report.hub_objects,
        )
        return report

    @staticmethod
    def _pull(client: httpx.Client, base: str, keys: list[str], strip: str) -> int:
        """GET each object through a tier (which caches it on the way) and count the bytes."""
        total = 0
        for key in keys:
            with client.stream("GET", base + key.removeprefix(strip)) as response:
                response.raise_for_status()
                total += sum(len(chunk) for chunk in response.iter_bytes())
        return total
