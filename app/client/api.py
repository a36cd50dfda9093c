"""Typed access to the platform API over httpx, shared by the GUI and the headless commands."""

from __future__ import annotations

from typing import Any

import httpx

DEFAULT_TIMEOUT_S = 10.0
HEARTBEAT_TIMEOUT_S = 3.0  # a heartbeat is not worth blocking playback bookkeeping for longer


class ApiError(Exception):
    """A failed API call, carrying the backend's error code and message (or the transport failure)."""

    def __init__(self, status: int, code: str, message: str, extra: dict[str, Any] | None = None) -> None:
        super().__init__(f"{message} ({code}, HTTP {status})" if status else message)
        self.status = status
        self.code = code
        self.message = message
        self.extra = extra or {}  # the error object's other fields, e.g. an upload's current "offset"


class ApiClient:
    def __init__(self, base_url: str, token: str | None = None, timeout_s: float = DEFAULT_TIMEOUT_S) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.base_url = base_url.rstrip("/")
        self._http = httpx.Client(base_url=self.base_url, headers=headers, timeout=timeout_s)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def health(self) -> bool:
        try:
            return self._http.get("/api/v1/health", timeout=2.0).status_code == 200
        except httpx.HTTPError:
            return False

    def version(self) -> dict[str, Any]:
        return self._call("GET", "/api/v1/version")

    def profiles(self) -> list[dict[str, Any]]:
        return self._call("GET", "/api/v1/profiles")

    def home(self, profile_id: str) -> dict[str, Any]:
        return self._call("GET", "/api/v1/browse/home", params={"profileId": profile_id})

    def create_profile(
        self, name: str, maturity: int, region: str, account_id: str | None = None
    ) -> dict[str, Any]:
        body: dict[str, Any] = {"name": name, "maturity": maturity, "region": region}
        if account_id is not None:  # the backend picks the default account when it is left out
            body["accountId"] = account_id
        return self._call("POST", "/api/v1/profiles", json=body)

    def set_tastes(self, profile_id: str, genres: list[str]) -> None:
        self._call("PUT", f"/api/v1/profiles/{profile_id}/tastes", json={"genres": genres})

    def quiz_genres(self) -> list[dict[str, Any]]:
        """Genres to offer a new profile's taste quiz: ``[{name, titles}]``."""
        return self._call("GET", "/api/v1/genres")

    def send_events(self, events: list[dict[str, Any]]) -> int:
        """Append viewer events (``{profileId, titleId, type, value?, ts?}``); returns how many were kept."""
        return int(self._call("POST", "/api/v1/events", json={"events": events})["accepted"])

    def search(self, query: str, **filters: str) -> list[dict[str, Any]]:
        return self.search_page(query, **filters)["results"]

    def search_page(self, query: str, **filters: str) -> dict[str, Any]:
        """The whole search response: ``results`` plus, on newer backends, ``facets``."""
        return self._call("GET", "/api/v1/search", params={"q": query, **filters})

    def title(self, title_id: str, profile_id: str | None = None) -> dict[str, Any]:
        params = {"profileId": profile_id} if profile_id else None
        return self._call("GET", f"/api/v1/titles/{title_id}", params=params)

    def poster(self, title_id: str) -> bytes:
        """The title's poster as PNG bytes."""
        return self._call("GET", f"/api/v1/titles/{title_id}/poster.png", raw=True)

    def upload(self, title_id: str, master_file_url: str, metadata: dict[str, Any]) -> dict[str, Any]:
        body = {"titleId": title_id, "masterFileUrl": master_file_url, "metadata": metadata}
        return self._call("POST", "/api/v1/content/upload", json=body)

    def create_resumable_upload(self, filename: str, size_bytes: int, sha256: str) -> dict[str, Any]:
        """Start a resumable upload (see :mod:`app.backend.content.resumable`): ``{uploadId, offset, …}``."""
        body = {"filename": filename, "sizeBytes": size_bytes, "sha256": sha256}
        return self._call("POST", "/api/v1/content/uploads", json=body)

    def resumable_upload(self, upload_id: str) -> dict[str, Any]:
        """Where an upload stands: ``offset`` to resume from, ``complete`` and then ``masterFileUrl``."""
        return self._call("GET", f"/api/v1/content/uploads/{upload_id}")

    def send_upload_chunk(
        self, upload_id: str, offset: int, data: bytes, timeout_s: float | None = None
    ) -> dict[str, Any]:
        """Append ``data`` at ``offset``; a 409 :class:`ApiError` carries the server's offset in ``extra``."""
        return self._call(
            "PUT",
            f"/api/v1/content/uploads/{upload_id}",
            content=data,
            headers={"Upload-Offset": str(offset), "Content-Type": "application/offset+octet-stream"},
            timeout=timeout_s or self._http.timeout,
        )

    def complete_upload(self, upload_id: str, timeout_s: float | None = None) -> dict[str, Any]:
        """Have the backend check size and SHA-256 (it reads the whole file) and take the master."""
        return self._call(
            "POST", f"/api/v1/content/uploads/{upload_id}/complete", timeout=timeout_s or self._http.timeout
        )

    def abort_upload(self, upload_id: str) -> None:
        self._call("DELETE", f"/api/v1/content/uploads/{upload_id}")

    def cdn_servers(self) -> list[dict[str, Any]]:
        return self._call("GET", "/api/v1/cdn/servers")

    def inject_faults(self, server: str, faults: dict[str, Any]) -> dict[str, Any]:
        return self._call("POST", f"/api/v1/cdn/servers/{server}/faults", json=faults)

    def clear_faults(self, server: str) -> dict[str, Any]:
        return self._call("DELETE", f"/api/v1/cdn/servers/{server}/faults")

    def kill_server(self, server: str) -> None:
        self._call("POST", f"/api/v1/cdn/servers/{server}/kill", raw=True)

    def preposition(self) -> dict[str, Any]:
        return self._call("POST", "/api/v1/cdn/preposition", timeout=600.0)

    def job(self, job_id: str) -> dict[str, Any]:
        return self._call("GET", f"/api/v1/content/jobs/{job_id}")

    def jobs(self) -> list[dict[str, Any]]:
        return self._call("GET", "/api/v1/content/jobs")

    def job_ladder(self, job_id: str) -> dict[str, Any]:
        """The job's planned ladder with its rate-quality points and convex hulls (404 until planned)."""
        return self._call("GET", f"/api/v1/content/jobs/{job_id}/ladder")

    def control_job(self, job_id: str, action: str) -> dict[str, Any]:
        """``pause``, ``resume``, ``cancel`` or ``rerun`` a job; returns the job (the new one for rerun)."""
        return self._call("POST", f"/api/v1/content/jobs/{job_id}/{action}")

    def start_playback(self, title_id: str, profile_id: str) -> dict[str, Any]:
        body = {"titleId": title_id, "profileId": profile_id}
        return self._call("POST", "/api/v1/playback/start", json=body)

    def heartbeat(self, session_id: str, position_s: float, bitrate_kbps: int, buffer_s: float) -> bool:
        """Record the position; the backend's answer says whether the session may continue."""
        body = _beat(session_id, position_s, bitrate_kbps, buffer_s)
        answer = self._call("POST", "/api/v1/playback/heartbeat", json=body, timeout=HEARTBEAT_TIMEOUT_S)
        return bool(answer["continue"])

    def stop_playback(
        self, session_id: str, position_s: float, bitrate_kbps: int, buffer_s: float, qoe: dict[str, Any]
    ) -> None:
        body = {**_beat(session_id, position_s, bitrate_kbps, buffer_s), "qoe": qoe}
        self._call("POST", "/api/v1/playback/stop", json=body, timeout=HEARTBEAT_TIMEOUT_S)

    def steering(self, session_id: str) -> dict[str, Any]:
        return self._call("GET", f"/api/v1/steering/{session_id}", timeout=HEARTBEAT_TIMEOUT_S)

    def _call(self, method: str, path: str, *, raw: bool = False, **kwargs: Any) -> Any:
        """Send one request; JSON (or the raw bytes) back on success, :class:`ApiError` otherwise."""
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise ApiError(0, "unreachable", f"backend at {self.base_url} unreachable: {exc}") from exc
        if response.is_success:
            if raw:
                return response.content
            return response.json() if response.content else None  # 204 No Content has no body
        try:
            error = response.json()["error"]
            code, message = error["code"], error["message"]
            extra = {k: v for k, v in error.items() if k not in ("code", "message")}
        except (ValueError, KeyError, TypeError, AttributeError):
            code, message, extra = "http_error", response.text[:200] or response.reason_phrase, {}
        raise ApiError(response.status_code, code, message, extra)


def _beat(session_id: str, position_s: float, bitrate_kbps: int, buffer_s: float) -> dict[str, Any]:
    return {
        "sessionId": session_id,
        "currentPosition": round(max(position_s, 0.0), 3),
        "currentBitrate": int(bitrate_kbps),
        "bufferHealth": round(max(buffer_s, 0.0), 3),
    }
