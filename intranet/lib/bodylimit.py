"""Refuse request bodies bigger than REQUEST_BODY_LIMIT before reading them.

Django's ASGI handler reads a whole body (to a temporary file) before any view or upload
handler runs, so the limit has to sit in front of it: a body without a declared length is cut
off when it passes the limit, and a declared Content-Length over the limit is answered 413 at
once, with one exception below.

A form with a file that is too large (a browser without JavaScript cannot check the size
first) is not answered with a bare 413 page: that would lose the title and text the person
typed. Its multipart body is read as it streams, up to READ_CAP_FACTOR times the limit, and
rebuilt without the file contents: the form's text fields (at most TEXT_BUDGET bytes of them)
reach the application, and the names of the dropped file fields are in the ASGI scope under
REFUSED_UPLOADS_KEY, so the view re-renders the form with everything typed and says why the
file was refused. Nothing of the file is stored. Anything else over the limit still gets 413.
"""

from __future__ import annotations

import re
from typing import Any

Scope = dict[str, Any]
Message = dict[str, Any]

REFUSED_UPLOADS_KEY = "outloud.refused_uploads"
TEXT_BUDGET = 1024 * 1024  # the form's own fields: titles and bodies are far smaller
READ_CAP_FACTOR = 4  # beyond this the body is not worth reading to save a form
HEADER_LIMIT = 16 * 1024  # one part's headers

PAGE = (
    "<!doctype html><html lang=en><meta charset=utf-8><title>File too large</title>"
    "<body style='font-family:system-ui,sans-serif;max-width:40em;margin:4em auto'>"
    "<h1>That upload is too large</h1><p>Files can be at most {mb} MB. Nothing was saved: "
    "go back, and your browser still has the text you typed; choose a smaller file.</p>"
)

_BOUNDARY = re.compile(rb'boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))', re.IGNORECASE)
_NAME = re.compile(rb'\bname="([^"]*)"', re.IGNORECASE)
_FILENAME = re.compile(rb"\bfilename\*?=", re.IGNORECASE)


class Unsalvageable(Exception):
    """The body cannot be reduced to its text fields (malformed, or too much text)."""


class MultipartTextOnly:
    """Reads a multipart/form-data body chunk by chunk and keeps only its non-file parts.

    Memory stays bounded by TEXT_BUDGET plus one chunk: file contents are dropped as they
    pass. `body()` gives the rebuilt body; `dropped` the names of the file fields left out.
    """

    def __init__(self, boundary: bytes) -> None:
        self.delimiter = b"--" + boundary
        self.buffer = b""
        self.state = "preamble"
        self.kept: list[bytes] = []
        self.kept_size = 0
        self.dropped: list[str] = []
        self.part_headers = b""
        self.part_is_file = False
        self.part_content: list[bytes] = []

    def feed(self, chunk: bytes) -> None:
        self.buffer += chunk
        while self._step():
            pass

    def _step(self) -> bool:
        if self.state == "preamble":
            at = self.buffer.find(self.delimiter)
            if at < 0:
                self.buffer = self.buffer[-len(self.delimiter) :]
                return False
            self.buffer = self.buffer[at:]
            self.state = "boundary"
            return True
        if self.state == "boundary":  # the buffer starts with the delimiter
            after = self.buffer[len(self.delimiter) : len(self.delimiter) + 2]
            if len(after) < 2:
                return False
            if after == b"--":
                self.state, self.buffer = "done", b""
                return False
            if after != b"\r\n":
                raise Unsalvageable("malformed boundary")
            self.buffer = self.buffer[len(self.delimiter) + 2 :]
            self.state = "headers"
            return True
        if self.state == "headers":
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buffer) > HEADER_LIMIT:
                    raise Unsalvageable("part headers too long")
                return False
            self.part_headers = self.buffer[:end]
            self.part_is_file = self._is_file(self.part_headers)
            self.part_content = []
            self.buffer = self.buffer[end + 4 :]
            self.state = "content"
            return True
        if self.state == "content":
            end_marker = b"\r\n" + self.delimiter
            at = self.buffer.find(end_marker)
            if at < 0:
                keep = len(end_marker) - 1  # a marker may straddle two chunks
                if len(self.buffer) > keep:
                    self._content(self.buffer[:-keep])
                    self.buffer = self.buffer[-keep:]
                return False
            self._content(self.buffer[:at])
            self._end_part()
            self.buffer = self.buffer[at + 2 :]
            self.state = "boundary"
            return True
        return False  # done: an epilogue is ignored

    @staticmethod
    def _is_file(headers: bytes) -> bool:
        for line in headers.split(b"\r\n"):
            if line.lower().startswith(b"content-disposition:"):
                return bool(_FILENAME.search(line))
        raise Unsalvageable("a part without Content-Disposition")

    def _content(self, data: bytes) -> None:
        if self.part_is_file or not data:
            return
        self.kept_size += len(data)
        if self.kept_size > TEXT_BUDGET:
            raise Unsalvageable("too much text")
        self.part_content.append(data)

    def _end_part(self) -> None:
        if self.part_is_file:
            name = _NAME.search(self.part_headers)
            self.dropped.append(name.group(1).decode("utf-8", "replace") if name else "")
            return
        self.kept.append(
            self.delimiter + b"\r\n" + self.part_headers + b"\r\n\r\n" + b"".join(self.part_content)
        )

    def body(self) -> bytes:
        if self.state != "done":
            raise Unsalvageable("the body ended before its closing boundary")
        return b"".join(part + b"\r\n" for part in self.kept) + self.delimiter + b"--\r\n"


def multipart_boundary(headers: dict[bytes, bytes]) -> bytes | None:
    content_type = headers.get(b"content-type", b"")
    if not content_type.lower().startswith(b"multipart/form-data"):
        return None
    found = _BOUNDARY.search(content_type)
    return (found.group(1) or found.group(2)) if found else None


class BodySizeLimit:
    def __init__(self, app: Any, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            boundary = multipart_boundary(headers)
            if boundary is None or int(declared) > self.limit * READ_CAP_FACTOR:
                await self._refuse(send)
                return
            await self._without_files(scope, receive, send, boundary)
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

    async def _without_files(self, scope: Scope, receive: Any, send: Any, boundary: bytes) -> None:
        reader = MultipartTextOnly(boundary)
        try:
            while True:
                message: Message = await receive()
                if message["type"] != "http.request":
                    return  # the client went away: nobody to answer
                reader.feed(message.get("body", b""))
                if not message.get("more_body"):
                    break
            body = reader.body()
        except Unsalvageable:
            await self._refuse(send)
            return
        headers = [(k, v) for k, v in scope.get("headers") or [] if k != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode()))
        reduced = dict(scope, headers=headers)
        reduced[REFUSED_UPLOADS_KEY] = tuple(reader.dropped)
        delivered = False

        async def reduced_receive() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()  # after the body: wait for the client to disconnect

        await self.app(reduced, reduced_receive, send)

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
