"""The heart of the journey in a real browser: ask with mentions, answer, accept, like, and
see the question reach the mentioned person's board and a follower's feed."""

from __future__ import annotations

import re

import pytest

from profiles.actions import set_follow_person
from questions import actions
from questions.models import Post
from tests.browser.actions import mention_via_autocomplete

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_ask_answer_accept_like_and_spread(page_for, live_server, make_user):
    rita = make_user("rita", display_name="Rita Ramos")
    maria = make_user("maria", display_name="Maria Lopez")
    make_user("ken", display_name="Ken Okafor")
    answerer = make_user("aisha", display_name="Aisha Rahman")
    follower = make_user("finn", display_name="Finn Berg")
    set_follow_person(follower=follower, person=maria, following=True)

    asker = page_for(rita)
    asker.goto(live_server.url + "/ask/")
    asker.get_by_label("Title").fill("How do we sign release builds?")
    asker.locator("#id_body").fill("Where are the keys now? ")
    mention_via_autocomplete(asker, "@mar", "Maria Lopez")
    mention_via_autocomplete(asker, "and @ke", "Ken Okafor")
    assert asker.locator("#id_body").input_value().endswith("@maria and @ken ")
    asker.get_by_label("Tags").fill("release, signing")
    asker.get_by_role("button", name="Ask your question").click()
    asker.get_by_role("heading", name="How do we sign release builds?").wait_for()
    assert asker.locator(".prose a.mention").all_inner_texts() == ["@maria", "@ken"]
    post = Post.objects.get(title="How do we sign release builds?")
    assert sorted(t.name for t in post.tags.all()) == ["release", "signing"]

    helper = page_for(answerer)
    helper.goto(live_server.url + post.get_absolute_url())
    helper.get_by_label("Your answer").fill("Use the **signing service**; keys live in the HSM.")
    helper.get_by_role("button", name="Post your answer").click()
    helper.locator(".answer .prose strong", has_text="signing service").wait_for()
    helper.get_by_role("button", name=re.compile("Like")).first.click()  # likes the question
    helper.locator(".post-full .chip-on .count", has_text="1").wait_for()

    asker.reload()
    asker.get_by_role("button", name="Accept this answer").click()
    asker.get_by_text("✓ Accepted answer").wait_for()
    like_answer = asker.locator(".answer").get_by_role("button", name=re.compile("Like"))
    like_answer.click()
    asker.locator(".answer .chip-on .count", has_text="1").wait_for()
    asker.reload()
    assert asker.locator(".answer .chip-on .count").inner_text() == "1"  # persisted

    board = page_for(make_user("visitor"))
    board.goto(live_server.url + "/people/maria/")
    board.get_by_role("link", name="How do we sign release builds?").wait_for()

    feed = page_for(follower)
    feed.goto(live_server.url + "/?tab=network")
    card = feed.locator(".post-card", has_text="How do we sign release builds?")
    card.wait_for()
    assert "Maria Lopez, whom you follow, was mentioned" in card.inner_text()


def test_private_community_post_never_appears_for_non_member(
    page_for, live_server, make_user, make_community
):
    owner = make_user("hannah", display_name="Hannah Schmidt")
    outsider = make_user("oscar", display_name="Oscar")
    set_follow_person(follower=outsider, person=owner, following=True)
    community = make_community("Leadership", owner=owner, private=True)
    secret = actions.ask_question(
        author=owner, title="Reorg timeline?", body="draft", tags="reorg", community=community
    )
    public = actions.ask_question(author=owner, title="Offsite venue ideas?", body="", tags="reorg")

    page = page_for(outsider)
    for path in [
        "/?tab=network",
        "/?tab=all",
        "/?tab=unanswered",
        "/tags/reorg/",
        "/people/hannah/",
        "/communities/",
    ]:
        page.goto(live_server.url + path)
        text = page.locator("main").inner_text()
        assert "Reorg timeline?" not in text, path
        assert "Leadership" not in text, path
    page.goto(live_server.url + "/?tab=all")
    page.get_by_role("link", name="Offsite venue ideas?").wait_for()
    response = page.goto(live_server.url + secret.get_absolute_url())
    assert response.status == 404
    assert public.pk != secret.pk
