"""Two people, two browsers, one real ASGI server: a mention appears at once, no reload."""

from __future__ import annotations

import pytest

from demo.people import DEMO_DOMAIN, DEMO_PASSWORD
from tests.support.server import running_server

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("live")) as base_url:
        yield base_url


def signed_in_page(chromium, base_url, username):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Email").fill(f"{username}@{DEMO_DOMAIN}")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(base_url + "/")
    return context, page


def bell_count(page) -> int:
    badge = page.locator("#bell-count")
    return int(badge.inner_text()) if badge.is_visible() else 0


def test_mention_reaches_the_other_browser_without_reload(chromium, server):
    ken_context, ken = signed_in_page(chromium, server, "ken")
    maria_context, maria = signed_in_page(chromium, server, "maria")
    try:
        # Ken reads everything first, so the count we watch starts from zero.
        ken.goto(server + "/notifications/")
        if ken.get_by_role("button", name="Mark all as read").count():
            ken.get_by_role("button", name="Mark all as read").click()
        ken.goto(server + "/")
        # Locator waits, not wait_for_function: its polling evals, which the policy forbids.
        ken.locator("#bell-count").wait_for(state="hidden")
        ken.evaluate("window.__marker = 'no reload'")

        maria.locator("#id_body").fill("Could you look at the release checklist, @ken?")
        maria.get_by_role("button", name="Post").click()
        maria.get_by_text("Posted.").wait_for()

        toast = ken.locator(".toast", has_text="Maria Lopez mentioned you")
        toast.wait_for(timeout=5_000)
        assert bell_count(ken) == 1
        assert ken.evaluate("window.__marker") == "no reload"
        toast.click()
        ken.get_by_text("Could you look at the release checklist").first.wait_for()
    finally:
        ken_context.close()
        maria_context.close()


def test_reading_in_one_tab_lowers_the_count_in_the_other(chromium, server):
    context, first = signed_in_page(chromium, server, "aisha")
    try:
        second = context.new_page()
        second.goto(server + "/")
        first.goto(server + "/notifications/")
        if not first.get_by_role("button", name="Mark all as read").count():
            pytest.fail("the demo gives aisha unread notifications")
        second.locator("#bell-count").wait_for(state="visible")
        first.get_by_role("button", name="Mark all as read").click()
        second.locator("#bell-count").wait_for(state="hidden", timeout=5_000)
    finally:
        context.close()


def test_new_answer_appears_on_an_open_question_page(chromium, server):
    ken_context, ken = signed_in_page(chromium, server, "ken")
    maria_context, maria = signed_in_page(chromium, server, "maria")
    try:
        maria.goto(server + "/ask/")
        maria.get_by_label("Title").fill("Who owns the staging cluster?")
        maria.get_by_role("button", name="Ask your question").click()
        maria.get_by_role("heading", name="Who owns the staging cluster?").wait_for()
        question_url = maria.url

        ken.goto(question_url)
        ken.get_by_text("No answers yet.").wait_for()
        ken.evaluate("window.__marker = 'no reload'")
        ken.locator("[data-watching='true']").wait_for()  # the page's socket is watching

        other_context, other = signed_in_page(chromium, server, "aisha")
        other.goto(question_url)
        other.get_by_label("Your answer").fill("Platform team owns it; ask in #platform.")
        other.get_by_role("button", name="Post your answer").click()
        other_context.close()

        ken.locator(".answer", has_text="Platform team owns it").wait_for(timeout=5_000)
        assert ken.evaluate("window.__marker") == "no reload"
    finally:
        ken_context.close()
        maria_context.close()
