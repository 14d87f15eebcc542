"""The real thing, as `make run` serves it: daphne on loopback, sign-in over HTTP, a websocket."""

from __future__ import annotations

import io

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


def test_a_body_far_over_the_limit_is_refused_before_it_is_sent(server):
    """The server answers 413 to the headers alone: a client announcing 200 MB (more than is
    worth reading to save a form) and sending nothing still gets its answer at once."""
    import socket
    import urllib.parse

    parts = urllib.parse.urlsplit(server)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as conn:
        conn.sendall(
            (
                f"POST /drafts/new/ HTTP/1.1\r\nHost: {parts.netloc}\r\n"
                "Content-Type: multipart/form-data; boundary=x\r\n"
                f"Content-Length: {200 * 1024 * 1024}\r\n\r\n"
            ).encode()
        )
        received = b""
        while chunk := conn.recv(4096):
            received += chunk
        answer = received.decode(errors="replace")
    assert answer.startswith("HTTP/1.1 413"), answer[:200]
    assert "at most 25 MB" in answer


def test_a_form_with_a_file_over_the_limit_comes_back_with_what_was_typed(server):
    """Without JavaScript nothing checks the file's size before sending: the form comes back
    (400) with the title and text kept and the reason next to the file field."""
    import re
    import urllib.error
    import urllib.request

    from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

    browser = Browser(server)
    browser.sign_in(f"maria@{DEMO_DOMAIN}", DEMO_PASSWORD)
    page = browser.get("/drafts/new/")[2]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None

    class Upload(io.BytesIO):
        name = "plan.pdf"

    body = encode_multipart(
        BOUNDARY,
        {
            "csrfmiddlewaretoken": token.group(1),
            "title": "Quarterly plan — second pass",
            "body": "Is section 3 clear enough? @ken",
            "tags": "planning",
            "file": Upload(b"%PDF-1.4 " + b"x" * (27 * 1024 * 1024)),
        },
    )
    request = urllib.request.Request(
        server + "/drafts/new/",
        data=body,
        headers={"Content-Type": MULTIPART_CONTENT, "Referer": server + "/drafts/new/"},
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        browser.opener.open(request, timeout=60)
    assert refused.value.code == 400
    html = refused.value.read().decode()
    assert 'value="Quarterly plan — second pass"' in html
    assert "Is section 3 clear enough? @ken" in html
    assert "larger than the 25 MB limit; it was not uploaded" in html
