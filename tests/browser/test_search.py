"""Search in a real browser: a similar answered question shown while asking deflects a
duplicate, the header typeahead leads to highlighted results, and the network boost toggles."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from questions import actions
from questions.models import Post
from search.models import SearchClick

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ANSWERED = "How do we request a new laptop?"
UNANSWERED = "Can I request a second laptop monitor?"
UNRELATED = "Where is the parking garage entrance?"
FIRST_LINE = "Open a ticket in the IT portal under Hardware, then pick the model."


@pytest.fixture
def seeded(make_user):
    """An answered question (accepted answer), a similar unanswered one and an unrelated one,
    all indexed through the actions' on-commit hooks."""
    rita = make_user("rita", display_name="Rita Ramos")
    aisha = make_user("aisha", display_name="Aisha Rahman")
    answered = actions.ask_question(
        author=rita, title=ANSWERED, body="I start on Monday.", tags="hardware"
    )
    answer = actions.post_answer(
        post=answered, author=aisha, body=f"{FIRST_LINE}\n\nDelivery takes about a week."
    )
    actions.accept_answer(post=answered, answer=answer, by=rita)
    unanswered = actions.ask_question(author=aisha, title=UNANSWERED, body="For the desk.")
    unrelated = actions.ask_question(author=aisha, title=UNRELATED, body="Visitors get lost.")
    return answered, unanswered, unrelated


def test_similar_answered_question_while_asking_counts_a_deflection(
    page_for, live_server, make_user, seeded
):
    answered, _, _ = seeded
    ken = make_user("ken", display_name="Ken Okafor")

    page = page_for(ken)
    page.goto(live_server.url + "/ask/")
    page.get_by_label("Title").press_sequentially("How can I request a laptop", delay=15)

    box = page.locator(".field-title .similar-box .similar")
    box.wait_for()
    assert "Asked before" in box.locator(".similar-head").inner_text()
    items = box.locator("li")
    first = items.first
    assert first.get_by_role("link").inner_text() == ANSWERED
    assert first.locator(".badge-accepted").inner_text() == "✓ answered"
    assert FIRST_LINE in first.inner_text()
    texts = items.all_inner_texts()
    assert any(UNANSWERED in text and "no answer yet" in text for text in texts[1:])
    assert not any(UNRELATED in text for text in texts)

    first.get_by_role("link", name=ANSWERED).click()
    page.wait_for_url(re.compile(re.escape(answered.get_absolute_url()) + "$"))
    page.get_by_role("heading", name=ANSWERED).wait_for()

    clicks = SearchClick.objects.filter(user=ken, post=answered)
    assert list(clicks.values_list("source", flat=True)) == [SearchClick.Source.SIMILAR]
    assert not Post.objects.filter(author=ken).exists()  # deflected: nothing was asked


def test_header_typeahead_then_enter_shows_highlighted_results(
    page_for, live_server, make_user, seeded
):
    answered, _, _ = seeded
    page = page_for(make_user("ken"))
    page.goto(live_server.url + "/")

    header_q = page.locator("#header-q")
    header_q.press_sequentially("lap", delay=15)
    suggestion = page.locator("#typeahead .typeahead-list a", has_text=ANSWERED)
    suggestion.wait_for()
    assert "Question" in suggestion.inner_text()
    assert suggestion.get_attribute("href") == f"/search/open/{answered.pk}/?from=typeahead"

    header_q.press_sequentially("top request", delay=15)
    header_q.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?"))
    assert parse_qs(urlsplit(page.url).query)["q"] == ["laptop request"]

    result = page.locator(".search-result", has_text=ANSWERED)
    result.wait_for()
    assert page.locator("#search-q").input_value() == "laptop request"
    marked = {m.lower() for m in result.locator(".result-title mark").all_inner_texts()}
    assert {"laptop", "request"} <= marked
    assert "accepted answer" in result.locator(".reasons span").all_inner_texts()
    assert UNRELATED not in page.locator(".search-results").inner_text()

    result.get_by_role("link", name=ANSWERED).click()
    page.get_by_role("heading", name=ANSWERED).wait_for()
    assert SearchClick.objects.filter(post=answered, source="results").count() == 1


def test_boost_my_network_toggle(page_for, live_server, make_user, seeded):
    page = page_for(make_user("ken"))
    page.goto(live_server.url + "/search/?q=laptop")

    toggle = page.get_by_role("link", name="Boost my network (on)")
    assert toggle.get_attribute("data-on") == "true"
    assert "✓" in toggle.inner_text()

    toggle.click()
    page.wait_for_url(re.compile(r"[?&]network=0"))
    toggle = page.get_by_role("link", name="Boost my network (off)")
    assert toggle.get_attribute("data-on") == "false"
    assert "✓" not in toggle.inner_text()
    assert page.locator(".search-result", has_text=ANSWERED).count() == 1  # same results
    assert page.locator("input[name=network]").input_value() == "0"  # kept by a new search

    toggle.click()
    page.wait_for_url(re.compile(r"[?&]network=1"))
    assert page.get_by_role("link", name="Boost my network (on)").get_attribute("data-on") == "true"
