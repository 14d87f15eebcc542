"""Redis stops while people are posting (the scale configuration: Redis carries the channel
layer and the cache). Posting must go on, every notification must still be a row, and a
socket that reconnects once Redis is back receives every one it missed, each once.

Redis is taken away through a proxy the test cuts (tests/support/proxy.py), so the real
Redis that other tests share keeps running."""

from __future__ import annotations

import os
import time
from urllib.parse import urlsplit

import pytest

from tests.support.proxy import Proxy
from tests.support.server import (
    Browser,
    Socket,
    manage,
    served,
    server_env,
    signed_in_sessions,
)

pytestmark = pytest.mark.services


def hello(sock: Socket, last_id: int) -> list[dict]:
    """Say hello from last_id; the notifications replayed before "ready"."""
    sock.send_json({"type": "hello", "last_id": last_id})
    replayed = []
    while (message := sock.recv_json())["type"] != "ready":
        if message["type"] == "notification":
            replayed.append(message)
    return replayed


def compose(browser: Browser, body: str) -> int:
    status, url, _ = browser.post("/compose/", {"kind": "status", "body": body, "tags": ""})
    return status


def test_posting_goes_on_while_redis_is_down_and_a_reconnect_gets_every_mention(tmp_path):
    redis = urlsplit(os.environ["REDIS_URL"])
    with Proxy(redis.hostname or "127.0.0.1", redis.port or 6379) as proxy:
        env = {**server_env(tmp_path), "REDIS_URL": f"redis://127.0.0.1:{proxy.port}{redis.path}"}
        manage("migrate", "--noinput", env=env)
        sessions = signed_in_sessions(["maria", "ken"], env=env)
        with served(tmp_path, server="uvicorn", env=env) as base:
            maria, ken = Browser(base), Browser(base)
            maria.use_session(sessions["maria"])
            ken.use_session(sessions["ken"])
            maria.get("/")  # the CSRF cookie
            ken.get("/")
            cookie = f"sessionid={sessions['ken']}"
            sock = Socket(base, "/ws/notifications/", cookie=cookie, origin=base)
            assert " 101 " in sock.status
            assert hello(sock, 0) == []

            assert compose(maria, "Before the outage, @ken") == 200
            pushed = sock.recv_json(timeout=5)
            assert pushed["type"] == "notification" and "Before the outage" in pushed["text"]
            last_id = pushed["id"]

            proxy.cut()
            started = time.monotonic()
            statuses = [compose(maria, f"During the outage {n}, @ken") for n in range(5)]
            assert statuses == [200] * 5, "posting must not depend on Redis"
            # Pages that use the cache (a post's view count, the inbox) still answer.
            status, _, inbox = ken.get("/notifications/")
            assert status == 200 and inbox.count("During the outage") == 5
            assert time.monotonic() - started < 30, "a Redis outage must not stall requests"

            proxy.restore()
            # The browser reconnects (with backoff) and says hello with the last id it has.
            sock.close()
            deadline = time.monotonic() + 20
            while True:
                again = Socket(base, "/ws/notifications/", cookie=cookie, origin=base)
                if " 101 " in again.status:
                    try:
                        missed = hello(again, last_id)
                        break
                    except ConnectionError:
                        pass
                again.close()
                assert time.monotonic() < deadline, "no socket once Redis was back"
                time.sleep(0.5)
            texts = sorted(m["text"] for m in missed)
            assert len(missed) == len({m["id"] for m in missed}) == 5
            assert all(f"During the outage {n}" in texts[n] for n in range(5))

            # And live pushes flow again through Redis.
            deadline = time.monotonic() + 20
            while True:
                assert compose(maria, "After the outage, @ken") == 200
                try:
                    message = again.recv_json(timeout=3)
                    break
                except TimeoutError:
                    assert time.monotonic() < deadline, "pushes did not resume"
            assert message["type"] == "notification" and "After the outage" in message["text"]
            again.close()
