"""Pre-serialised home pages per profile: a request is one dictionary read.

Pages are rebuilt when they expire, when the profile's candidates or recent events change, or when
the catalog changes. Shared rows are cached per audience, so rebuilding one profile's page costs
a few small queries. A profile without candidates gets the popularity page at once and its
computation is scheduled.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable

import orjson
from sqlalchemy.orm import Session, sessionmaker

from app.backend.catalog.queries import get_profile
from app.backend.home.audience import Audience
from app.backend.home.composer import HomeComposer, Matcher, ProfileContext
from app.backend.home.shared_rows import SharedRows, build_shared_rows
from app.backend.personalisation.rec_cache import read_candidates
from app.backend.personalisation.recent import recent_genre_boosts

MatcherFor = Callable[[str], Matcher | None]


class HomeCache:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        ttl_s: float,
        on_miss: Callable[[str], None] = lambda _profile: None,
        matcher_for: MatcherFor = lambda _profile: None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._sessions = sessions
        self._ttl_s = ttl_s
        self._on_miss = on_miss
        self._matcher_for = matcher_for
        self._clock = clock
        self._pages: dict[str, tuple[float, bytes]] = {}
        self._generation: dict[str, int] = {}
        self._epoch = 0
        self._shared: dict[Audience, tuple[float, SharedRows]] = {}
        self._lock = threading.Lock()

    def cached_page(self, profile_id: str) -> bytes | None:
        """The fresh cached page of a profile, or None; never touches the database."""
        cached = self._pages.get(profile_id)
        if cached is not None and self._clock() - cached[0] < self._ttl_s:
            return cached[1]
        return None

    def page_for(self, profile_id: str) -> bytes:
        hit = self.cached_page(profile_id)
        if hit is not None:
            return hit
        with self._lock:  # one build at a time; requests that waited find the fresh page
            hit = self.cached_page(profile_id)
            if hit is not None:
                return hit
            stamp = self._stamp(profile_id)
            body = orjson.dumps(self._build(profile_id))
            if stamp == self._stamp(profile_id):
                # Keep it only if nothing invalidated it while it was being built (e.g. the
                # computation a miss scheduled finished meanwhile); else the next read rebuilds.
                self._pages[profile_id] = (self._clock(), body)
            return body

    def invalidate_profiles(self, profile_ids: Iterable[str]) -> None:
        for profile_id in profile_ids:
            self._generation[profile_id] = self._generation.get(profile_id, 0) + 1
            self._pages.pop(profile_id, None)

    def invalidate(self) -> None:
        """Forget everything: after catalog writes."""
        self._epoch += 1
        self._pages = {}
        self._shared = {}

    def _stamp(self, profile_id: str) -> tuple[int, int]:
        return self._epoch, self._generation.get(profile_id, 0)

    def _build(self, profile_id: str) -> dict:
        with self._sessions() as session:
            profile = get_profile(session, profile_id)
            audience = Audience(region=profile.region, maturity=profile.maturity)
            candidates = read_candidates(session, profile_id)
            if candidates is None:
                self._on_miss(profile_id)
            viewer = ProfileContext(
                name=profile.name,
                candidates=candidates,
                boosts=recent_genre_boosts(session, profile_id),
                match=self._matcher_for(profile_id),
            )
            return HomeComposer(session, audience, self._shared_rows(session, audience), viewer).compose(
                profile_id
            )

    def _shared_rows(self, session: Session, audience: Audience) -> SharedRows:
        cached = self._shared.get(audience)
        if cached is not None and self._clock() - cached[0] < self._ttl_s:
            return cached[1]
        rows = build_shared_rows(session, audience)
        self._shared[audience] = (self._clock(), rows)
        return rows
