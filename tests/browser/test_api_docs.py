"""The API's browsable docs render under the site's Content-Security-Policy, from this
site's own files, and "Try it out" works with the session."""

from __future__ import annotations

from typing import Any

import pytest

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
