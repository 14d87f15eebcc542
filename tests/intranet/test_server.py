"""The real thing, as `make run` serves it: daphne on loopback, sign-in over HTTP, a websocket."""

from __future__ import annotations

import pytest

from demo.people import DEMO_DOMAIN, DEMO_PASSWORD
from tests.support.server import Browser, running_server, websocket_handshake


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("server")) as base_url:
        yield base_url


def test_login_page_is_served_with_its_stylesheet(server):
    browser = Browser(server)
    status, url, html = browser.get("/")
    assert (status, url) == (200, server + "/accounts/login/?next=/")
    assert "Sign In" in html
    css_status, _, css = browser.get("/static/css/app.css")
    assert css_status == 200 and ".site-header" in css
    assert browser.get("/static/vendor/htmx.min.js")[0] == 200


def test_demo_login_reaches_home_and_opens_a_websocket(server):
    browser = Browser(server)
    status, url, html = browser.sign_in(f"maria@{DEMO_DOMAIN}", DEMO_PASSWORD)
    assert (status, url) == (200, server + "/")
    assert "Work out loud, Maria Lopez" in html
    cookie = f"sessionid={browser.cookie('sessionid')}"
    ws_status, message = websocket_handshake(
        server, "/ws/notifications/", cookie=cookie, origin=server
    )
    assert " 101 " in ws_status
    # Maria has demo notifications: the catch-up sends the oldest of them first.
    assert message["type"] == "notification" and message["id"] > 0


def test_websocket_without_session_or_with_foreign_origin_is_refused(server):
    status, message = websocket_handshake(server, "/ws/notifications/", cookie=None, origin=server)
    assert " 101 " not in status and message is None
    browser = Browser(server)
    browser.sign_in(f"ken@{DEMO_DOMAIN}", DEMO_PASSWORD)
    cookie = f"sessionid={browser.cookie('sessionid')}"
    status, _ = websocket_handshake(
        server, "/ws/notifications/", cookie=cookie, origin="https://evil.example"
    )
    assert " 101 " not in status


def test_an_upload_over_the_limit_is_refused_before_its_body_is_sent(server):
    """The server answers 413 to the headers alone: a client announcing 30 MB and sending
    nothing still gets its answer at once."""
    import socket
    import urllib.parse

    parts = urllib.parse.urlsplit(server)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as conn:
        conn.sendall(
            (
                f"POST /drafts/new/ HTTP/1.1\r\nHost: {parts.netloc}\r\n"
                "Content-Type: multipart/form-data; boundary=x\r\n"
                f"Content-Length: {30 * 1024 * 1024}\r\n\r\n"
            ).encode()
        )
        received = b""
        while chunk := conn.recv(4096):
            received += chunk
        answer = received.decode(errors="replace")
    assert answer.startswith("HTTP/1.1 413"), answer[:200]
    assert "at most 25 MB" in answer
