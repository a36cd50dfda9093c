"""Reference server for the API benchmark: a bare ASGI app on the same uvicorn, returning fixed bytes.

It is the floor for "serve these bytes from Python on this machine"; our home route is measured
against it in the same run.
"""

from __future__ import annotations

import sys
from pathlib import Path

import uvicorn


def main() -> None:
    port, body_file = int(sys.argv[1]), sys.argv[2]
    body = Path(body_file).read_bytes()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]

    async def app(scope, receive, send):  # type: ignore[no-untyped-def]
        if scope["type"] != "http":
            return
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
