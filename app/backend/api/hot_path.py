"""Answer home-page cache hits straight from the ASGI layer, before routing and dependency injection.

The home page is read far more than anything else and its hits are ready-made bytes, so running
them through the framework would cost more than the work itself. Only hits are served here;
misses, bad parameters and every error fall through to the documented FastAPI route.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from starlette.types import ASGIApp, Receive, Scope, Send

from app.backend.catalog.ids import is_valid_id
from app.backend.home.cache import HomeCache

HOME_PATH = "/api/v1/browse/home"


class HomeCacheHits:
    def __init__(self, app: ASGIApp, cache: HomeCache) -> None:
        self.app = app
        self.cache = cache

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == HOME_PATH and scope["method"] == "GET":
            body = self._hit(scope["query_string"])
            if body is not None:
                headers = [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ]
                await send({"type": "http.response.start", "status": 200, "headers": headers})
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)

    def _hit(self, query_string: bytes) -> bytes | None:
        values = parse_qs(query_string.decode("latin-1")).get("profileId")
        if not values or len(values) != 1 or not is_valid_id(values[0]):
            return None
        return self.cache.cached_page(values[0])
