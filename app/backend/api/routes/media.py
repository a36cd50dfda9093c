"""The origin's view of the media root: published packages, served as immutable files."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import FileResponse

from app.backend.api.deps import BackendDep
from app.backend.api.schemas import ErrorResponse
from app.backend.media_files import resolve_media_path

router = APIRouter(tags=["media"])
MEDIA_TYPES = {
    ".m3u8": "application/vnd.apple.mpegurl",
    ".mpd": "application/dash+xml",
    ".m4s": "video/iso.segment",
    ".mp4": "video/mp4",
}


@router.get(
    "/media/{path:path}",
    response_class=FileResponse,
    responses={400: {"model": ErrorResponse}, 404: {"model": ErrorResponse}},
    summary="A published media object (manifest, init or media segment)",
)
async def media(path: str, backend: BackendDep) -> FileResponse:
    file = resolve_media_path(backend.settings.media_root, path)
    return FileResponse(
        file,
        media_type=MEDIA_TYPES.get(file.suffix, "application/octet-stream"),
        headers={"Cache-Control": "public, max-age=31536000, immutable"},
    )
