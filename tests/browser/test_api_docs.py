"""The API's browsable docs render under the site's Content-Security-Policy, from this
site's own files, and "Try it out" works with the session."""

from __future__ import annotations

from typing import Any

import pytest

from api.actions import create_token
from tests.browser.test_content_security_policy import violations, watch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_api_docs_render_without_policy_violations_or_other_hosts(
    page_for: Any, live_server: Any, make_user: Any
) -> None:
    page = page_for(make_user("ann"))
    reports = watch(page)
    hosts: list[str] = []
    page.on("request", lambda request: hosts.append(request.url.split("/")[2]))
    page.goto(live_server.url + "/api/v1/docs")
    page.get_by_text("/api/v1/posts", exact=True).first.wait_for()
    page.get_by_text("Outloud API").first.wait_for()
    assert violations(page) == [] and reports == []
    assert set(hosts) == {live_server.url.split("/")[2]}


def test_token_pages_reflow_on_a_phone(page_for: Any, live_server: Any, make_user: Any) -> None:
    """At 320 CSS pixels nothing scrolls sideways (the token table scrolls on its own), and
    a token is made without JavaScript in the way: the form posts and shows the secret."""
    stan = make_user("stan", display_name="Stan Staff", is_staff=True)
    create_token(user=make_user("ann"), name="A rather long name for the release bot", scope="read")
    page = page_for(stan)
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(live_server.url + "/settings/tokens/")
    page.get_by_label("Name").fill("Phone token")
    page.get_by_role("button", name="Create token").click()
    secret = page.locator("#new-token").input_value()
    assert secret.startswith("olt_")
    for url in ("/settings/tokens/", "/staff/tokens/"):
        page.goto(live_server.url + url)
        width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert width[0] <= width[1], (url, width)
