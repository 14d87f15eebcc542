"""The compose box stays small until used, so the home page shows several posts; Markdown
preview works with and without JavaScript and shows code highlighted; the new states have
no axe violations."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from questions import actions
from questions.models import Post
from tests.browser.test_accessibility import AXE, _violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Screenshots to look at by eye: set SCREENSHOT_DIR to keep them.
SCREENSHOT_DIR = os.environ.get("SCREENSHOT_DIR", "")
CODE = "Does this look right?\n\n```python\ndef sign(path):\n    return run(['gpg', path])\n```\n"


@pytest.fixture
def busy(make_user, make_department) -> dict[str, Any]:
    engineering = make_department("Engineering")
    rita = make_user("rita", display_name="Rita Ramos", department=engineering)
    ken = make_user("ken", display_name="Ken Ito", department=engineering)
    for n in range(8):
        actions.post_status(author=ken, body=f"Working on release step {n}.", tags=["release"])
    return {"rita": rita, "ken": ken}


def _context(chromium: Any, live_server: Any, user: Any, *, width: int, js: bool = True) -> Any:
    client = Client()
    client.force_login(user)
    context = chromium.new_context(
        viewport={"width": width, "height": 900 if width > 600 else 844}, java_script_enabled=js
    )
    context.set_default_timeout(10_000)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    if js:
        context.add_init_script(path=str(AXE))
    return context


def _shot(page: Any, name: str) -> None:
    if SCREENSHOT_DIR:
        page.screenshot(path=str(Path(SCREENSHOT_DIR) / f"{name}.png"), full_page=False)


def _cards_above_the_fold(page: Any) -> int:
    return page.evaluate(
        """() => [...document.querySelectorAll('.post-card')]
              .filter(c => c.getBoundingClientRect().top < window.innerHeight).length"""
    )


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_home_at_laptop_size_shows_several_posts_and_the_box_opens_on_focus(
    chromium, live_server, busy, js
):
    context = _context(chromium, live_server, busy["rita"], width=1366, js=js)
    page = context.new_page()
    page.goto(live_server.url + "/?tab=all")
    _shot(page, f"home-1366-{'js' if js else 'nojs'}")
    assert _cards_above_the_fold(page) >= 3
    tags = page.locator("#id_tags")
    assert tags.is_hidden()
    compact_height = page.locator("form.compose").bounding_box()["height"]

    page.locator("#id_body").click()
    tags.wait_for(state="visible")
    assert page.get_by_role("button", name="Preview").is_visible()
    assert page.locator("form.compose").bounding_box()["height"] > compact_height + 60
    _shot(page, f"home-1366-open-{'js' if js else 'nojs'}")
    if js:
        assert _violations(page, "compose box open") == []

    page.locator("#id_body").fill("Half a thought")
    page.locator("#header-q").focus()  # focus leaves; what was typed keeps the box open
    assert tags.is_visible()
    page.locator("#id_body").fill("")
    page.locator("#header-q").focus()
    tags.wait_for(state="hidden")
    context.close()


def test_preview_with_javascript_swaps_in_place_and_keeps_the_text(chromium, live_server, busy):
    context = _context(chromium, live_server, busy["rita"], width=1366)
    page = context.new_page()
    page.goto(live_server.url + "/ask/")
    page.locator("#id_title").fill("How do we sign builds?")
    page.locator("#id_body").fill(CODE + "Thanks @ken, you wrote it.")
    page.locator("#id_tags").fill("release")
    page.locator(".ac-list li").first.wait_for()
    page.locator("#id_tags").press("Escape")  # closes the tag suggestions
    url = page.url
    page.get_by_role("button", name="Preview").click()
    preview = page.locator("#id_body_preview")
    preview.locator("pre.highlight span.nf", has_text="sign").wait_for()
    assert page.url == url
    assert preview.locator("a.mention", has_text="@ken").count() == 1
    # The colours come from static/css/code.css, not from inline styles.
    colour = preview.locator("span.k").first.evaluate("e => getComputedStyle(e).color")
    assert colour == "rgb(207, 34, 46)"
    assert page.locator("#id_title").input_value() == "How do we sign builds?"
    assert page.locator("#id_tags").input_value() == "release"
    assert not Post.objects.filter(kind="question").exists()
    page.locator(".markdown-help summary").click()
    _shot(page, "ask-preview-1366")
    assert _violations(page, "ask with preview and help open") == []

    page.get_by_role("button", name="Ask your question").click()
    page.wait_for_url(lambda u: u != url)
    assert Post.objects.get(kind="question").title == "How do we sign builds?"
    context.close()


def test_preview_without_javascript_reloads_with_every_field_kept(chromium, live_server, busy):
    context = _context(chromium, live_server, busy["rita"], width=390, js=False)
    page = context.new_page()
    page.goto(live_server.url + "/ask/")
    page.locator("#id_title").fill("How do we sign builds?")
    page.locator("#id_body").fill(CODE)
    page.locator("#id_tags").fill("release, gpg")
    page.get_by_role("button", name="Preview").click()
    page.locator("#id_body_preview pre.highlight").wait_for()
    assert page.locator("#id_title").input_value() == "How do we sign builds?"
    assert page.locator("#id_body").input_value().replace("\r\n", "\n").strip() == CODE.strip()
    assert page.locator("#id_tags").input_value() == "release, gpg"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    _shot(page, "ask-preview-390-nojs")
    assert not Post.objects.filter(kind="question").exists()
    context.close()


@pytest.fixture
def newcomer(make_user, make_department, make_question, make_community) -> dict[str, Any]:
    engineering = make_department("Engineering")
    nia = make_user("nia", display_name="Nia New", department=engineering)
    ed = make_user("ed", display_name="Ed Engineer", department=engineering)
    make_user("fay", display_name="Fay Field", department=engineering)
    make_community("Platform", owner=ed)
    make_community("Mergers", owner=ed, private=True)
    make_question(author=ed, title="Why does the pod restart?", tags=["kubernetes"])
    return {"nia": nia, "ed": ed}


@pytest.mark.parametrize("width", [1366, 390])
def test_first_day_home_follows_without_javascript_and_has_no_axe_violations(
    chromium, live_server, newcomer, width
):
    context = _context(chromium, live_server, newcomer["nia"], width=width)
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.get_by_role("heading", name="People to follow").wait_for()
    assert "Mergers" not in page.content()
    # The closed compose box still shows its whole placeholder.
    assert page.locator("#id_body").evaluate("e => e.scrollHeight <= e.clientHeight + 1")
    _shot(page, f"first-day-{width}")
    assert _violations(page, f"first-day home at {width}") == []
    width_used = page.evaluate("document.documentElement.scrollWidth")
    assert width_used <= width, width_used
    context.close()

    context = _context(chromium, live_server, newcomer["nia"], width=width, js=False)
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.get_by_role("button", name="Follow Ed Engineer").click()
    page.wait_for_url("**/people/ed/")
    page.goto(live_server.url + "/")
    assert page.get_by_role("button", name="Follow Ed Engineer").count() == 0
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_highlighted_code_reads_in_light_and_dark_and_answers_preview_in_place(
    chromium, live_server, busy, scheme
):
    question = actions.ask_question(author=busy["ken"], title="Is this right?", body=CODE)
    context = _context(chromium, live_server, busy["rita"], width=1366)
    page = context.new_page()
    page.emulate_media(color_scheme=scheme)
    page.goto(live_server.url + question.get_absolute_url())
    block = page.locator(".post-full pre.highlight")
    background = block.evaluate("e => getComputedStyle(e).backgroundColor")
    keyword = block.locator("span.k").first.evaluate("e => getComputedStyle(e).color")
    expected = {
        "light": ("rgb(246, 248, 250)", "rgb(207, 34, 46)"),
        "dark": ("rgb(22, 27, 34)", "rgb(255, 123, 114)"),
    }
    assert (background, keyword) == expected[scheme]

    page.locator("#id_body").fill("Use this instead:\n\n```js\nconst ok = true;\n```")
    page.get_by_role("button", name="Preview").click()
    page.locator("#id_body_preview pre.highlight span.kd", has_text="const").wait_for()
    assert page.url.endswith(question.get_absolute_url())
    _shot(page, f"answer-preview-{scheme}")
    assert _violations(page, f"answer preview, {scheme}") == []
    context.close()
