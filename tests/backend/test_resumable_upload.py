"""Resumable upload of masters over the real API: chunks, resumption, torn writes, refusals, expiry."""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import anyio
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from app.backend.api.app import create_app
from app.backend.content.partial_file import open_locked
from app.backend.content.resumable import BodyInterrupted, ResumableUploads
from app.backend.db.models import ResumableUpload
from app.backend.services import Backend
from app.config import Settings
from app.studio.media.synthetic import synthesize_master

from .conftest import AUTH

UPLOADS = "/api/v1/content/uploads"


@pytest.fixture(scope="module")
def master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return synthesize_master(tmp_path_factory.mktemp("resumable") / "master.mp4", seconds=1.0)


def _create(api: TestClient, data: bytes, filename: str = "master.mp4", sha256: str | None = None) -> dict:
    body = {
        "filename": filename,
        "sizeBytes": len(data),
        "sha256": sha256 or hashlib.sha256(data).hexdigest(),
    }
    response = api.post(UPLOADS, json=body, headers=AUTH)
    assert response.status_code == 201, response.text
    return response.json()


def _put(api: TestClient, upload_id: str, offset: int | str, data: bytes | Iterator[bytes]):
    return api.put(f"{UPLOADS}/{upload_id}", content=data, headers={**AUTH, "Upload-Offset": str(offset)})


def _send_all(api: TestClient, upload_id: str, data: bytes, chunk: int) -> None:
    for start in range(0, len(data), chunk):
        response = _put(api, upload_id, start, data[start : start + chunk])
        assert response.status_code == 200, response.text
        assert response.json()["offset"] == min(start + chunk, len(data))


def _partial(settings: Settings, upload_id: str) -> Path:
    return settings.partial_uploads_dir / f"{upload_id}.part"


def _files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def test_a_master_sent_in_chunks_becomes_an_encoding_job(
    api: TestClient, settings: Settings, master: Path
) -> None:
    data = master.read_bytes()
    created = _create(api, data)
    assert created["offset"] == 0 and created["sizeBytes"] == len(data) and not created["complete"]
    assert created["chunkBytes"] == settings.upload_chunk_bytes
    upload_id = created["uploadId"]
    _send_all(api, upload_id, data, chunk=len(data) // 3 + 1)
    assert api.get(f"{UPLOADS}/{upload_id}", headers=AUTH).json()["offset"] == len(data)

    done = api.post(f"{UPLOADS}/{upload_id}/complete", headers=AUTH)
    assert done.status_code == 200, done.text
    url = done.json()["masterFileUrl"]
    kept = settings.masters_dir / f"{upload_id}.mp4"
    assert done.json()["complete"] and url == kept.as_uri() and kept.read_bytes() == data
    assert not _partial(settings, upload_id).exists()
    again = api.post(f"{UPLOADS}/{upload_id}/complete", headers=AUTH)
    assert again.status_code == 200 and again.json()["masterFileUrl"] == url  # a lost reply can be retried

    body = {"titleId": "uploaded-film", "masterFileUrl": url, "metadata": {"title": "Uploaded Film"}}
    job = api.post("/api/v1/content/upload", json=body, headers=AUTH)
    assert job.status_code == 202, job.text
    view = api.get(f"/api/v1/content/jobs/{job.json()['encodingJobId']}", headers=AUTH).json()
    assert view["masterFileUrl"] == str(kept) and view["status"] == "QUEUED"


def test_chunks_larger_than_the_api_body_limit_are_streamed(api: TestClient, settings: Settings) -> None:
    data = os.urandom(settings.max_body_bytes * 2 + 123)
    upload_id = _create(api, data, "big.mov")["uploadId"]
    assert _put(api, upload_id, 0, data).json()["offset"] == len(data)
    assert api.post(f"{UPLOADS}/{upload_id}/complete", headers=AUTH).status_code == 200
    assert (settings.masters_dir / f"{upload_id}.mov").read_bytes() == data


def test_a_torn_write_is_cut_back_to_the_acknowledged_offset(api: TestClient, settings: Settings) -> None:
    data = os.urandom(50_000)
    upload_id = _create(api, data)["uploadId"]
    assert _put(api, upload_id, 0, data[:20_000]).status_code == 200
    # A writer killed mid-chunk: bytes on disk that were never fsynced and acknowledged.
    with _partial(settings, upload_id).open("ab") as f:
        f.write(b"\xff" * 7_777)
    resumed = _put(api, upload_id, 20_000, data[20_000:35_000])
    assert resumed.status_code == 200 and resumed.json()["offset"] == 35_000
    assert _partial(settings, upload_id).read_bytes() == data[:35_000]
    with _partial(settings, upload_id).open("ab") as f:
        f.write(b"garbage")
    assert api.get(f"{UPLOADS}/{upload_id}", headers=AUTH).json()["offset"] == 35_000
    assert _partial(settings, upload_id).stat().st_size == 35_000  # GET trims too
    assert _put(api, upload_id, 35_000, data[35_000:]).status_code == 200
    done = api.post(f"{UPLOADS}/{upload_id}/complete", headers=AUTH)
    assert done.status_code == 200, done.text
    assert (
        hashlib.sha256(Path(done.json()["masterFileUrl"][7:]).read_bytes()).hexdigest()
        == done.json()["sha256"]
    )


def test_a_wrong_offset_is_a_conflict_that_says_where_to_resume(api: TestClient) -> None:
    data = os.urandom(10_000)
    upload_id = _create(api, data)["uploadId"]
    _put(api, upload_id, 0, data[:4_000])
    for offset in (0, 3_999, 4_001, 9_000):
        response = _put(api, upload_id, offset, data[offset:])
        assert response.status_code == 409
        assert response.json()["error"] == {
            "code": "offset_mismatch",
            "message": f"the upload continues at byte 4000, not {offset}",
            "offset": 4_000,
        }
    for bad in ("", "-1", "+5", "1e3", "0x10", "4000 "):
        response = _put(api, upload_id, bad, data[4_000:])
        assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_offset", bad
    missing = api.put(f"{UPLOADS}/{upload_id}", content=data[4_000:], headers=AUTH)
    assert missing.status_code == 400 and missing.json()["error"]["code"] == "invalid_offset"
    early = api.post(f"{UPLOADS}/{upload_id}/complete", headers=AUTH)
    assert early.status_code == 409 and early.json()["error"]["code"] == "upload_incomplete"
    assert early.json()["error"]["offset"] == 4_000


def test_bytes_past_the_declared_size_are_refused(api: TestClient, settings: Settings) -> None:
    data = os.urandom(10_000)
    upload_id = _create(api, data)["uploadId"]
    _put(api, upload_id, 0, data[:6_000])
    declared = _put(api, upload_id, 6_000, data[6_000:] + b"x")
    assert declared.status_code == 413 and declared.json()["error"]["code"] == "chunk_too_large"
    # Without a Content-Length (chunked transfer) the refusal comes while streaming: nothing is kept.
    streamed = _put(api, upload_id, 6_000, iter([data[6_000:9_000], data[9_000:] + b"tail"]))
    assert streamed.status_code == 413 and streamed.json()["error"]["code"] == "chunk_too_large"
    assert api.get(f"{UPLOADS}/{upload_id}", headers=AUTH).json()["offset"] == 6_000
    assert _partial(settings, upload_id).read_bytes() == data[:6_000]
    assert _put(api, upload_id, 6_000, iter([data[6_000:9_000], data[9_000:]])).json()["offset"] == 10_000


def test_a_checksum_mismatch_discards_the_upload(api: TestClient, settings: Settings) -> None:
    data = os.urandom(5_000)
    upload_id = _create(api, data, sha256="ab" * 32)["uploadId"]
    _put(api, upload_id, 0, data)
    response = api.post(f"{UPLOADS}/{upload_id}/complete", headers=AUTH)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "checksum_mismatch" and hashlib.sha256(data).hexdigest() in error["message"]
    assert "discarded" in error["message"]
    assert _files_under(settings.masters_dir) == [] and _files_under(settings.partial_uploads_dir) == []
    assert api.get(f"{UPLOADS}/{upload_id}", headers=AUTH).status_code == 404


@pytest.mark.parametrize(
    ("filename", "suffix"),
    [
        ("../../etc/passwd", ""),
        ("/etc/cron.d/evil.sh", ".sh"),
        ("..\\..\\windows\\system.ini", ".ini"),
        ("clip\x00.mp4/../../x.mkv", ".mkv"),
        ("..", ""),
        ("movie.MP4", ".mp4"),
        ("weird.mp4;rm -rf", ""),
    ],
)
def test_client_file_names_never_become_paths(
    api: TestClient, settings: Settings, tmp_path: Path, filename: str, suffix: str
) -> None:
    data = os.urandom(1_000)
    created = _create(api, data, filename)
    assert (
        "/" not in created["filename"]
        and "\\" not in created["filename"]
        and "\x00" not in created["filename"]
    )
    upload_id = created["uploadId"]
    _put(api, upload_id, 0, data)
    done = api.post(f"{UPLOADS}/{upload_id}/complete", headers=AUTH).json()
    kept = settings.masters_dir / f"{upload_id}{suffix}"
    assert done["masterFileUrl"] == kept.as_uri()
    assert _files_under(settings.masters_dir.parent) == [kept]
    names = {p.name for p in _files_under(tmp_path)}
    assert not names & {"passwd", "evil.sh", "system.ini", "x.mkv", "movie.MP4"}
    assert not Path("/etc/cron.d/evil.sh").exists()


def test_the_content_token_is_required(api: TestClient) -> None:
    data = os.urandom(100)
    upload_id = _create(api, data)["uploadId"]
    body = {"filename": "a.mp4", "sizeBytes": 100, "sha256": "0" * 64}
    attempts = [
        lambda headers: api.post(UPLOADS, json=body, headers=headers),
        lambda headers: api.get(f"{UPLOADS}/{upload_id}", headers=headers),
        lambda headers: api.put(
            f"{UPLOADS}/{upload_id}", content=data, headers={**headers, "Upload-Offset": "0"}
        ),
        lambda headers: api.post(f"{UPLOADS}/{upload_id}/complete", headers=headers),
        lambda headers: api.delete(f"{UPLOADS}/{upload_id}", headers=headers),
    ]
    for attempt in attempts:
        assert attempt({}).status_code == 401
        assert attempt({"Authorization": "Bearer wrong"}).status_code == 403
    assert api.get(f"{UPLOADS}/{upload_id}", headers=AUTH).json()["offset"] == 0


def test_unknown_uploads_are_not_found(api: TestClient, settings: Settings) -> None:
    for upload_id in ("0" * 32, "not-an-id", "0" * 31 + "G", "..."):
        for response in (
            api.get(f"{UPLOADS}/{upload_id}", headers=AUTH),
            _put(api, upload_id, 0, b"abc"),
            api.post(f"{UPLOADS}/{upload_id}/complete", headers=AUTH),
            api.delete(f"{UPLOADS}/{upload_id}", headers=AUTH),
        ):
            assert response.status_code == 404 and response.json()["error"]["code"] == "upload_not_found"
    assert _files_under(settings.data_dir / "uploads") == []


def test_abort_removes_the_partial_file(api: TestClient, settings: Settings) -> None:
    data = os.urandom(3_000)
    upload_id = _create(api, data)["uploadId"]
    _put(api, upload_id, 0, data[:1_000])
    assert api.delete(f"{UPLOADS}/{upload_id}", headers=AUTH).status_code == 204
    assert not _partial(settings, upload_id).exists()
    assert api.get(f"{UPLOADS}/{upload_id}", headers=AUTH).status_code == 404


def test_a_busy_upload_refuses_a_second_writer_but_still_answers(api: TestClient, settings: Settings) -> None:
    data = os.urandom(3_000)
    upload_id = _create(api, data)["uploadId"]
    _put(api, upload_id, 0, data[:1_000])
    with open_locked(_partial(settings, upload_id)):  # another worker is writing this upload
        busy = _put(api, upload_id, 1_000, data[1_000:])
        assert busy.status_code == 409 and busy.json()["error"]["code"] == "upload_busy"
        assert busy.json()["error"]["offset"] == 1_000
        assert api.get(f"{UPLOADS}/{upload_id}", headers=AUTH).json()["offset"] == 1_000
    assert _put(api, upload_id, 1_000, data[1_000:]).json()["offset"] == 3_000


def test_expired_uploads_are_swept(
    api: TestClient, backend: Backend, settings: Settings, master: Path
) -> None:
    data = os.urandom(2_000)
    idle = _create(api, data)["uploadId"]
    _put(api, idle, 0, data[:500])
    finished = _create(api, data)["uploadId"]
    _put(api, finished, 0, data)
    assert api.post(f"{UPLOADS}/{finished}/complete", headers=AUTH).status_code == 200
    encoded = _create(api, master.read_bytes())["uploadId"]
    _put(api, encoded, 0, master.read_bytes())
    url = api.post(f"{UPLOADS}/{encoded}/complete", headers=AUTH).json()["masterFileUrl"]
    body = {"titleId": "kept-film", "masterFileUrl": url, "metadata": {"title": "Kept Film"}}
    assert api.post("/api/v1/content/upload", json=body, headers=AUTH).status_code == 202
    with backend.sessions() as session:
        session.execute(update(ResumableUpload).values(expires_at=time.time() - 1))
        session.commit()
    _create(api, data)  # starting an upload sweeps the expired ones
    for upload_id in (idle, finished, encoded):
        assert api.get(f"{UPLOADS}/{upload_id}", headers=AUTH).status_code == 404
    assert not _partial(settings, idle).exists()
    # The master no encoding job used is gone; the one a job encodes from stays.
    assert _files_under(settings.masters_dir) == [settings.masters_dir / f"{encoded}.mp4"]


def test_sizes_beyond_the_limit_or_the_free_disk_are_refused(api: TestClient, settings: Settings) -> None:
    body = {"filename": "huge.mp4", "sizeBytes": settings.upload_max_bytes + 1, "sha256": "0" * 64}
    too_large = api.post(UPLOADS, json=body, headers=AUTH)
    assert too_large.status_code == 413 and too_large.json()["error"]["code"] == "upload_too_large"
    bigger_than_disk = shutil.disk_usage(settings.data_dir).free + (1 << 30)
    roomy = settings.model_copy(update={"upload_max_bytes": bigger_than_disk * 2})
    with TestClient(create_app(backend=Backend(roomy))) as other:
        body = {**body, "sizeBytes": bigger_than_disk}
        no_room = other.post(UPLOADS, json=body, headers=AUTH)
    assert no_room.status_code == 413 and no_room.json()["error"]["code"] == "insufficient_storage"
    assert api.post(UPLOADS, json={**body, "sizeBytes": 0}, headers=AUTH).status_code == 422


def test_an_interrupted_chunk_keeps_the_bytes_that_arrived(api: TestClient, backend: Backend) -> None:
    data = os.urandom(9_000)
    upload_id = _create(api, data)["uploadId"]
    pieces = iter([data[:2_000], data[2_000:5_000]])

    def read() -> bytes | None:
        piece = next(pieces, None)
        if piece is None:
            raise BodyInterrupted("the client went away")
        return piece

    state = backend.uploads.receive_blocking(upload_id, 0, len(data), read)
    assert state.offset == 5_000
    assert api.get(f"{UPLOADS}/{upload_id}", headers=AUTH).json()["offset"] == 5_000
    assert _put(api, upload_id, 5_000, data[5_000:]).json()["offset"] == len(data)
    assert api.post(f"{UPLOADS}/{upload_id}/complete", headers=AUTH).status_code == 200


def test_a_stalled_body_releases_the_upload_and_keeps_what_arrived(api: TestClient, backend: Backend) -> None:
    data = os.urandom(4_000)
    upload_id = _create(api, data)["uploadId"]
    uploads = ResumableUploads(backend.sessions, backend.settings, stall_timeout_s=0.05)

    async def half_then_silence() -> AsyncIterator[bytes]:
        yield data[:1_500]
        await anyio.Event().wait()  # a half-open connection: no bytes, no close
        yield data[1_500:]

    state = anyio.run(uploads.receive, upload_id, 0, len(data), half_then_silence())
    assert state.offset == 1_500
    assert _put(api, upload_id, 1_500, data[1_500:]).json()["offset"] == len(data)
