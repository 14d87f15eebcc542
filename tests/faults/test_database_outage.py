"""PostgreSQL goes away under a running server and comes back (a restart, a failover, a
network cut). While it is away, every request fails cleanly: a 503 page saying that
nothing was saved and to try again, with Retry-After, never a 500 traceback; /healthz says
the database is down. Once it is back, the same server answers again without a restart, and
nothing sent during the outage was half-saved.

PostgreSQL is taken away through a proxy the test cuts (tests/support/proxy.py): the real
server, shared with the rest of the suite, keeps running."""

from __future__ import annotations

import json
import os
import time
import urllib.error
import uuid
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

import psycopg
import pytest

from tests.support.proxy import Proxy
from tests.support.server import Browser, manage, production_env, served, signed_in_sessions

pytestmark = pytest.mark.services


@pytest.fixture
def scratch_database() -> Iterator[tuple[str, int, str]]:
    """A database of its own (host, port, name), dropped afterwards."""
    url = urlsplit(os.environ["DATABASE_URL"])
    host, port = url.hostname or "127.0.0.1", url.port or 5432
    name = f"outage_{uuid.uuid4().hex[:10]}"
    admin = f"postgresql://{url.username or 'postgres'}@{host}:{port}/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield host, port, name
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def answer(call: Callable[[], tuple[int, str, str]]) -> tuple[int, str, dict[str, str]]:
    """Status, body and (lower-cased) headers of a request, errors included."""
    try:
        status, _, body = call()
        return status, body, {}
    except urllib.error.HTTPError as error:
        headers = {name.lower(): value for name, value in error.headers.items()}
        return error.code, error.read().decode(), headers


def test_requests_fail_cleanly_while_the_database_is_away_and_recover(tmp_path, scratch_database):
    host, port, name = scratch_database
    user = urlsplit(os.environ["DATABASE_URL"]).username or "postgres"
    with Proxy(host, port) as proxy:
        env = {
            **production_env(tmp_path),
            "DATABASE_URL": f"postgres://{user}@127.0.0.1:{proxy.port}/{name}",
        }
        manage("migrate", "--noinput", env=env)
        sessions = signed_in_sessions(["maria"], env=env)
        with served(tmp_path, server="uvicorn", env=env) as base:
            maria = Browser(base)
            maria.use_session(sessions["maria"])
            assert answer(lambda: maria.get("/"))[0] == 200

            def compose(body: str) -> tuple[int, str, dict[str, str]]:
                data = {"kind": "status", "body": body, "tags": ""}
                return answer(lambda: maria.post("/compose/", data))

            assert compose("Before the outage")[0] == 200

            proxy.cut()
            for request in (lambda: maria.get("/"), lambda: maria.get("/search/?q=outage")):
                status, body, headers = answer(request)
                assert status == 503, body[:300]
                assert "nothing you sent was saved" in body and "Traceback" not in body
                assert int(headers["retry-after"]) > 0
            status, body, _ = compose("During the outage")
            assert status == 503 and "nothing you sent was saved" in body
            status, body, _ = answer(lambda: Browser(base).get("/healthz"))
            assert status == 503 and json.loads(body)["database"] == "down"

            proxy.restore()
            deadline = time.monotonic() + 20
            while (status := answer(lambda: maria.get("/"))[0]) != 200:
                assert time.monotonic() < deadline, f"still {status} after the database came back"
                time.sleep(0.5)
            assert compose("After the outage")[0] == 200
            _, _, feed = maria.get("/?tab=all")
            assert "Before the outage" in feed and "After the outage" in feed
            assert "During the outage" not in feed

    with psycopg.connect(host=host, port=port, user=user, dbname=name) as conn:
        bodies = [row[0] for row in conn.execute("SELECT body FROM questions_post ORDER BY id")]
    assert bodies == ["Before the outage", "After the outage"]
