"""Keyboard use: a focus ring that stands out (3:1), Escape closes the menus and the header
suggestions, arrow keys walk the suggestions, focus stays put after Like and moves to the new
posts after "Older posts", and a rejected form puts focus on a summary of what to fix."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from questions import actions
from questions.feeds import PAGE_SIZE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WHITE = (255, 255, 255)
PAGE_BACKGROUND = (0xF5, 0xF6, 0xF8)


def _luminance(rgb: tuple[int, ...]) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    light, dark = sorted([_luminance(a), _luminance(b)], reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _ring(page: Any, selector: str) -> dict[str, Any]:
    """Focus the element from the keyboard's side and read the ring it draws."""
    page.locator(selector).first.focus()
    return page.evaluate(
        """(selector) => {
          const el = document.querySelector(selector);
          const style = getComputedStyle(el);
          return {focused: document.activeElement === el, style: style.outlineStyle,
                  width: parseFloat(style.outlineWidth), color: style.outlineColor};
        }""",
        selector,
    )


def _rgb(color: str) -> tuple[int, ...]:
    return tuple(int(v) for v in re.findall(r"\d+", color)[:3])


def test_contrast_helper_matches_known_pairs():
    assert round(_contrast((0, 0, 0), WHITE), 1) == 21.0
    assert round(_contrast((0x8F, 0xB0, 0xF0), WHITE), 1) == 2.2  # the old, faint ring


def test_focus_ring_on_links_buttons_and_fields_has_three_to_one_contrast(
    page_for, live_server, make_user
):
    page = page_for(make_user("rita"))
    page.goto(live_server.url + "/ask/")
    page.keyboard.press("Tab")  # keyboard modality, as a keyboard user arrives
    for selector in [".main-nav a", ".form-actions .button-primary", "#id_title", "#header-q"]:
        ring = _ring(page, selector)
        assert ring["focused"], selector
        assert ring["style"] != "none" and ring["width"] >= 2, (selector, ring)
        for background in (WHITE, PAGE_BACKGROUND):
            assert _contrast(_rgb(ring["color"]), background) >= 3, (selector, ring)


@pytest.fixture
def seeded(make_user) -> dict[str, Any]:
    rita = make_user("rita", display_name="Rita Ramos")
    boss = make_user("boss", display_name="Alex Admin", is_staff=True)
    questions = [
        actions.ask_question(author=boss, title=f"Release question number {n}?", body="")
        for n in range(PAGE_SIZE + 3)
    ]
    return {"rita": rita, "boss": boss, "questions": questions}


def test_escape_closes_the_account_menu_and_returns_focus_to_it(page_for, live_server, seeded):
    page = page_for(seeded["rita"])
    page.goto(live_server.url + "/")
    summary = page.locator("details.user-menu > summary")
    summary.focus()
    page.keyboard.press("Enter")
    my_board = page.locator(".user-menu-panel").get_by_role("link", name="My board")
    assert my_board.is_visible()
    page.keyboard.press("Tab")
    page.keyboard.press("Escape")
    assert page.locator("details.user-menu").get_attribute("open") is None
    assert not my_board.is_visible()
    assert page.evaluate("document.activeElement.closest('details.user-menu summary') !== null")


def test_escape_closes_the_phone_menu(chromium, live_server, seeded, page_for):
    page = page_for(seeded["rita"])
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(live_server.url + "/")
    page.locator("details.nav-menu > summary").click()
    people = page.locator(".nav-menu-panel").get_by_role("link", name="People")
    assert people.is_visible()
    page.keyboard.press("Escape")
    assert not people.is_visible()


def test_header_suggestions_are_a_combobox_walked_by_arrows_and_closed_by_escape(
    page_for, live_server, seeded
):
    page = page_for(seeded["rita"])
    page.goto(live_server.url + "/")
    field = page.locator("#header-q")
    assert field.get_attribute("role") == "combobox"
    assert field.get_attribute("aria-expanded") == "false"
    field.press_sequentially("release", delay=20)
    listbox = page.locator("#" + field.get_attribute("aria-controls"))
    options = listbox.locator("[role=option]")
    options.nth(1).wait_for()
    assert listbox.get_attribute("role") == "listbox"
    assert listbox.get_attribute("aria-label") == "Search suggestions"
    assert field.get_attribute("aria-expanded") == "true"
    assert field.get_attribute("aria-activedescendant") is None
    assert page.locator("#typeahead").get_attribute("aria-live") is None  # no re-reading
    # The live region says how many arrived, not the list itself.
    status = page.get_by_role("status").filter(has_text="press Down to choose")
    status.wait_for(state="attached")
    shown = page.locator("#typeahead li:not(.ta-all) [role=option]").count()
    assert status.inner_text() == f"{shown} suggestions, press Down to choose"
    assert "Release question" not in status.inner_text()

    def active() -> str | None:
        """The active option's id, after checking that it alone is selected and that
        focus never left the field."""
        assert page.evaluate("document.activeElement.id") == "header-q"
        current = field.get_attribute("aria-activedescendant")
        selected = listbox.locator("[role=option][aria-selected=true]")
        assert selected.count() == (1 if current else 0)
        if current:
            assert selected.get_attribute("id") == current
        return current

    ids = [options.nth(i).get_attribute("id") for i in range(options.count())]
    field.press("ArrowDown")
    assert active() == ids[0]
    field.press("ArrowDown")
    assert active() == ids[1]
    field.press("ArrowUp")
    field.press("ArrowUp")
    assert active() is None  # back in the field, to edit the text
    field.press("ArrowUp")
    assert active() == ids[-1]  # "All results for ..."
    # More typing brings a new list, which starts again with nothing active.
    with page.expect_response(lambda response: "/search/suggest/" in response.url):
        field.press_sequentially(" q", delay=20)
    expect(field).not_to_have_attribute("aria-activedescendant", re.compile(".*"))
    assert active() is None
    options.first.wait_for()
    field.press("ArrowDown")
    assert active() == options.first.get_attribute("id")
    field.press("Escape")
    assert options.count() == 0
    assert field.get_attribute("aria-expanded") == "false"
    assert active() is None
    assert field.input_value() == "release q"


def test_enter_on_the_active_suggestion_opens_it(page_for, live_server, seeded):
    page = page_for(seeded["rita"])
    page.goto(live_server.url + "/")
    field = page.locator("#header-q")
    field.press_sequentially("number 4", delay=20)
    option = page.locator("#typeahead [role=option]", has_text="Release question number 4?")
    option.wait_for()
    while field.get_attribute("aria-activedescendant") != option.get_attribute("id"):
        field.press("ArrowDown")
    with page.expect_navigation():
        field.press("Enter")
    assert page.locator("h1").inner_text().endswith("Release question number 4?")


def test_enter_without_an_active_suggestion_searches(page_for, live_server, seeded):
    page = page_for(seeded["rita"])
    page.goto(live_server.url + "/")
    field = page.locator("#header-q")
    field.press_sequentially("release", delay=20)
    page.locator("#typeahead [role=option]").first.wait_for()
    with page.expect_navigation():
        field.press("Enter")
    assert page.url.startswith(live_server.url + "/search/?q=release")


def test_like_and_unlike_keep_focus_on_the_button(page_for, live_server, seeded):
    page = page_for(seeded["rita"])
    page.goto(live_server.url + "/?tab=all")
    newest = seeded["questions"][-1]
    button = page.locator(f"#post-{newest.pk} .post-foot form[hx-post*='/like/'] button")
    button.focus()
    page.keyboard.press("Enter")
    page.locator(f"#post-{newest.pk} button[aria-pressed='true']").wait_for()
    assert page.evaluate("document.activeElement.getAttribute('aria-pressed')") == "true"
    assert page.evaluate("document.activeElement.closest('article').id") == f"post-{newest.pk}"
    # The swapped-in form works with htmx once htmx has processed it (before that, Enter
    # submits it as the no-JavaScript form, which also works but leaves the page).
    page.wait_for_function(
        "(() => { const f = document.activeElement.closest('form');"
        " return f && f['htmx-internal-data'] !== undefined"
        " && !document.querySelector('.htmx-settling, .htmx-request'); })()"
    )
    page.keyboard.press("Enter")
    page.locator(f"#post-{newest.pk} button[aria-pressed='false']").wait_for()
    assert page.evaluate("document.activeElement.getAttribute('aria-pressed')") == "false"


def test_older_posts_moves_focus_to_the_first_new_post(page_for, live_server, seeded):
    page = page_for(seeded["rita"])
    page.goto(live_server.url + "/?tab=all")
    assert page.locator(".post-card").count() == PAGE_SIZE
    older = page.get_by_role("link", name="Older posts")
    older.focus()
    page.keyboard.press("Enter")
    page.locator(".post-card").nth(PAGE_SIZE).wait_for()
    first_new = page.locator(".post-card").nth(PAGE_SIZE)
    title = first_new.locator(".post-title a").inner_text()
    page.wait_for_function("document.activeElement.closest('.post-card') !== null")
    assert page.evaluate("document.activeElement.textContent") == title
    assert page.evaluate("document.activeElement.closest('.post-card').id") == (
        first_new.get_attribute("id")
    )


def test_rejected_form_focuses_an_error_summary_that_links_to_the_field(
    page_for, live_server, seeded
):
    page = page_for(seeded["rita"])
    page.goto(live_server.url + "/ask/")
    page.locator("#id_body").fill("My text stays here")
    page.evaluate("document.querySelector('main form').noValidate = true")
    page.get_by_role("button", name="Ask your question").click()
    summary = page.locator(".error-summary")
    summary.wait_for()
    page.wait_for_function("document.activeElement.classList.contains('error-summary')")
    assert "There is a problem" in summary.inner_text()
    link = summary.get_by_role("link", name=re.compile(r"^Title: "))
    link.click()
    assert page.evaluate("document.activeElement.id") == "id_title"
    assert page.locator("#id_body").input_value() == "My text stays here"
