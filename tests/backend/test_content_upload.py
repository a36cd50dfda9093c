"""The content API: token required, masters probed, jobs recorded and controlled, refusals write nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from app.backend.db.models import EncodingJob, Title, TitleStatus
from app.backend.services import Backend
from app.studio.media.synthetic import synthesize_master

from .conftest import AUTH


@pytest.fixture(scope="module")
def master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return synthesize_master(tmp_path_factory.mktemp("upload") / "master.mp4", seconds=1.0)


def _upload(api: TestClient, title_id: str, url: str, metadata: dict | None = None, headers=AUTH):
    body = {"titleId": title_id, "masterFileUrl": url, "metadata": metadata or {"title": "New Film"}}
    return api.post("/api/v1/content/upload", json=body, headers=headers)


def _job_count(backend: Backend) -> int:
    with backend.sessions() as session:
        return session.scalar(select(func.count()).select_from(EncodingJob)) or 0


def test_upload_needs_a_valid_token(api: TestClient, master: Path) -> None:
    missing = _upload(api, "new-film", str(master), headers={})
    assert missing.status_code == 401 and missing.json()["error"]["code"] == "token_missing"
    wrong = _upload(api, "new-film", str(master), headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 403 and wrong.json()["error"]["code"] == "token_invalid"
    assert api.get("/api/v1/content/jobs").status_code == 401


def test_upload_records_a_queued_job_and_creates_the_title(
    api: TestClient, backend: Backend, master: Path
) -> None:
    response = _upload(
        api, "new-film", master.as_uri(), {"title": "New Film", "genres": ["Drama"], "year": 2024}
    )
    assert response.status_code == 202, response.text
    body = response.json()
    assert body["status"] == "QUEUED" and body["estimatedCompletion"]
    job = api.get(f"/api/v1/content/jobs/{body['encodingJobId']}", headers=AUTH).json()
    assert job["titleId"] == "new-film" and job["masterFileUrl"] == str(master)
    title = api.get("/api/v1/titles/new-film").json()
    assert title["status"] == TitleStatus.PROCESSING and title["genres"] == ["Drama"]
    assert api.get("/api/v1/search", params={"q": "new film"}).json()["results"][0]["titleId"] == "new-film"
    again = _upload(api, "new-film", str(master))
    assert again.status_code == 409 and again.json()["error"]["code"] == "job_already_active"
    assert _job_count(backend) == 1


@pytest.mark.parametrize(
    ("url_of", "code"),
    [
        (lambda d: str(d / "missing.mp4"), "master_not_found"),
        (lambda d: str(d), "master_not_a_file"),
        (lambda d: "relative/path.mp4", "invalid_master"),
        (lambda d: "ftp://example.com/x.mp4", "invalid_master"),
        (lambda d: "http:///nohost.mp4", "invalid_master"),
    ],
)
def test_bad_masters_are_rejected_without_writing(
    api: TestClient, backend: Backend, tmp_path: Path, url_of, code
) -> None:
    response = _upload(api, "new-film", url_of(tmp_path))
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == code
    assert _job_count(backend) == 0
    assert api.get("/api/v1/titles/new-film").status_code == 404


def _broken_masters(folder: Path, master: Path) -> dict[str, Path]:
    text = folder / "notes.mp4"
    text.write_text("not a video at all\n" * 50)
    cut = folder / "cut.mp4"
    cut.write_bytes(master.read_bytes()[: master.stat().st_size // 3])
    silent = synthesize_master(folder / "silent.mp4", seconds=1.0, audio=False)
    return {"master_not_media": text, "master_truncated": cut, "master_no_audio": silent}


def test_masters_that_fail_probing_never_become_jobs(
    api: TestClient, backend: Backend, tmp_path: Path, master: Path
) -> None:
    for code, path in _broken_masters(tmp_path, master).items():
        response = _upload(api, "new-film", str(path))
        assert response.status_code == 422, response.text
        error = response.json()["error"]
        assert error["code"] == code and error["message"].startswith(f"master {path.name} was rejected: ")
    assert _job_count(backend) == 0
    assert api.get("/api/v1/titles/new-film").status_code == 404
    silent = tmp_path / "silent.mp4"
    allowed = _upload(api, "new-film", str(silent), {"title": "Quiet Film", "allowSilent": True})
    assert allowed.status_code == 202, allowed.text


def test_jobs_cannot_be_paused_without_a_workflow_but_can_be_cancelled_and_rerun(
    api: TestClient, backend: Backend, master: Path
) -> None:
    job_id = _upload(api, "new-film", str(master)).json()["encodingJobId"]
    jobs = "/api/v1/content/jobs"
    paused = api.post(f"{jobs}/{job_id}/pause", headers=AUTH)
    assert paused.status_code == 409 and paused.json()["error"]["code"] == "no_workflow"
    assert api.post(f"{jobs}/{job_id}/rerun", headers=AUTH).json()["error"]["code"] == "job_active"
    cancelled = api.post(f"{jobs}/{job_id}/cancel", headers=AUTH)
    assert cancelled.status_code == 202 and cancelled.json()["status"] == "CANCELLED"
    assert api.get("/api/v1/titles/new-film").json()["status"] == TitleStatus.DRAFT
    assert api.post(f"{jobs}/{job_id}/resume", headers=AUTH).json()["error"]["code"] == "job_state"
    rerun = api.post(f"{jobs}/{job_id}/rerun", headers=AUTH)
    assert rerun.status_code == 202 and rerun.json()["status"] == "QUEUED"
    assert rerun.json()["encodeId"] != api.get(f"{jobs}/{job_id}", headers=AUTH).json()["encodeId"]
    assert api.post(f"{jobs}/missing-job/cancel", headers=AUTH).status_code == 404
    assert _job_count(backend) == 2


def test_empty_master_and_missing_metadata_write_nothing(
    api: TestClient, backend: Backend, tmp_path: Path, master: Path
) -> None:
    empty = tmp_path / "empty.mp4"
    empty.touch()
    assert _upload(api, "new-film", str(empty)).json()["error"]["code"] == "master_empty"
    no_name = _upload(api, "brand-new", str(master), metadata={"genres": ["Drama"]})
    assert no_name.status_code == 422 and no_name.json()["error"]["code"] == "title_metadata_missing"
    with backend.sessions() as session:
        assert session.get(Title, "brand-new") is None
    assert _job_count(backend) == 0


def test_malformed_oversized_and_mistyped_bodies(api: TestClient, backend: Backend, master: Path) -> None:
    url = "/api/v1/content/upload"
    headers = {**AUTH, "Content-Type": "application/json"}
    malformed = api.post(url, content=b'{"titleId": "x", ', headers=headers)
    assert malformed.status_code == 400 and malformed.json()["error"]["code"] == "malformed_json"
    huge = api.post(url, content=b"[" + b"1," * 700_000 + b"1]", headers=headers)
    assert huge.status_code == 413 and huge.json()["error"]["code"] == "body_too_large"
    mistyped = api.post(url, json={"titleId": 5, "masterFileUrl": ["x"]}, headers=AUTH)
    assert mistyped.status_code == 422 and "masterFileUrl" in mistyped.json()["error"]["message"]
    traversal = _upload(api, "../etc/passwd", str(master))
    assert traversal.status_code == 422
    bad_codec = _upload(api, "new-film", str(master), {"title": "X", "codecs": ["mpeg2"]})
    assert bad_codec.status_code == 422
    assert _job_count(backend) == 0


def test_job_store_upserts_progress_and_ends_a_job_once(
    api: TestClient, backend: Backend, master: Path
) -> None:
    job_id = _upload(api, "new-film", str(master)).json()["encodingJobId"]
    store = backend.jobs
    assert store.start_job(job_id) and not store.start_job(job_id)
    store.report(job_id, "rung:h264_240p_300k", {"state": "running", "percent": 10.0})
    store.report(job_id, "rung:h264_240p_300k", {"state": "running", "percent": 60.0})
    progress = api.get(f"/api/v1/content/jobs/{job_id}", headers=AUTH).json()["progress"]
    assert progress["step"] == "encode" and progress["rungs"][0]["percent"] == 60.0
    assert store.end_job(job_id, "NEEDS_REVIEW", "encode failed 5 times: boom")
    assert not store.end_job(job_id, "CANCELLED", "too late")
    view = api.get(f"/api/v1/content/jobs/{job_id}", headers=AUTH).json()
    assert view["status"] == "NEEDS_REVIEW" and view["error"] == "encode failed 5 times: boom"
    assert api.get("/api/v1/titles/new-film").json()["status"] == TitleStatus.FAILED
