"""Keyboard shortcuts: "/" search, "?" help (a real dialog), "j"/"k" next/previous item,
"g" then "h" home, "c" compose; off while typing and with Ctrl, Alt or Meta held."""

from __future__ import annotations

from typing import Any

import pytest

from questions import actions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seeded(make_user) -> dict[str, Any]:
    rita = make_user("rita", display_name="Rita Ramos")
    boss = make_user("boss", display_name="Alex Admin")
    questions = [
        actions.ask_question(author=boss, title=f"Release question number {n}?", body="")
        for n in range(4)
    ]
    return {"rita": rita, "boss": boss, "questions": questions}


def _active(page: Any) -> dict[str, Any]:
    return page.evaluate(
        """() => { const el = document.activeElement;
          return {id: el.id, tag: el.tagName, text: el.textContent.trim(),
                  card: el.closest('.post-card') ? el.closest('.post-card').id : null}; }"""
    )


def test_slash_focuses_the_search_field(page_for, live_server, seeded):
    page = page_for(seeded["rita"])
    page.goto(live_server.url + "/people/")
    page.locator("main h1").click()  # a mouse click somewhere that is not a field
    page.keyboard.press("/")
    assert _active(page)["id"] == "header-q"
    assert page.locator("#header-q").input_value() == ""  # the "/" was not typed into it


def test_question_mark_opens_a_help_dialog_that_escape_closes_returning_focus(
    page_for, live_server, seeded
):
    page = page_for(seeded["rita"])
    page.goto(live_server.url + "/")
    help_dialog = page.locator("dialog#shortcuts-help")
    assert not help_dialog.is_visible()
    brand = page.locator("a.brand")
    brand.focus()
    page.keyboard.press("?")
    assert help_dialog.is_visible()
    assert page.evaluate("document.querySelector('#shortcuts-help').matches(':modal')")
    heading = help_dialog.get_by_role("heading", name="Keyboard shortcuts")
    assert heading.is_visible()
    assert help_dialog.get_attribute("aria-labelledby") == heading.get_attribute("id")
    listed = help_dialog.locator("dt").all_inner_texts()
    for key in ["/", "j", "k", "g then h", "c", "?"]:
        assert key in listed, (key, listed)
    assert page.evaluate("document.activeElement.closest('#shortcuts-help') !== null")
    page.keyboard.press("j")  # shortcuts sleep while the help is open
    assert help_dialog.is_visible()
    page.keyboard.press("Escape")
    assert not help_dialog.is_visible()
    assert page.evaluate("document.activeElement === document.querySelector('a.brand')")


def test_the_footer_links_to_the_help_and_its_close_button_returns_focus(
    page_for, live_server, seeded
):
    page = page_for(seeded["rita"])
    page.goto(live_server.url + "/")
    opener = page.locator("footer").get_by_role("button", name="Keyboard shortcuts")
    assert opener.is_visible()
    opener.focus()
    page.keyboard.press("Enter")
    help_dialog = page.locator("dialog#shortcuts-help")
    assert help_dialog.is_visible()
    # Focus is in the dialog, on its only control.
    assert page.evaluate("document.activeElement.closest('dialog') !== null")
    assert page.evaluate("document.activeElement.textContent") == "Close"
    page.keyboard.press("Enter")
    assert not help_dialog.is_visible()
    assert page.evaluate("document.activeElement.hasAttribute('data-shortcuts-open')")


def test_j_and_k_move_between_feed_items(page_for, live_server, seeded):
    page = page_for(seeded["rita"])
    page.goto(live_server.url + "/?tab=all")
    cards = page.locator("main .post-card")
    ids = [cards.nth(i).get_attribute("id") for i in range(cards.count())]
    assert len(ids) >= 3
    page.keyboard.press("j")
    first = _active(page)
    assert (first["tag"], first["card"]) == ("A", ids[0])  # the item's heading link
    assert first["text"] == cards.nth(0).locator(".post-title a").inner_text()
    page.keyboard.press("j")
    assert _active(page)["card"] == ids[1]
    page.keyboard.press("j")
    assert _active(page)["card"] == ids[2]
    page.keyboard.press("k")
    assert _active(page)["card"] == ids[1]


def test_j_and_k_move_between_search_results(page_for, live_server, seeded):
    page = page_for(seeded["rita"])
    page.goto(live_server.url + "/search/?q=release")
    results = page.locator("main .search-result .result-title a")
    results.nth(1).wait_for()
    page.locator("main .search-summary").click()  # leave the search field (it has autofocus)
    page.keyboard.press("j")
    assert _active(page)["text"] == results.nth(0).inner_text()
    page.keyboard.press("j")
    assert _active(page)["text"] == results.nth(1).inner_text()


def test_g_then_h_goes_home(page_for, live_server, seeded):
    page = page_for(seeded["rita"])
    page.goto(live_server.url + "/people/")
    page.locator("main h1").click()
    with page.expect_navigation():
        page.keyboard.press("g")
        page.keyboard.press("h")
    assert page.url == live_server.url + "/"


def test_c_focuses_the_compose_box_at_home_and_opens_the_ask_page_elsewhere(
    page_for, live_server, seeded
):
    page = page_for(seeded["rita"])
    page.goto(live_server.url + "/")
    page.locator("main h1").click()
    page.keyboard.press("c")
    assert page.evaluate("document.activeElement.closest('form[data-compose]') !== null")
    assert page.evaluate("document.activeElement.name") == "body"
    page.goto(live_server.url + "/people/")
    page.locator("main h1").click()
    with page.expect_navigation():
        page.keyboard.press("c")
    assert page.url == live_server.url + "/ask/"


def test_shortcuts_are_off_while_typing_and_with_modifier_keys(page_for, live_server, seeded):
    page = page_for(seeded["rita"])
    page.goto(live_server.url + "/?tab=all")
    body = page.locator("form[data-compose] [name=body]")
    body.focus()
    page.keyboard.type("just j k / ? c g h typed")
    assert body.input_value() == "just j k / ? c g h typed"
    assert _active(page)["card"] is None
    assert not page.locator("dialog#shortcuts-help").is_visible()
    assert page.url == live_server.url + "/?tab=all"

    page.locator("main h1").click()
    assert page.evaluate("document.activeElement === document.body")
    for chord in ["Control+j", "Alt+j", "Meta+j", "Control+/", "Alt+c"]:
        page.keyboard.press(chord)
        assert page.evaluate("document.activeElement === document.body"), chord
    assert page.url == live_server.url + "/?tab=all"


def test_a_click_inside_the_help_keeps_it_open_and_one_outside_closes_it(
    page_for, live_server, seeded
):
    page = page_for(seeded["rita"])
    page.goto(live_server.url + "/")
    page.locator("main h1").click()
    page.keyboard.press("?")
    help_dialog = page.locator("dialog#shortcuts-help")
    box = help_dialog.bounding_box()
    page.mouse.click(box["x"] + 4, box["y"] + 4)  # the dialog's own padding
    assert help_dialog.is_visible()
    page.mouse.click(5, box["y"] + box["height"] / 2)  # the backdrop
    assert not help_dialog.is_visible()
