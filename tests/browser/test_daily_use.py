"""Daily use in a real browser: times in the reader's zone with the full time on hover, and
htmx actions that show they are busy and are not sent twice."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from profiles.models import Profile
from questions.models import Like, Post
from tests.browser.test_responsive import _context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ASKED = datetime(2026, 12, 7, 13, 5, tzinfo=UTC)


@pytest.fixture
def asked(make_user, make_question) -> dict[str, Any]:
    rita, ken = make_user("rita", display_name="Rita Ramos"), make_user("ken")
    post = make_question(author=rita, title="How do we sign release builds?", tags=["gpg"])
    Post.objects.filter(pk=post.pk).update(created_at=ASKED)
    return {"rita": rita, "ken": ken, "post": post}


def _asked_time(page: Any, post: Post) -> Any:
    return page.locator(f"#post-{post.pk} time, .post-detail time").first


def test_times_follow_the_browsers_zone_with_the_full_time_on_hover(chromium, live_server, asked):
    context = _context(chromium, live_server, asked["ken"], 1280, 800, timezone_id="Asia/Tokyo")
    page = context.new_page()
    url = live_server.url + asked["post"].get_absolute_url()
    page.goto(url)  # the first page is in the site's zone; it tells the server the browser's
    page.wait_for_function("document.cookie.includes('tz=')")
    assert {c["name"]: c["value"] for c in context.cookies()}["tz"] == "Asia/Tokyo"
    page.goto(url)
    shown = page.locator("time[datetime^='2026-12-07T22:05']").first
    assert shown.inner_text() == "7 Dec 2026, 22:05"
    shown.hover()
    assert shown.get_attribute("title") == "Monday 7 December 2026, 22:05 (Asia/Tokyo)"
    assert shown.get_attribute("datetime") == "2026-12-07T22:05:00+09:00"
    context.close()


def test_a_chosen_zone_wins_over_the_browsers(chromium, live_server, asked):
    Profile.objects.filter(user=asked["ken"]).update(time_zone="America/New_York")
    context = _context(chromium, live_server, asked["ken"], 1280, 800, timezone_id="Asia/Tokyo")
    page = context.new_page()
    url = live_server.url + asked["post"].get_absolute_url()
    page.goto(url)
    page.wait_for_function("document.cookie.includes('tz=')")
    page.goto(url)
    assert page.locator("time[datetime='2026-12-07T08:05:00-05:00']").first.is_visible()
    context.close()


def test_without_javascript_times_are_in_the_sites_zone(chromium, live_server, asked):
    context = _context(
        chromium,
        live_server,
        asked["ken"],
        1280,
        800,
        java_script_enabled=False,
        timezone_id="Asia/Tokyo",
    )
    page = context.new_page()
    page.goto(live_server.url + asked["post"].get_absolute_url())
    page.goto(live_server.url + asked["post"].get_absolute_url())
    shown = page.locator("time[datetime='2026-12-07T13:05:00+00:00']").first
    assert shown.inner_text() == "7 Dec 2026, 13:05"
    assert "tz" not in {c["name"] for c in context.cookies()}
    context.close()


@pytest.mark.parametrize("motion", ["no-preference", "reduce"])
def test_a_like_shows_it_is_busy_and_is_not_sent_twice(chromium, live_server, asked, motion):
    context = _context(chromium, live_server, asked["ken"], 1280, 800, reduced_motion=motion)
    page = context.new_page()
    held: list[Any] = []
    page.route("**/like/", lambda route: held.append(route))
    page.goto(live_server.url + asked["post"].get_absolute_url())
    form = page.locator("form[hx-post$='/like/']").first
    button = form.locator("button")
    button.focus()
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.querySelector('form[hx-post$=\"/like/\"][aria-busy=true]')"
    )
    spinner = button.evaluate(
        "b => { const s = getComputedStyle(b, '::after');"
        " return {name: s.animationName, content: s.content}; }"
    )
    assert spinner["content"] == '""'  # the spinner is there...
    assert spinner["name"] == ("none" if motion == "reduce" else "busy-turn")  # ...and still
    assert button.evaluate("b => getComputedStyle(b).cursor") == "progress"
    page.keyboard.press("Enter")  # impatient: the first like is still on its way
    button.click(force=True)
    page.wait_for_timeout(300)
    assert len(held) == 1
    held[0].continue_()
    page.locator("form[hx-post$='/like/'] button[aria-pressed='true']").first.wait_for()
    assert page.locator("[aria-busy='true']").count() == 0
    page.wait_for_timeout(300)  # a queued second request would be on its way by now
    assert len(held) == 1
    assert Like.objects.filter(user=asked["ken"], post=asked["post"]).count() == 1
    context.close()


def test_a_control_that_stays_on_the_page_is_not_sent_twice(chromium, live_server, asked):
    """A form whose answer goes elsewhere on the page stays clickable while its request is on
    its way; htmx would queue a second submit and send it after the first."""
    context = _context(chromium, live_server, asked["ken"], 1280, 800)
    page = context.new_page()
    held: list[Any] = []
    page.route("**/like/", lambda route: held.append(route))
    page.goto(live_server.url + asked["post"].get_absolute_url())
    page.evaluate(
        """() => {
          const like = document.querySelector('form[hx-post$="/like/"]');
          const form = like.cloneNode(true);
          form.id = 'stays';
          form.setAttribute('hx-target', '#answer-here');
          form.setAttribute('hx-swap', 'innerHTML');
          const here = document.createElement('div');
          here.id = 'answer-here';
          document.querySelector('main').prepend(form, here);
          htmx.process(form);
        }"""
    )
    button = page.locator("#stays button")
    button.click()
    page.wait_for_function("() => document.querySelector('#stays[aria-busy=true]')")
    button.click()
    button.press("Enter")
    page.wait_for_timeout(300)
    held.pop(0).continue_()
    page.locator("#answer-here form").wait_for()
    page.wait_for_timeout(500)  # a queued second submit would have been sent by now
    assert held == []
    assert page.locator("#stays").get_attribute("aria-busy") is None
    context.close()
