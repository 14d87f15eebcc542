"""Mentioning someone who is away: the compose box says so at once and suggests available
colleagues who know the tags; one click mentions one of them."""

from __future__ import annotations

import re

import pytest

from reports.expertise import recompute_expertise
from tests.browser.actions import mention_via_autocomplete

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_mentioning_an_away_expert_suggests_three_others_and_one_click_mentions(
    page_for, live_server, make_user, make_question, make_answer, make_away
):
    rita = make_user("rita", display_name="Rita Ramos")
    ana = make_user("ana", display_name="Ana Lopez")
    experts = {
        "bob": make_user("bob", display_name="Bob Brandt"),
        "cy": make_user("cy", display_name="Cy Costa"),
        "dee": make_user("dee", display_name="Dee Diaz"),
        "eli": make_user("eli", display_name="Eli Evans"),
    }
    for person, accepted in ((ana, 5), (experts["bob"], 4), (experts["cy"], 3)):
        for _ in range(accepted):
            make_answer(
                post=make_question(author=rita, tags=["kubernetes"]), author=person, accepted=True
            )
    for person, accepted in ((experts["dee"], 2), (experts["eli"], 1)):
        for _ in range(accepted):
            make_answer(
                post=make_question(author=rita, tags=["kubernetes"]), author=person, accepted=True
            )
    recompute_expertise()
    make_away(ana, days=4, note="At KubeCon")

    page = page_for(rita)
    page.goto(live_server.url + "/ask/")
    page.get_by_label("Title").fill("Why is the ingress flapping?")
    page.get_by_label("Tags").fill("kubernetes")
    mention_via_autocomplete(page, "Any idea @an", "Ana Lopez")

    notice = page.locator(".away-notice")
    notice.wait_for()
    assert re.search(r"Ana Lopez is away until \d+ \w+ \d{4}: At KubeCon\.", notice.inner_text())
    mention_buttons = notice.get_by_role("button", name=re.compile(r"^Mention @"))
    assert mention_buttons.all_inner_texts() == ["Mention @bob", "Mention @cy", "Mention @dee"]
    assert "4 accepted answers in #kubernetes" in notice.inner_text()

    notice.get_by_role("button", name="Mention @bob").click()

    body = page.locator("#id_body")
    assert body.input_value().endswith("@ana @bob ")
    # The notice asks again: bob is mentioned now, so the next expert takes his place.
    page.locator(".away-notice button[data-mention=eli]").wait_for()
    assert "@bob" not in page.locator(".away-notice .away-suggestions").inner_text()

    page.get_by_role("button", name="Ask your question").click()
    page.get_by_role("heading", name="Why is the ingress flapping?").wait_for()
    assert page.locator(".prose a.mention").all_inner_texts() == ["@ana", "@bob"]


def test_answer_form_notice_uses_the_questions_tags(
    page_for, live_server, make_user, make_question, make_answer, make_away
):
    rita = make_user("rita", display_name="Rita Ramos")
    ana = make_away(make_user("ana", display_name="Ana Lopez"), note="Parental leave")
    bob = make_user("bob", display_name="Bob Brandt")
    make_answer(post=make_question(author=rita, tags=["helm"]), author=bob, accepted=True)
    recompute_expertise()
    question = make_question(author=rita, title="Which helm chart for Redis?", tags=["helm"])

    page = page_for(make_user("yuki", display_name="Yuki Tanaka"))
    page.goto(live_server.url + question.get_absolute_url())
    mention_via_autocomplete(page, "Ask @an", "Ana Lopez")
    notice = page.locator(".away-notice")
    notice.wait_for()
    assert f"{ana.profile.display_name} is away until" in notice.inner_text()
    assert "These people also know about #helm" in notice.inner_text()
    notice.get_by_role("button", name="Mention @bob").click()
    assert page.locator("#id_body").input_value().endswith("@ana @bob ")
