"""The scale configuration for real: two ASGI server processes sharing Redis. A mention
posted through one reaches a socket held by the other, even after 15 idle seconds."""

from __future__ import annotations

import time

import pytest

from demo.people import DEMO_DOMAIN, DEMO_PASSWORD
from tests.support.server import Browser, Socket, prepare_database, served

pytestmark = pytest.mark.services


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory):
    var_dir = tmp_path_factory.mktemp("two-servers")
    prepare_database(var_dir)
    with (
        served(var_dir, name="a", server="uvicorn") as a,
        served(var_dir, name="b", server="uvicorn") as b,
    ):
        yield a, b


def catch_up(sock: Socket) -> None:
    sock.send_json({"type": "hello", "last_id": 10**9})
    assert sock.recv_json()["type"] == "ready"


def test_mention_through_one_process_reaches_a_socket_on_the_other(two_servers):
    a, b = two_servers
    ken = Browser(b)
    ken.sign_in(f"ken@{DEMO_DOMAIN}", DEMO_PASSWORD)
    sock = Socket(b, "/ws/notifications/", cookie=f"sessionid={ken.cookie('sessionid')}", origin=b)
    assert " 101 " in sock.status
    catch_up(sock)

    maria = Browser(a)
    maria.sign_in(f"maria@{DEMO_DOMAIN}", DEMO_PASSWORD)
    started = time.monotonic()
    maria.post("/compose/", {"kind": "status", "body": "Cross-process check, @ken", "tags": ""})
    message = sock.recv_json(timeout=5)
    assert message["type"] == "notification" and message["verb"] == "mentioned"
    assert time.monotonic() - started < 5
    sock.close()


def test_socket_idle_for_fifteen_seconds_still_receives(two_servers):
    a, b = two_servers
    ken = Browser(b)
    ken.sign_in(f"ken@{DEMO_DOMAIN}", DEMO_PASSWORD)
    sock = Socket(b, "/ws/notifications/", cookie=f"sessionid={ken.cookie('sessionid')}", origin=b)
    catch_up(sock)
    time.sleep(15)  # longer than redis-py's 5 s read timeout that kills idle consumers
    maria = Browser(a)
    maria.sign_in(f"maria@{DEMO_DOMAIN}", DEMO_PASSWORD)
    maria.post("/compose/", {"kind": "status", "body": "Still awake, @ken?", "tags": ""})
    message = sock.recv_json(timeout=5)
    assert message["type"] == "notification" and "Still awake" in message["text"]
    sock.close()
