"""One typed settings object for every process (app, backend, CLI).

Values come, in rising priority, from defaults, ``MARQUEE_*`` environment variables and the
command line (``--data DIR`` is applied by the CLI through :func:`load_settings`).  Keeping one
object means the backend child process gets exactly the parent's configuration through its
environment, and remote deployments configure the same code with environment variables alone.
"""

from __future__ import annotations

import os
import secrets
from functools import cached_property
from pathlib import Path

from platformdirs import user_data_dir
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

APP_NAME = "marquee"
TOKEN_FILE_NAME = "content-token"
SIGNING_KEY_FILE_NAME = "cdn-signing-key"
ADMIN_TOKEN_FILE_NAME = "cdn-admin-token"


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

    @property
    def media_root(self) -> Path:
        """Where published packages live; nothing outside it is ever served."""
        return self.data_dir / "media"

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
        for folder in (self.data_dir, self.media_root, self.logs_dir):
            folder.mkdir(parents=True, exist_ok=True)

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
    """Build the settings, letting explicit command-line values win over the environment."""
    values = {k: v for k, v in overrides.items() if v is not None}
    if data_dir is not None:
        values["data_dir"] = data_dir
    return Settings(**values)
