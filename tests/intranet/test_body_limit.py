"""Bodies over REQUEST_BODY_LIMIT are refused before the application reads them."""

from __future__ import annotations

import io
from typing import Any

import pytest

from intranet.lib.bodylimit import (
    REFUSED_UPLOADS_KEY,
    TEXT_BUDGET,
    BodySizeLimit,
    MultipartTextOnly,
    Unsalvageable,
)


async def run(app, headers, chunks):
    sent, received = [], iter(chunks)

    async def receive():
        try:
            return {"type": "http.request", "body": next(received), "more_body": True}
        except StopIteration:
            return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/drafts/new/", "headers": headers}
    await BodySizeLimit(app, limit=1000)(scope, receive, send)
    return sent


async def test_a_declared_length_over_the_limit_gets_413_without_reaching_the_app():
    reached = []

    async def app(scope, receive, send):
        reached.append(scope)

    sent = await run(app, [(b"content-length", b"1001")], [b"x" * 1001])
    assert not reached
    assert sent[0]["status"] == 413
    assert b"too large" in sent[1]["body"]


async def test_a_streamed_body_is_cut_off_at_the_limit():
    seen = []

    async def app(scope, receive, send):
        while True:
            message = await receive()
            seen.append(message["type"])
            if message["type"] == "http.disconnect" or not message.get("more_body"):
                return

    await run(app, [], [b"x" * 600, b"x" * 600, b"x" * 600])
    assert seen == ["http.request", "http.disconnect"]


async def test_bodies_within_the_limit_pass_untouched():
    bodies = []

    async def app(scope, receive, send):
        while True:
            message = await receive()
            bodies.append(message.get("body", b""))
            if not message.get("more_body"):
                return

    await run(app, [(b"content-length", b"1000")], [b"x" * 500, b"x" * 500])
    assert b"".join(bodies) == b"x" * 1000


def multipart(fields: dict, boundary: str = "BoUnDaRy") -> bytes:
    from django.test.client import encode_multipart

    return encode_multipart(boundary, fields)


class Named(io.BytesIO):
    name = "plan.pdf"


@pytest.mark.parametrize("chunk_size", [1, 2, 7, 64, 1000, 100_000])
def test_text_fields_are_kept_and_file_contents_dropped_however_the_body_is_split(chunk_size):
    from django.http.multipartparser import MultiPartParser

    body = multipart(
        {
            "title": "Plan -- BoUnDaRy-ish title",
            "file": Named(b"\r\n--BoUnDar" + b"x" * 5000),
            "body": "Line one\r\nLine two ✓",
        }
    )
    reader = MultipartTextOnly(b"BoUnDaRy")
    for at in range(0, len(body), chunk_size):
        reader.feed(body[at : at + chunk_size])
    rebuilt = reader.body()
    assert reader.dropped == ["file"]
    assert b"xxxx" not in rebuilt
    meta = {"CONTENT_TYPE": "multipart/form-data; boundary=BoUnDaRy"}
    meta["CONTENT_LENGTH"] = str(len(rebuilt))
    post, files = MultiPartParser(meta, io.BytesIO(rebuilt), [], "utf-8").parse()
    assert post.dict() == {
        "title": "Plan -- BoUnDaRy-ish title",
        "body": "Line one\r\nLine two ✓",
    }
    assert not files


def test_a_truncated_or_malformed_body_cannot_be_salvaged():
    body = multipart({"title": "Plan", "file": Named(b"x" * 100)})
    reader = MultipartTextOnly(b"BoUnDaRy")
    reader.feed(body[: len(body) // 2])
    with pytest.raises(Unsalvageable):
        reader.body()
    with pytest.raises(Unsalvageable):
        MultipartTextOnly(b"BoUnDaRy").feed(b"--BoUnDaRyXX")


def test_more_text_than_a_form_holds_cannot_be_salvaged():
    reader = MultipartTextOnly(b"BoUnDaRy")
    with pytest.raises(Unsalvageable):
        reader.feed(multipart({"body": "x" * (TEXT_BUDGET + 1)}))


async def test_a_form_over_the_limit_reaches_the_app_without_its_file():
    body = multipart({"title": "Plan", "file": Named(b"x" * 3000)})
    reached: dict[str, Any] = {}

    async def app(scope, receive, send):
        message = await receive()
        reached.update(scope=scope, body=message["body"], more=message["more_body"])

    headers = [
        (b"content-type", b"multipart/form-data; boundary=BoUnDaRy"),
        (b"content-length", str(len(body)).encode()),
    ]
    sent = await run(app, headers, [body[:1500], body[1500:]])
    assert not sent
    assert reached["scope"][REFUSED_UPLOADS_KEY] == ("file",)
    assert b"Plan" in reached["body"] and b"xxx" not in reached["body"]
    assert reached["more"] is False
    length = dict(reached["scope"]["headers"])[b"content-length"]
    assert int(length) == len(reached["body"])


async def test_a_form_far_over_the_limit_or_not_multipart_gets_413():
    async def app(scope, receive, send):
        raise AssertionError("must not be reached")

    far = [(b"content-type", b"multipart/form-data; boundary=x"), (b"content-length", b"4001")]
    assert (await run(app, far, []))[0]["status"] == 413
    plain = [(b"content-type", b"application/json"), (b"content-length", b"1001")]
    assert (await run(app, plain, [b"x" * 1001]))[0]["status"] == 413
