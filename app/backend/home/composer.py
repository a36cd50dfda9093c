"""Compose one profile's home page: personal rows first, then shared rows, no title twice.

Every row and every card says why it is there, and every card carries a match percentage: the
calibrated model score when the profile has one, else the title's standing in its shared list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.backend.catalog.queries import poster_url
from app.backend.db.models import Title, TitleStatus, WatchProgress
from app.backend.home.audience import Audience
from app.backend.home.shared_rows import SharedRows
from app.backend.personalisation.recent import boosted
from app.formatting import clock_text

ROW_LENGTH = 20
CONTINUE_MIN_S = 60.0
FINISHED_FRACTION = 0.95
Matcher = Callable[[list[str]], dict[str, int]]


@dataclass
class ProfileContext:
    """What the composer knows about the viewer beyond its audience."""

    name: str
    candidates: dict | None = None
    boosts: dict[str, float] = field(default_factory=dict)
    match: Matcher | None = None


class HomeComposer:
    def __init__(
        self, session: Session, audience: Audience, shared: SharedRows, viewer: ProfileContext
    ) -> None:
        self._session = session
        self._audience = audience
        self._shared = shared
        self._viewer = viewer
        self._shown: set[str] = set()
        self._titles: dict[str, Title] = {}
        self._matches: dict[str, int] = {}
        self._top_popularity = 1.0

    def compose(self, profile_id: str) -> dict:
        candidates = self._viewer.candidates or {}
        picks = [(t, m) for t, m in candidates.get("topPicks", [])]
        because = candidates.get("because")
        self._load(
            [t for t, _ in picks] + [t for t, _ in (because or {}).get("titles", [])] + self._shared_ids()
        )
        self._matches.update({t: m for t, m in picks})
        rows = [self._continue_watching(profile_id)]
        if picks:
            rows.append(self._top_picks(picks, candidates.get("basis", "model")))
        if because and because["anchor"] in self._titles:
            rows.append(self._because(because))
        rows += self._shared_rows(candidates.get("genres", []))
        return {"rows": [row for row in rows if row["titles"]]}

    # --- personal rows -----------------------------------------------------------------------

    def _continue_watching(self, profile_id: str) -> dict:
        query = (
            select(Title, WatchProgress.position_s)
            .join(WatchProgress, WatchProgress.title_id == Title.id)
            .where(
                WatchProgress.profile_id == profile_id,
                WatchProgress.position_s >= CONTINUE_MIN_S,
                self._audience.can_watch(),
            )
            .order_by(WatchProgress.updated_at.desc())
            .limit(ROW_LENGTH)
        )
        cards = []
        for title, position in self._session.execute(query):
            if title.duration_s and position >= FINISHED_FRACTION * title.duration_s:
                continue
            self._titles[title.id] = title
            cards.append(self._card(title.id, f"Resume at {clock_text(position)}"))
        return self._row("continue-watching", "Continue Watching", "Titles you started", cards)

    def _top_picks(self, picks: list[tuple[str, int]], basis: str) -> dict:
        boosts = self._viewer.boosts
        visible = [t for t, _ in picks if t in self._titles]
        # The model's order is the base score; recent events re-order it, the badge does not.
        base = {t: 1.0 - rank / max(len(visible), 1) for rank, t in enumerate(visible)}
        ranked = sorted(visible, key=lambda t: -boosted(base[t], self._genres(t), boosts))
        reason = {
            "model": "Ranked for you from what you watch and rate",
            "quiz": "Based on the genres you picked",
            "popular": "Popular picks while we learn your taste",
        }[basis]
        cards = [self._card(t, self._pick_reason(t, basis)) for t in ranked if t not in self._shown]
        return self._row("top-picks", f"Top Picks for {self._viewer.name}", reason, cards)

    def _because(self, because: dict) -> dict:
        anchor = self._titles[because["anchor"]].name
        self._matches.update({t: m for t, m in because["titles"]})
        cards = [
            self._card(t, f"Similar to {anchor}")
            for t, _ in because["titles"]
            if t in self._titles and t not in self._shown
        ]
        return self._row(
            "because-you-watched",
            f"Because you watched {anchor}",
            f"Viewers who liked {anchor} also liked these",
            cards,
        )

    def _pick_reason(self, title_id: str, basis: str) -> str:
        liked = {g for g, _ in (self._viewer.candidates or {}).get("genres", [])}
        shared = [g for g in self._genres(title_id) if g in liked]
        if basis == "popular" or not shared:
            return f"{self._matches[title_id]}% match"
        return f"{self._matches[title_id]}% match: you like {' and '.join(shared[:2])}"

    # --- shared rows -------------------------------------------------------------------------

    def _shared_rows(self, affinity: list[list]) -> list[dict]:
        shared = self._shared
        region = self._audience.region
        rows = [
            self._row(
                "top-10",
                f"Top 10 in {region}",
                f"Most played in {region} this week",
                [
                    self._card(t, f"#{rank} in {region}")
                    for rank, (t, _) in enumerate(shared.top_in_region, start=1)
                    if t not in self._shown
                ],
            ),
            self._row(
                "trending",
                "Trending Now",
                "Most played on Marquee this week",
                [self._card(t, f"{n} plays this week") for t, n in shared.trending if t not in self._shown],
            ),
            self._row(
                "new",
                "New Releases",
                "The most recent titles",
                [
                    self._card(t, f"New ({self._titles[t].year})")
                    for t in shared.new_releases
                    if t not in self._shown
                ],
            ),
        ]
        return (
            rows
            + self._genre_rows(affinity)
            + [
                self._row(
                    "popular",
                    "Popular on Marquee",
                    "What everyone is watching",
                    [self._card(t, "Popular on Marquee") for t in shared.popular if t not in self._shown],
                )
            ]
        )

    def _genre_rows(self, affinity: list[list]) -> list[dict]:
        boosts = self._viewer.boosts
        weight = {g: w for g, w in affinity}
        strongest = max(weight.values(), default=1.0) or 1.0
        # Long-term taste orders the genres; a strong recent signal (boost up to 1) outweighs it.
        order = sorted(
            self._shared.genres,
            key=lambda gt: -(weight.get(gt[0], 0.0) / strongest + 2 * boosts.get(gt[0], 0.0)),
        )
        rows = []
        for genre, titles in order:
            personal = weight.get(genre, 0) > 0 or boosts.get(genre, 0) > 0
            reason = f"Because you like {genre}" if personal else f"Popular in {genre}"
            cards = [self._card(t, reason) for t in titles if t not in self._shown]
            rows.append(self._row(f"genre-{genre.lower()}", genre, reason, cards))
        return rows

    # --- cards -------------------------------------------------------------------------------

    def _shared_ids(self) -> list[str]:
        shared = self._shared
        ids = shared.popular + shared.new_releases + [t for t, _ in shared.trending + shared.top_in_region]
        return ids + [t for _, titles in shared.genres for t in titles]

    def _load(self, ids: list[str]) -> None:
        unique = list(dict.fromkeys(ids))
        visible = self._audience.visible(self._session, unique)
        for title in self._session.scalars(select(Title).where(Title.id.in_(visible))):
            self._titles[title.id] = title
        self._top_popularity = max((t.popularity for t in self._titles.values()), default=0.0) or 1.0
        missing = [t for t in unique if t in self._titles and t not in self._matches]
        if self._viewer.match is not None and missing:
            self._matches.update(self._viewer.match(missing))

    def _genres(self, title_id: str) -> list[str]:
        return [g.name for g in self._titles[title_id].genres]

    def _card(self, title_id: str, reason: str) -> dict:
        title = self._titles[title_id]
        return {
            "titleId": title_id,
            "title": title.name,
            "thumbnail": poster_url(title_id),
            "matchScore": self._matches.get(title_id, self._popularity_match(title)),
            "playable": title.status == TitleStatus.PLAYABLE,
            "reason": reason,
        }

    def _popularity_match(self, title: Title) -> int:
        """Without a model score, a title's popularity relative to the most popular one."""
        return 50 + round(49 * min(1.0, title.popularity / self._top_popularity))

    def _row(self, row_id: str, title: str, reason: str, cards: list[dict]) -> dict:
        kept = cards[:ROW_LENGTH]
        self._shown.update(c["titleId"] for c in kept)
        return {"rowId": row_id, "rowTitle": title, "reason": reason, "titles": kept}
