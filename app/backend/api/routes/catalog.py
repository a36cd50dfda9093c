"""Title details, posters and search."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Path, Query
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from app.backend.api.deps import BackendDep, DbSession
from app.backend.api.schemas import (
    CreditView,
    EntityId,
    EpisodeView,
    ErrorResponse,
    FacetValue,
    SearchFacets,
    SearchHighlight,
    SearchResponse,
    SearchResult,
    SeasonView,
    TitleDetail,
)
from app.backend.catalog.ids import ID_PATTERN
from app.backend.catalog.posters import poster_png
from app.backend.catalog.queries import get_profile, get_title, poster_url
from app.backend.db.models import TitleStatus
from app.backend.errors import DomainError
from app.backend.playback.sessions import resume_position
from app.backend.search import SearchFilters

router = APIRouter(tags=["catalog"])
TitleIdPath = Annotated[EntityId, Path(pattern=ID_PATTERN)]
_FILTER = re.compile(r"^(?P<key>genre|year):(?P<value>[^,]{1,64})$")
_YEARS = re.compile(r"^(?P<start>\d{4})(?:-(?P<end>\d{4}))?$")


@router.get("/titles/{title_id}", response_model=TitleDetail, responses={404: {"model": ErrorResponse}})
def title_detail(
    title_id: TitleIdPath,
    db: DbSession,
    profile_id: Annotated[EntityId | None, Query(alias="profileId", pattern=ID_PATTERN)] = None,
) -> TitleDetail:
    title = get_title(db, title_id)
    resume = resume_position(db, get_profile(db, profile_id).id, title) if profile_id else None
    return TitleDetail(
        title_id=title.id,
        kind=title.kind,
        title=title.name,
        synopsis=title.synopsis,
        year=title.year,
        maturity_rating=title.maturity_rating,
        duration_s=title.duration_s,
        genres=[g.name for g in title.genres],
        credits=[CreditView(person=c.person.name, role=c.role, character=c.character) for c in title.credits],
        tags=[t.tag for t in sorted(title.tags, key=lambda t: -t.count)][:20],
        status=title.status,
        playable=title.status == TitleStatus.PLAYABLE,
        thumbnail=poster_url(title.id),
        resume_position=resume,
        seasons=[
            SeasonView(
                number=season.number,
                name=season.name,
                episodes=[
                    EpisodeView(
                        title_id=e.title_id,
                        number=e.number,
                        title=e.title.name,
                        duration_s=e.title.duration_s,
                        playable=e.title.status == TitleStatus.PLAYABLE,
                    )
                    for e in season.episodes
                ],
            )
            for season in title.seasons
        ],
    )


@router.get(
    "/titles/{title_id}/poster.png",
    response_class=Response,
    responses={200: {"content": {"image/png": {}}}, 404: {"model": ErrorResponse}},
)
async def poster(title_id: TitleIdPath, backend: BackendDep) -> Response:
    with backend.sessions() as db:
        title = get_title(db, title_id)
        name, year = title.name, title.year
    data = await run_in_threadpool(poster_png, backend.poster_cache_dir, title_id, name, year)
    return Response(data, media_type="image/png", headers={"Cache-Control": "public, max-age=86400"})


class InvalidFilter(DomainError):
    status_code = 422
    code = "invalid_filter"


def parse_filters(filters: str | None, genre: str | None, year: str | None) -> SearchFilters:
    """Accept ``filters=genre:Drama,year:1990-1999`` and the equivalent ``genre=``/``year=`` params."""
    values = {"genre": genre, "year": year}
    for part in filter(None, (filters or "").split(",")):
        match = _FILTER.match(part.strip())
        if match is None:
            raise InvalidFilter(f"filter {part!r} is not genre:NAME or year:YYYY[-YYYY]")
        values[match["key"]] = match["value"]
    year_from = year_to = None
    if values["year"]:
        years = _YEARS.match(values["year"])
        if years is None:
            raise InvalidFilter(f"year {values['year']!r} is not YYYY or YYYY-YYYY")
        year_from = int(years["start"])
        year_to = int(years["end"] or years["start"])
        if year_to < year_from:
            raise InvalidFilter("year range is inverted")
    return SearchFilters(genre=values["genre"], year_from=year_from, year_to=year_to)


@router.get("/search", response_model=SearchResponse, responses={422: {"model": ErrorResponse}})
def search(
    db: DbSession,
    backend: BackendDep,
    q: Annotated[str, Query(max_length=200)] = "",
    filters: Annotated[str | None, Query(max_length=200)] = None,
    genre: Annotated[str | None, Query(max_length=64)] = None,
    year: Annotated[str | None, Query(max_length=9)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> SearchResponse:
    """As-you-type, typo-tolerant search; typo matches only fill what exact matches leave empty."""
    found = backend.search.search(db, q, parse_filters(filters, genre, year), limit)
    return SearchResponse(
        results=[
            SearchResult(
                title_id=h.title.id,
                title=h.title.name,
                match_type=h.match_type,
                thumbnail=poster_url(h.title.id),
                year=h.title.year,
                highlight=SearchHighlight(
                    field=h.highlight.field, text=h.highlight.text, spans=list(h.highlight.spans)
                ),
            )
            for h in found
        ],
        facets=SearchFacets(
            genre=[FacetValue(value=f.value, count=f.count) for f in found.facets.genres],
            decade=[FacetValue(value=f.value, count=f.count) for f in found.facets.decades],
        ),
    )
