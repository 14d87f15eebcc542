"""The tag page: its questions first, who knows about it and its standards beside or after."""

from __future__ import annotations

from profiles.actions import set_declared_topics


def test_tag_page_shows_its_questions_before_experts_and_standards(
    make_user, make_question, client_for
):
    rita = make_user("rita", display_name="Rita Ramos")
    set_declared_topics(user=rita, topics=["gpg"])
    make_question(author=rita, title="How do we sign release builds?", tags=["gpg"])
    text = client_for(make_user()).get("/tags/gpg/").content.decode()
    question = text.index("How do we sign release builds?")
    assert text.index("Who knows about #gpg") > question
    assert text.index("Standards in #gpg") > question
    assert '<aside class="side-column" aria-label="About #gpg">' in text


def test_tag_page_without_posts_says_so_first(make_user, client_for, make_question):
    make_question(author=make_user(), title="Unrelated", tags=["other"])
    text = client_for(make_user()).get("/tags/other/").content.decode()
    assert text.index("Unrelated") < text.index("Standards in #other")
