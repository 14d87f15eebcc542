"""Bodies over REQUEST_BODY_LIMIT are refused before the application reads them."""

from __future__ import annotations

from intranet.lib.bodylimit import BodySizeLimit


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
