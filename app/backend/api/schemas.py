"""Request and response bodies of the public API (camelCase on the wire, snake_case in Python)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from pydantic.alias_generators import to_camel

from app.backend.catalog.ids import ID_PATTERN

EntityId = Annotated[str, StringConstraints(pattern=ID_PATTERN)]


class ApiModel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")


class ErrorBody(ApiModel):
    code: str
    message: str


class ErrorResponse(ApiModel):
    error: ErrorBody


# --- content -----------------------------------------------------------------------------------


class TitleMetadata(ApiModel):
    """Catalog metadata sent with an upload; required when the title does not exist yet."""

    title: Annotated[str, StringConstraints(min_length=1, max_length=300, strip_whitespace=True)] | None = (
        None
    )
    synopsis: Annotated[str, StringConstraints(max_length=5000)] = ""
    year: Annotated[int, Field(ge=1870, le=2100)] | None = None
    genres: Annotated[
        list[Annotated[str, StringConstraints(min_length=1, max_length=64)]], Field(max_length=20)
    ] = []
    maturity_rating: Literal[0, 7, 13, 16, 18] = 0
    ladder: Literal["fixed", "per-title", "per-shot"] = "fixed"
    codecs: Annotated[list[Literal["h264", "hevc", "av1"]], Field(min_length=1, max_length=3)] = ["h264"]
    gpu: Literal["auto", "on", "off"] = "auto"
    allow_silent: bool = False


class UploadRequest(ApiModel):
    title_id: EntityId
    master_file_url: Annotated[str, StringConstraints(min_length=1, max_length=2000)]
    metadata: TitleMetadata = TitleMetadata()


class UploadResponse(ApiModel):
    encoding_job_id: str
    status: str
    estimated_completion: str


class JobView(ApiModel):
    job_id: str
    title_id: str
    status: str
    master_file_url: str
    encode_id: str | None = None
    progress: dict = Field(
        description="step, percent, etaS, and every step, rung (percent, fps, etaS) and note of the job"
    )
    error: str
    created_at: float
    updated_at: float


class LadderRungView(ApiModel):
    id: str
    codec: str
    width: int
    height: int
    bitrate_kbps: int
    max_bitrate_kbps: int


class LadderShotView(ApiModel):
    index: int
    start_s: float
    end_s: float
    bitrate_scale: float = Field(description="the shot's bitrate relative to its rung's average")


class RateQualityPointView(ApiModel):
    shot: int | None = Field(description="the shot measured, or null for the whole title")
    codec: str
    height: int
    bitrate_kbps: float
    quality: float
    metric: str = Field(description="vmaf, or psnr_y / ssim when VMAF is unavailable")
    on_hull: bool = Field(description="whether the point lies on its shot's rate-quality convex hull")


class LadderView(ApiModel):
    """The planned ladder of a job, for the studio's ladder preview (curves and hull per shot)."""

    mode: str = Field(description="fixed, per-title or per-shot")
    metric: str | None = None
    rungs: list[LadderRungView]
    shots: list[LadderShotView] = []
    points: list[RateQualityPointView] = []


class ResumableUploadRequest(ApiModel):
    filename: Annotated[str, StringConstraints(min_length=1, max_length=1000)] = Field(
        description="the master's file name (display only; only a safe suffix is kept on disk)"
    )
    size_bytes: Annotated[int, Field(gt=0)]
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-fA-F]{64}$")] = Field(
        description="SHA-256 of the whole file, hex; checked when the upload completes"
    )


class ResumableUploadView(ApiModel):
    upload_id: str
    filename: str
    size_bytes: int
    sha256: str
    offset: int = Field(description="bytes acknowledged (durably stored): the next PUT's Upload-Offset")
    chunk_bytes: int = Field(description="the chunk size this backend suggests")
    complete: bool
    expires_at: float = Field(description="UNIX time after which an idle upload is removed")
    master_file_url: str | None = Field(
        default=None, description="once complete: the masterFileUrl to give POST /content/upload"
    )


class UploadConflictBody(ErrorBody):
    offset: int = Field(description="where the upload stands: resume from this byte")


class UploadConflictResponse(ApiModel):
    error: UploadConflictBody


# --- browse ------------------------------------------------------------------------------------


class HomeTitle(ApiModel):
    title_id: str
    title: str
    thumbnail: str
    match_score: Annotated[int, Field(ge=0, le=100, description="Calibrated chance, in %, that you like it")]
    playable: bool
    reason: str = Field(description="Why this title is in this row")


class HomeRow(ApiModel):
    row_id: str
    row_title: str
    reason: str = Field(description="Why this row is on the page")
    titles: list[HomeTitle]


class HomeResponse(ApiModel):
    rows: list[HomeRow]


# --- playback ----------------------------------------------------------------------------------


class PlaybackStartRequest(ApiModel):
    title_id: EntityId
    profile_id: EntityId
    device_type: Annotated[str, StringConstraints(min_length=1, max_length=32)] = "desktop"
    preferred_quality: Literal["auto", "low", "medium", "high", "max"] = "auto"


class EdgeChoice(ApiModel):
    """One place to fetch the title from, with manifest URLs signed for this session."""

    edge: str
    manifest_url: str
    dash_manifest_url: str | None


class PlaybackStartResponse(ApiModel):
    session_id: str
    manifest_url: str = Field(description="HLS master playlist on the best edge")
    dash_manifest_url: str | None
    license_url: str
    resume_position: float
    edges: list[EdgeChoice] = Field(description="Every usable edge, best first, for failover")
    steering_url: str = Field(description="Poll every 30 s for a fresh edge ranking")


class SteeringResponse(ApiModel):
    """Modelled on HLS/DASH content steering: a TTL and the pathways in priority order."""

    model_config = ConfigDict(populate_by_name=True, extra="forbid")

    version: int = Field(alias="VERSION")
    ttl: int = Field(alias="TTL")
    pathway_priority: list[str] = Field(alias="PATHWAY-PRIORITY")
    edges: list[EdgeChoice]


class HeartbeatRequest(ApiModel):
    session_id: EntityId
    current_position: Annotated[float, Field(ge=0, le=1e7)]
    current_bitrate: Annotated[int, Field(ge=0, le=10_000_000)] = 0
    buffer_health: Annotated[float, Field(ge=0, le=1e5)] = 0.0


class HeartbeatResponse(ApiModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid")

    continue_: bool = Field(alias="continue")


class QoeReport(ApiModel):
    """The player's measured quality of experience for the whole playback (DESIGN.md's linear QoE)."""

    startup_ms: Annotated[float, Field(ge=0, le=3.6e6)]
    rebuffer_count: Annotated[int, Field(ge=0, le=100_000)]
    rebuffer_seconds: Annotated[float, Field(ge=0, le=1e6)]
    rebuffer_ratio: Annotated[float, Field(ge=0, le=1)] = 0.0
    avg_bitrate_kbps: Annotated[float, Field(ge=0, le=1e7)]
    switches: Annotated[int, Field(ge=0, le=1_000_000)]
    qoe: Annotated[float, Field(ge=-1e9, le=1e9)]
    played_seconds: Annotated[float, Field(ge=0, le=1e7)] = 0.0
    segments: Annotated[int, Field(ge=0, le=10_000_000)] = 0
    frames_shown: Annotated[int, Field(ge=0, le=1_000_000_000)] = 0
    error: Annotated[str, StringConstraints(max_length=500)] | None = None


class PlaybackStopRequest(HeartbeatRequest):
    qoe: QoeReport | None = None


class LicenseResponse(ApiModel):
    session_id: str
    title_id: str
    protection: Literal["clear"]
    expires_at: float


# --- events ------------------------------------------------------------------------------------


class EventIn(ApiModel):
    profile_id: EntityId
    title_id: EntityId | None = None
    type: Literal["play", "pause", "progress", "finish", "skip", "rate", "add_to_list", "search_click"]
    value: Annotated[float, Field(ge=-1e9, le=1e9)] | None = None
    ts: Annotated[float, Field(ge=0, le=1e11, description="UNIX seconds; default: on receipt")] | None = None
    payload: Annotated[dict[str, str | int | float | bool | None], Field(max_length=20)] | None = None


class EventBatch(ApiModel):
    events: Annotated[list[EventIn], Field(min_length=1, max_length=500)]


class EventsAccepted(ApiModel):
    accepted: int


# --- catalog -----------------------------------------------------------------------------------


class SearchHighlight(ApiModel):
    """The text that explains a result, with the ``[start, end)`` character spans the query matched."""

    field: Literal["title", "person", "genre", "tag"]
    text: str
    spans: list[tuple[int, int]]


class SearchResult(ApiModel):
    title_id: str
    title: str
    match_type: Literal["title", "person", "genre", "tag", "typo"]
    thumbnail: str
    year: int | None
    highlight: SearchHighlight


class FacetValue(ApiModel):
    value: str
    count: int


class SearchFacets(ApiModel):
    """Counts over every title the query matched; decades read 'YYYY-YYYY' like the year filter."""

    genre: list[FacetValue]
    decade: list[FacetValue]


class SearchResponse(ApiModel):
    results: list[SearchResult]
    facets: SearchFacets


class CreditView(ApiModel):
    person: str
    role: str
    character: str


class EpisodeView(ApiModel):
    title_id: str
    number: int
    title: str
    duration_s: float
    playable: bool


class SeasonView(ApiModel):
    number: int
    name: str
    episodes: list[EpisodeView]


class TitleDetail(ApiModel):
    title_id: str
    kind: str
    title: str
    synopsis: str
    year: int | None
    maturity_rating: int
    duration_s: float
    genres: list[str]
    credits: list[CreditView]
    tags: list[str]
    status: str
    playable: bool
    thumbnail: str
    seasons: list[SeasonView]
    resume_position: float | None = Field(description="Seconds to resume from, when profileId is given")


class ProfileView(ApiModel):
    profile_id: str
    name: str
    maturity: int
    region: str


Region = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]


class ProfileCreate(ApiModel):
    name: Annotated[str, StringConstraints(min_length=1, max_length=100, strip_whitespace=True)]
    maturity: Literal[0, 7, 13, 16, 18] = 18
    region: Region = "US"
    account_id: EntityId = "demo-household"


class TastesUpdate(ApiModel):
    genres: Annotated[
        list[Annotated[str, StringConstraints(min_length=1, max_length=64)]],
        Field(min_length=3, max_length=10),
    ]


class CdnServerView(ApiModel):
    name: str
    role: Literal["origin", "hub", "edge"]
    url: str
    alive: bool
    restarts: int
    metrics: dict = Field(description="The server's own /metrics: hits, misses, hitRatio, inFlight, …")
    faults: dict = Field(description="Faults in force: latencyMs, failRatio, stallAfterBytes, …")


class FaultsIn(ApiModel):
    """Faults to inject into one CDN server; omitted fields keep their value."""

    latency_ms: Annotated[float, Field(ge=0, le=60_000)] | None = None
    fail_ratio: Annotated[float, Field(ge=0, le=1)] | None = None
    stall_after_bytes: Annotated[int, Field(ge=0)] | None = None
    stall_seconds: Annotated[float, Field(ge=0, le=600)] | None = None
    bandwidth_mbps: Annotated[float, Field(ge=0, le=100_000)] | None = None


class PrepositionResult(ApiModel):
    regions: dict[str, list[str]] = Field(description="Predicted popular titles per region, pushed to edges")
    edge_objects: int
    hub_objects: int
    bytes: int


class RefreshQueued(ApiModel):
    queued: bool


class GenreView(ApiModel):
    name: str
    titles: int


class HealthResponse(ApiModel):
    status: Literal["ok"]


class VersionResponse(ApiModel):
    version: str
    api: str
    python: str
    database: str
    schema_revision: str | None
    components: dict[str, str]
    capabilities: list[str]
