"""Refuse request bodies bigger than REQUEST_BODY_LIMIT before reading them.

Django's ASGI handler reads a whole body (to a temporary file) before any view or upload
handler runs, so the limit has to sit in front of it: a declared Content-Length over the
limit is answered 413 at once; a body without one is cut off when it passes the limit.
"""

from __future__ import annotations

from typing import Any

Scope = dict[str, Any]
Message = dict[str, Any]

PAGE = (
    "<!doctype html><html lang=en><meta charset=utf-8><title>File too large</title>"
    "<body style='font-family:system-ui,sans-serif;max-width:40em;margin:4em auto'>"
    "<h1>That upload is too large</h1><p>Files can be at most {mb} MB. Nothing was saved: "
    "go back, and your browser still has the text you typed; choose a smaller file.</p>"
)


class BodySizeLimit:
    def __init__(self, app: Any, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._refuse(send)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message: Message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    return {"type": "http.disconnect"}
            return message

        await self.app(scope, limited_receive, send)

    async def _refuse(self, send: Any) -> None:
        body = PAGE.format(mb=round(self.limit / 1024 / 1024) - 1).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"text/html; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                    (b"x-content-type-options", b"nosniff"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
