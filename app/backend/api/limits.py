"""Reject request bodies over a size limit before a route buffers them (ASGI middleware)."""

from __future__ import annotations

from collections.abc import Callable

import orjson
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodySizeLimit:
    """413 for a declared Content-Length over the limit, and for a streamed body that grows past it.

    The streamed case raises an HTTPException from inside the route's body read, which FastAPI
    passes through unchanged to the API's error handlers.
    """

    def __init__(
        self, app: ASGIApp, max_bytes: int, exempt: Callable[[str, str], bool] | None = None
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.exempt = exempt  # (method, path) of routes that bound their bodies themselves

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or (self.exempt and self.exempt(scope["method"], scope["path"])):
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await self._reject(send)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise HTTPException(413, self._message())
            return message

        await self.app(scope, limited_receive, send)

    def _message(self) -> str:
        return f"request body over {self.max_bytes} bytes"

    async def _reject(self, send: Send) -> None:
        body = orjson.dumps({"error": {"code": "body_too_large", "message": self._message()}})
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})
