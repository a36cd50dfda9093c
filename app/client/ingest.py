"""One ingest request (a master plus its encoding options) and its submission through the content API.

The headless ``ingest`` command and the studio's ingest panel hand masters to the backend the same way,
so both build the title id and the upload metadata here rather than each in its own fashion.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.client.api import ApiClient

LADDER_MODES = ("fixed", "per-title", "per-shot")
CODECS = ("h264", "hevc", "av1")
GPU_MODES = ("auto", "on", "off")


def slug(title: str) -> str:
    """A catalog id derived from a title's name (``My Film!`` -> ``my-film``)."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:48] or "title"


def title_from_file(path: Path) -> str:
    """A readable default title for a master: its file name without extension or separators."""
    return re.sub(r"[\s_.-]+", " ", path.stem).strip() or path.name


@dataclass(frozen=True)
class IngestRequest:
    """What the user chose for one master; ``title_id`` defaults to the slug of ``title``."""

    path: Path
    title: str
    ladder: str = "fixed"
    codecs: tuple[str, ...] = ("h264",)
    gpu: str = "auto"
    allow_silent: bool = False
    title_id: str | None = None

    @property
    def resolved_title_id(self) -> str:
        return self.title_id or slug(self.title)

    def metadata(self) -> dict[str, Any]:
        """The upload's ``metadata`` object (see ``TitleMetadata`` in the API schemas)."""
        return {
            "title": self.title,
            "ladder": self.ladder,
            "codecs": list(self.codecs),
            "gpu": self.gpu,
            "allowSilent": self.allow_silent,
        }


def submit(client: ApiClient, request: IngestRequest, master_file_url: str | None = None) -> str:
    """Register the master for encoding; returns the job id.

    ``master_file_url`` is where the backend finds the master after a resumable upload; without it the
    backend reads ``request.path`` itself (it runs on this machine).
    """
    url = master_file_url or request.path.as_uri()
    answer = client.upload(request.resolved_title_id, url, request.metadata())
    return answer["encodingJobId"]
