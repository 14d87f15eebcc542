"""Under the Content-Security-Policy the browser blocks nothing the pages need: no console
report of a violation on the feed, a question page (with its socket and htmx like), search
with its typeahead, a report, the admin and the sign-in page. The header tests cannot see
inline handlers added by scripts or htmx's own eval and injected styles; the browser can."""

from __future__ import annotations

from typing import Any

import pytest

from questions import actions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Recorded from the start of every document: each violation, even one that logs nothing.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


def watch(page: Any) -> list[str]:
    """Collect console messages about the policy and violation events of every page loaded."""
    reports: list[str] = []

    def on_console(message: Any) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            reports.append(message.text)

    page.on("console", on_console)
    page.add_init_script(RECORD_VIOLATIONS)
    return reports


def violations(page: Any) -> list[str]:
    return page.evaluate("window.__violations || []")


def test_the_watch_sees_an_inline_handler(page_for, live_server, make_user):
    """The check below can fail: an inline handler added to a page is reported."""
    page = page_for(make_user())
    reports = watch(page)
    page.goto(live_server.url + "/")
    page.evaluate(
        """document.body.insertAdjacentHTML("beforeend", '<img src="/x.png" onerror="1">')"""
    )
    # Polled from here: wait_for_function would eval in the page, which the policy forbids.
    for _ in range(50):
        if violations(page) and reports:
            break
        page.wait_for_timeout(100)
    assert any("script-src" in v for v in violations(page))
    assert reports


def test_pages_run_without_policy_violations(page_for, live_server, make_user, make_answer):
    boss = make_user("boss", display_name="Alex Admin", is_staff=True, is_superuser=True)
    rita = make_user("rita", display_name="Rita Ramos")
    question = actions.ask_question(
        author=rita, title="How do we rotate the VPN keys?", body="@boss any idea?", tags="vpn"
    )
    answer = make_answer(post=question, author=rita, body="| step | who |\n|:--|--:|\n| 1 | ops |")
    page = page_for(boss)
    reports = watch(page)
    seen: dict[str, list[str]] = {}

    page.goto(live_server.url + "/")
    page.get_by_role("link", name="How do we rotate the VPN keys?").first.wait_for()
    seen["home"] = violations(page)

    # The notifications socket is opened, not refused by connect-src (this test server
    # speaks no websocket; tests/browser/test_live_notifications.py uses a real one).
    with page.expect_websocket() as socket:
        page.goto(live_server.url + question.get_absolute_url())
    assert socket.value.url.startswith(live_server.url.replace("http", "ws", 1))
    page.locator(f"#answer-{answer.pk} form[hx-post*='/like/'] button").click()  # htmx
    page.locator(f"#answer-{answer.pk} [aria-pressed='true']").wait_for()
    seen["question"] = violations(page)

    page.goto(live_server.url + "/search/")
    page.locator("#header-q").press_sequentially("vpn keys", delay=20)
    page.locator("#typeahead a").first.wait_for()
    page.locator("#header-q").press("Enter")
    page.wait_for_url("**/search/?q=*")
    page.get_by_role("link", name="How do we rotate the VPN keys?").first.wait_for()
    seen["search"] = violations(page)

    page.goto(live_server.url + "/staff/reports/")
    page.locator("h2 a").first.click()
    page.locator("figure.chart svg[role=img]").first.wait_for()
    seen["report"] = violations(page)

    page.goto(live_server.url + f"/admin/questions/post/{question.pk}/change/")
    page.locator("#post_form").wait_for()
    seen["admin"] = violations(page)
    page.goto(live_server.url + "/admin/questions/post/")
    page.locator("#changelist").wait_for()
    seen["admin list"] = violations(page)

    page.context.clear_cookies()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_role("button", name="Sign In").wait_for()
    seen["sign in"] = violations(page)
    page.goto(live_server.url + "/admin/login/")
    page.locator("#login-form").wait_for()
    seen["admin sign in"] = violations(page)

    assert all(found == [] for found in seen.values()), seen
    assert reports == []


def test_a_like_over_the_limit_shows_why_in_place(
    page_for, live_server, make_user, make_question, settings
):
    """htmx swaps in a 429 (its default would drop it), so the button says why it did nothing."""
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "like": (1, 60)}
    rita = make_user("rita")
    first, second = (make_question(author=rita) for _ in range(2))
    page = page_for(make_user("ken"))
    page.goto(live_server.url + first.get_absolute_url())
    page.locator(".post-foot form[hx-post*='/like/'] button").click()
    # The first like must reach the server before the page is left: leaving at once could
    # cancel its request, and then the second like would be the first one counted.
    page.locator(".post-foot form[hx-post*='/like/'] [aria-pressed='true']").wait_for()
    page.goto(live_server.url + second.get_absolute_url())
    page.locator(".post-foot form[hx-post*='/like/'] button").click()
    page.get_by_role("alert").filter(has_text="You are liking too fast").wait_for()
    assert page.locator(".post-foot form[hx-post*='/like/'] [aria-pressed='false']").count() == 1
