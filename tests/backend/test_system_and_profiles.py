"""Health, version and the profile list."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_health_and_version(api: TestClient, database_url: str) -> None:
    assert api.get("/api/v1/health").json() == {"status": "ok"}
    version = api.get("/api/v1/version").json()
    assert version["schemaRevision"] == "0006"
    assert version["database"] == database_url.split(":")[0].split("+")[0]
    assert "playback" in version["capabilities"] and "resumable-upload" in version["capabilities"]


def test_profiles_list_the_household_first(api: TestClient) -> None:
    profiles = api.get("/api/v1/profiles").json()
    assert [p["profileId"] for p in profiles[:3]] == ["alex", "sam", "kids"]
    assert profiles[2] == {"profileId": "kids", "name": "Kids", "maturity": 7, "region": "US"}
    household = api.get("/api/v1/profiles", params={"accountId": "demo-household"}).json()
    assert len(household) == 3


def test_openapi_documents_the_platform_routes(api: TestClient) -> None:
    paths = api.get("/openapi.json").json()["paths"]
    for path in (
        "/api/v1/content/upload",
        "/api/v1/content/uploads",
        "/api/v1/content/uploads/{upload_id}",
        "/api/v1/content/uploads/{upload_id}/complete",
        "/api/v1/browse/home",
        "/api/v1/playback/start",
        "/api/v1/playback/heartbeat",
        "/api/v1/search",
        "/api/v1/titles/{title_id}",
        "/api/v1/profiles",
        "/api/v1/health",
        "/api/v1/version",
    ):
        assert path in paths
