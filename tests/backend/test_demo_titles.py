"""First start: demo titles are really encoded, packaged and published, so Play works out of the box."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient
from sqlalchemy import select

from app.backend.api.app import create_app
from app.backend.db.models import Rendition, Title, TitleStatus
from app.backend.services import Backend
from app.config import Settings


def test_demo_titles_are_published_and_play(sqlite_settings: Settings) -> None:
    backend = Backend(sqlite_settings.model_copy(update={"demo_playable": 1}))
    with TestClient(create_app(backend=backend)) as api:  # the start encodes in the background
        deadline = time.monotonic() + 180
        while not (playable := _playable(backend)):
            assert time.monotonic() < deadline, "no demo title became playable"
            time.sleep(0.2)
        assert len(playable) == 1 and playable[0].maturity_rating == 0
        title = playable[0]
        with backend.sessions() as session:
            renditions = list(session.scalars(select(Rendition).where(Rendition.title_id == title.id)))
        assert sorted(r.height for r in renditions if r.kind == "video") == [180, 270, 360]
        assert [r.codec_string for r in renditions if r.kind == "audio"] == ["mp4a.40.2"]
        assert abs(title.duration_s - 16.0) < 0.2
        assert backend.publish_demo_titles() == []  # once is enough, even when asked again

        started = api.post("/api/v1/playback/start", json={"titleId": title.id, "profileId": "kids"}).json()
        master = api.get(started["manifestUrl"].removeprefix("http://testserver"))
        assert master.status_code == 200 and "#EXT-X-STREAM-INF" in master.text
        media = next(line for line in master.text.splitlines() if line.endswith(".m3u8"))
        base = started["manifestUrl"].removeprefix("http://testserver").rsplit("/", 1)[0]
        playlist = api.get(f"{base}/{media}").text
        segment = next(line for line in playlist.splitlines() if line.endswith(".m4s"))
        data = api.get(f"{base}/{media.rsplit('/', 1)[0]}/{segment}")
        assert data.status_code == 200 and data.content[4:8] in (b"styp", b"moof")
        assert api.get(started["dashManifestUrl"].removeprefix("http://testserver")).text.startswith("<?xml")
        page = api.get("/api/v1/browse/home", params={"profileId": "kids"}).json()
        assert any(card["playable"] for row in page["rows"] for card in row["titles"])


def _playable(backend: Backend) -> list[Title]:
    with backend.sessions() as session:
        return list(session.scalars(select(Title).where(Title.status == TitleStatus.PLAYABLE)))
