"""All ORM models, imported together so ``Base.metadata`` is complete for Alembic."""

from app.backend.db.models.accounts import Account, Profile
from app.backend.db.models.catalog import (
    Credit,
    Episode,
    Genre,
    Person,
    Season,
    Title,
    TitleKind,
    TitleStatus,
    TitleTag,
)
from app.backend.db.models.encoding import EncodingJob, JobProgress, JobStatus, Rendition
from app.backend.db.models.events import Event
from app.backend.db.models.licensing import LicenseWindow
from app.backend.db.models.playback import PlaybackSession, SessionState, WatchProgress
from app.backend.db.models.recommendations import Recommendation
from app.backend.db.models.uploads import ResumableUpload, UploadStatus

__all__ = [
    "Account",
    "Credit",
    "EncodingJob",
    "Episode",
    "Event",
    "Genre",
    "JobProgress",
    "JobStatus",
    "LicenseWindow",
    "Person",
    "PlaybackSession",
    "Profile",
    "Recommendation",
    "Rendition",
    "ResumableUpload",
    "Season",
    "SessionState",
    "Title",
    "TitleKind",
    "TitleStatus",
    "TitleTag",
    "UploadStatus",
    "WatchProgress",
]
