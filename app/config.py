"""One typed settings object for every process (app, backend, CLI).

Values come, in rising priority, from defaults, ``<data dir>/settings.json``, ``MARQUEE_*``
environment variables and the command line (``--data DIR`` is applied by the CLI through
:func:`load_settings`).  Keeping one object means the backend child process gets exactly the
parent's configuration through its environment, and remote deployments configure the same code with
environment variables alone.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import tempfile
import time
from functools import cached_property
from pathlib import Path

from platformdirs import user_data_dir
from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

APP_NAME = "marquee"
TOKEN_FILE_NAME = "content-token"
SIGNING_KEY_FILE_NAME = "cdn-signing-key"
ADMIN_TOKEN_FILE_NAME = "cdn-admin-token"
SETTINGS_FILE_NAME = "settings.json"

log = logging.getLogger(__name__)


class DataDirError(RuntimeError):
    """The data dir cannot be created or written: one line that says which and why."""


class Settings(BaseSettings):
    """Configuration shared by the desktop app, the backend and the headless commands."""

    model_config = SettingsConfigDict(env_prefix="MARQUEE_", extra="ignore")

    data_dir: Path = Field(default_factory=lambda: Path(user_data_dir(APP_NAME, appauthor=False)))
    database_url: str | None = Field(
        default=None, description="Any SQLAlchemy URL; defaults to a SQLite file (WAL) in the data dir."
    )
    content_token: str | None = Field(
        default=None,
        description="Bearer token for the content API; defaults to a random one kept in the data dir.",
    )
    host: str = "127.0.0.1"
    port: int = 8700
    seed_demo: bool = Field(default=True, description="Create the demo catalog on first start.")
    demo_titles: int = Field(default=300, ge=0, le=5000)
    demo_playable: int = Field(default=3, ge=0, le=20, description="Demo titles encoded to be playable.")
    home_cache_ttl_s: float = Field(default=60.0, gt=0)
    heartbeat_flush_s: float = Field(default=1.0, gt=0)
    session_abandon_after_s: float = Field(default=300.0, gt=0)
    max_body_bytes: int = Field(default=1_000_000, gt=0)
    recs_refresh_s: float = Field(default=6 * 3600, gt=0, description="Full recommendation refit period.")
    recs_model: str = Field(default="default", description="Recommender family the pipeline fits.")
    cdn_edges: int = Field(default=3, ge=0, le=16, description="Edge servers to run; 0 serves media itself.")
    cdn_edge_capacity_bytes: int = Field(default=2 << 30, gt=0)
    cdn_hub_capacity_bytes: int = Field(default=8 << 30, gt=0)
    cdn_signing_key: str | None = Field(default=None, description="HMAC key of signed media URLs.")
    cdn_admin_token: str | None = Field(default=None, description="Bearer token of the edges' admin API.")
    signed_url_ttl_s: float = Field(default=6 * 3600, gt=0)
    preposition_hour: int = Field(default=4, ge=0, le=23, description="Local hour of the off-peak push.")
    workflow_enabled: bool = Field(
        default=True, description="Run encoding jobs on Temporal (tests that need no encoding turn it off)."
    )
    temporal_address: str | None = Field(
        default=None,
        description="host:port of a Temporal cluster (remote mode); unset starts the local dev server.",
    )
    temporal_namespace: str = "default"
    workflow_workers: bool = Field(
        default=True,
        description="Run encoding workers in the backend; off when `main.py worker` processes on encoding"
        " hosts do the encoding (the backend then only submits, pauses and cancels jobs).",
    )
    task_queue: str = Field(
        default="marquee-studio", description="Prefix of the CPU and GPU task queues (`-cpu`, `-gpu`)."
    )
    encode_slots: int = Field(
        default=0, ge=0, le=64, description="Activities one worker runs at once; 0 = one per CPU core."
    )
    gpu_slots: int = Field(default=2, ge=1, le=16, description="NVENC encodes at once on a GPU worker.")
    segment_seconds: float = Field(default=4.0, gt=0, le=20)
    step_max_attempts: int = Field(
        default=5, ge=1, le=100, description="Tries of a workflow step before the job needs review."
    )
    step_retry_initial_s: float = Field(default=2.0, gt=0)
    step_retry_max_s: float = Field(default=60.0, gt=0)
    step_heartbeat_s: float = Field(
        default=60.0, gt=0, description="A long step silent this long is retried (its worker is gone)."
    )
    gpu_breaker_failures: int = Field(
        default=3, ge=1, le=20, description="Failed NVENC tries after which a codec's work moves to the CPU."
    )
    upload_max_bytes: int = Field(
        default=256 << 30, gt=0, description="Largest master a resumable upload may declare."
    )
    upload_chunk_bytes: int = Field(
        default=8 << 20, gt=0, description="Chunk size the backend suggests to resumable-upload clients."
    )
    upload_expiry_s: float = Field(
        default=24 * 3600, gt=0, description="An upload untouched this long is removed with its partial file."
    )
    upload_dir: Path | None = Field(
        default=None,
        description="Where resumable uploads and the masters they deliver are kept (<data dir>/uploads)."
        " Remote: storage the encoding hosts share.",
    )

    media_dir: Path | None = Field(
        default=None,
        description="Where encodes are written and served from; default <data dir>/media. Remote: the"
        " storage the backend and every encoding host share.",
    )

    @property
    def media_root(self) -> Path:
        """Where published packages live; nothing outside it is ever served."""
        return self.media_dir or self.data_dir / "media"

    @property
    def masters_dir(self) -> Path:
        """Masters received by resumable upload; outside the media root, so they are never served."""
        return (self.upload_dir or self.data_dir / "uploads") / "masters"

    @property
    def partial_uploads_dir(self) -> Path:
        """Partial files of uploads in progress, next to the masters: one file system, so links work."""
        return (self.upload_dir or self.data_dir / "uploads") / "partial"

    @property
    def logs_dir(self) -> Path:
        return self.data_dir / "logs"

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'marquee.db').as_posix()}"

    @cached_property
    def resolved_content_token(self) -> str:
        """The configured token, else the one persisted in the data dir (created on first use).

        Persisting it lets the desktop app, the backend child and later CLI runs agree on the
        token without the user ever typing it, while remote deployments set it explicitly.
        """
        if self.content_token:
            return self.content_token
        return read_or_create_token(self.data_dir / TOKEN_FILE_NAME)

    @cached_property
    def resolved_signing_key(self) -> bytes:
        return (self.cdn_signing_key or read_or_create_token(self.data_dir / SIGNING_KEY_FILE_NAME)).encode()

    @cached_property
    def resolved_admin_token(self) -> str:
        return self.cdn_admin_token or read_or_create_token(self.data_dir / ADMIN_TOKEN_FILE_NAME)

    def ensure_dirs(self) -> None:
        """Create the data dir's folders and prove it writable, or raise :class:`DataDirError`.

        Checked before anything else touches the folder, so a read-only or impossible data dir is one
        clear error up front (and nothing in it is changed), not a traceback from whichever write came
        first.
        """
        try:
            for folder in (self.data_dir, self.media_root, self.logs_dir):
                folder.mkdir(parents=True, exist_ok=True)
            tempfile.TemporaryFile(dir=self.data_dir).close()
        except OSError as exc:
            raise DataDirError(f"cannot use data dir {self.data_dir}: {exc.strerror or exc}") from exc

    def child_environment(self) -> dict[str, str]:
        """Environment that makes a child process load these same settings (every value set here)."""
        env = dict(os.environ)
        env["MARQUEE_DATA_DIR"] = str(self.data_dir)
        for name in self.model_fields_set:
            value = getattr(self, name)
            if value is not None:
                env[f"MARQUEE_{name.upper()}"] = str(value).lower() if isinstance(value, bool) else str(value)
        return env


def read_or_create_token(path: Path) -> str:
    """Read a token file, creating it atomically (mode 0600) if it does not exist yet."""
    try:
        token = path.read_text(encoding="utf-8").strip()
        if token:
            return token
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(32)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(token)
    os.replace(tmp, path)
    return token


def load_settings(data_dir: Path | None = None, **overrides: object) -> Settings:
    """Build the settings, letting explicit command-line values win over the environment.

    The data dir's ``settings.json`` (optional, the same field names) fills what neither sets; a
    corrupt one is set aside (see :func:`read_settings_file`) and the defaults apply.
    """
    values = {k: v for k, v in overrides.items() if v is not None}
    if data_dir is not None:
        values["data_dir"] = data_dir
    settings = Settings(**values)
    path = settings.data_dir / SETTINGS_FILE_NAME
    in_env = {name.upper() for name in os.environ}
    stored = {
        k: v
        for k, v in read_settings_file(path).items()
        if k in Settings.model_fields
        and k not in values
        and k != "data_dir"  # found inside the data dir: it cannot move it
        and f"MARQUEE_{k.upper()}" not in in_env
    }
    if not stored:
        return settings
    try:
        return Settings(**stored, **values)
    except ValidationError as exc:
        set_aside_corrupt(path, "invalid " + ", ".join(str(e["loc"][0]) for e in exc.errors()))
        return settings


def read_settings_file(path: Path) -> dict[str, object]:
    """The JSON object in ``path`` ({} if there is none); a file that is not one is set aside."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except OSError as exc:  # unreadable, not corrupt: leave it alone
        log.warning("cannot read settings file %s (%s); using defaults", path, exc.strerror or exc)
        return {}
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        set_aside_corrupt(path, str(exc))
        return {}
    if not isinstance(data, dict):
        set_aside_corrupt(path, "not a JSON object")
        return {}
    return {str(k).lower(): v for k, v in data.items()}


def set_aside_corrupt(path: Path, reason: str) -> None:
    """Warn, and rename the file to ``*.corrupt-<timestamp>``: the user's text is kept, never deleted.

    Renamed so the next start does not warn again; where the folder is read-only it stays in place.
    """
    target = path.with_name(f"{path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
    try:
        path.rename(target)
        kept = f"moved to {target}"
    except OSError:
        kept = "left in place"
    log.warning("ignoring corrupt settings file %s (%s); using defaults, the file was %s", path, reason, kept)
