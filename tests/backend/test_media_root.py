"""Published media is served from the media root and nothing outside it, whatever the path says."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from app.backend.services import Backend


@pytest.fixture
def published(backend: Backend) -> str:
    folder = backend.settings.media_root / "titles" / "t1" / "v1"
    folder.mkdir(parents=True)
    (folder / "master.m3u8").write_text("#EXTM3U\n")
    (backend.settings.data_dir / "secret.txt").write_text("not for viewers")
    (backend.settings.media_root / "escape").symlink_to(backend.settings.data_dir)
    return "titles/t1/v1/master.m3u8"


def test_published_objects_are_served_immutable(api: TestClient, published: str) -> None:
    response = api.get(f"/media/{published}")
    assert response.status_code == 200 and response.text == "#EXTM3U\n"
    assert "immutable" in response.headers["cache-control"]
    assert response.headers["content-type"].startswith("application/vnd.apple.mpegurl")


@pytest.mark.parametrize(
    "path",
    [
        "..%2Fsecret.txt",
        "%2e%2e/secret.txt",
        "titles/%2e%2e/%2e%2e/secret.txt",
        "%2Fetc%2Fpasswd",
        "titles/t1/v1/..%5C..%5Csecret.txt",
        "escape/secret.txt",
        "titles/t1/v1/master.m3u8%00.png",
    ],
)
def test_paths_outside_the_media_root_are_refused(api: TestClient, published: str, path: str) -> None:
    response = api.get(f"/media/{path}")
    assert response.status_code in (400, 404)
    assert "not for viewers" not in response.text
