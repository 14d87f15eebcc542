"""The daily journey by keyboard alone, no mouse: sign in, ask a question with an @mention
chosen from the suggestion list, search for it, and open the result."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Who rotates the staging signing keys?"


def tab_to(page: Any, condition: str, *, limit: int = 60) -> None:
    """Press Tab until `condition` (JavaScript, `el` is the focused element) holds."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return {condition}; }})()"):
            return
    raise AssertionError(f"Tab never reached: {condition}")


def test_sign_in_ask_with_a_mention_search_and_open_the_result_by_keyboard_only(
    page, live_server, make_user
):
    make_user("rita", email="rita@northwind.example", display_name="Rita Ramos")
    make_user("rico", display_name="Rico Rossi")
    make_user("rina", display_name="Rina Ray")

    # Sign in.
    page.goto(live_server.url + "/")
    tab_to(page, "el.name === 'login'")
    page.keyboard.type("rita@northwind.example")
    tab_to(page, "el.name === 'password'")
    page.keyboard.type(TEST_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.get_by_role("heading", name="Work out loud, Rita Ramos").wait_for()

    # To the question form through the main navigation.
    tab_to(page, "el.matches('.main-nav a') && el.textContent.trim() === 'Ask'")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == live_server.url + "/ask/"

    # The question, with a colleague chosen from the @mention list by arrow keys.
    tab_to(page, "el.id === 'id_title'")
    page.keyboard.type(TITLE)
    tab_to(page, "el.id === 'id_body'")
    body = page.locator("#id_body")
    page.keyboard.type("Rotation failed last night. @ri", delay=20)
    listbox = page.locator("#" + body.get_attribute("aria-controls"))
    rina = listbox.locator("[role=option]", has_text="Rina Ray")
    rina.wait_for()
    for _ in range(listbox.locator("[role=option]").count()):
        if body.get_attribute("aria-activedescendant") == rina.get_attribute("id"):
            break
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert body.input_value() == "Rotation failed last night. @rina "
    assert listbox.is_hidden()
    page.keyboard.type("do you know?")
    tab_to(page, "el.textContent.trim() === 'Ask your question'")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text().endswith(TITLE)
    question_url = page.url
    assert page.locator("main .mention", has_text="@rina").count() >= 1

    # Search for it from the header ("/" jumps there) and open the result.
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "header-q"
    page.keyboard.type("staging signing keys", delay=20)
    page.locator("#typeahead [role=option]").first.wait_for()
    with page.expect_navigation():
        page.keyboard.press("Enter")  # no suggestion chosen: the search page
    assert "/search/?q=staging" in page.url
    tab_to(page, f"el.matches('.result-title a') && el.textContent.trim() === {TITLE!r}")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == question_url
    assert page.locator("h1").inner_text().endswith(TITLE)
