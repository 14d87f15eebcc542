"""Posting, answering, accepting, liking and communities, tested through the actions."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError

from intranet.lib.access import NotAllowed, NotVisible
from questions import actions
from questions.models import Like, Mention, Post
from questions.permissions import visible_posts


def test_question_with_tags_and_two_mentions(make_user):
    asker = make_user("rita")
    make_user("maria")
    make_user("ken")
    post = actions.ask_question(
        author=asker,
        title="How do we sign release builds?",
        body="Anyone? @maria @ken",
        tags="release, #Signing",
    )
    assert sorted(t.name for t in post.tags.all()) == ["release", "signing"]
    assert sorted(m.user.username for m in post.mentions.all()) == ["ken", "maria"]
    assert '<a href="/people/maria/" class="mention"' in post.body_html


def test_mention_of_unknown_person_or_inside_code_is_plain_text(make_user):
    asker = make_user("rita")
    make_user("maria")
    post = actions.ask_question(
        author=asker, title="Q?", body="ask @nobody, or `@maria` in code\n\n    @maria"
    )
    assert not Mention.objects.filter(post=post).exists()
    assert "@nobody" in post.body_html and 'class="mention"' not in post.body_html


def test_more_than_ten_mentions_is_refused_with_a_clear_message(make_user):
    asker = make_user("rita")
    for i in range(11):
        make_user(f"p{i}")
    body = " ".join(f"@p{i}" for i in range(11))
    with pytest.raises(ValidationError, match="Mention at most 10 people"):
        actions.ask_question(author=asker, title="Too many?", body=body)
    assert not Post.objects.exists()


def test_mention_of_non_member_in_private_community_notifies_no_one(make_user, make_community):
    owner = make_user("owner")
    outsider = make_user("outsider")
    community = make_community("M&A", owner=owner, private=True)
    post = actions.ask_question(
        author=owner, title="Deal room?", body="@outsider thoughts?", community=community
    )
    assert not Mention.objects.filter(post=post, user=outsider).exists()
    assert not visible_posts(outsider).filter(pk=post.pk).exists()


def test_posting_in_a_private_community_needs_membership(make_user, make_community):
    owner = make_user("owner")
    community = make_community("M&A", owner=owner, private=True)
    with pytest.raises(NotVisible):
        actions.post_status(author=make_user(), body="hi", community=community)


@pytest.mark.parametrize("tags", ["<script>", "a b c d e f", "tag/with/slash", "x" * 41, "🎉"])
def test_odd_tags_are_refused_with_a_clear_message(make_user, tags):
    with pytest.raises(ValidationError) as caught:
        actions.ask_question(author=make_user(), title="Tags?", body="", tags=tags)
    assert "Tags may use" in str(caught.value) or "at most 5 tags" in str(caught.value)


def test_huge_body_is_refused_not_truncated(make_user):
    with pytest.raises(ValidationError, match="under 20,000 characters"):
        actions.ask_question(author=make_user(), title="Long", body="x" * 50_000)


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        '<img src=x onerror="alert(1)">',
        '<svg onload="alert(1)"></svg>',
        "![x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    ],
)
def test_xss_payloads_in_bodies_are_rendered_harmless(make_user, payload):
    post = actions.ask_question(author=make_user(), title="XSS?", body=payload)
    tags = re.findall(r"<[^>]+>", post.body_html.lower())
    assert tags, "the body renders to something"
    for tag in tags:
        assert not tag.startswith(("<script", "<svg", "<img", "<iframe")), tag
        assert not re.search(r"\son\w+=", tag), tag
        assert "javascript:" not in tag and "data:" not in tag, tag
    assert post.body == payload  # what the person typed is kept


def test_unicode_tags_are_welcome(make_user):
    post = actions.ask_question(author=make_user(), title="Tags?", body="", tags="café, 日本語")
    assert sorted(t.name for t in post.tags.all()) == ["café", "日本語"]


def test_answer_counts_and_raises_the_question(make_user, make_question):
    question = make_question(author=make_user())
    before = question.last_activity_at
    actions.post_answer(post=question, author=make_user(), body="Use the signing service.")
    question.refresh_from_db()
    assert question.answer_count == 1
    assert question.last_activity_at > before


def test_only_the_asker_accepts_and_can_change_the_accepted_answer(make_user, make_question):
    asker = make_user()
    question = make_question(author=asker)
    first = actions.post_answer(post=question, author=make_user(), body="One")
    second = actions.post_answer(post=question, author=make_user(), body="Two")
    with pytest.raises(NotAllowed):
        actions.accept_answer(post=question, answer=first, by=first.author)
    actions.accept_answer(post=question, answer=first, by=asker)
    actions.accept_answer(post=question, answer=second, by=asker)
    question.refresh_from_db()
    assert question.accepted_answer == second


def test_like_is_idempotent_and_unlike_removes_it(make_user, make_question):
    question = make_question(author=make_user())
    answer = actions.post_answer(post=question, author=make_user(), body="Yes")
    fan = make_user()
    assert actions.set_like(user=fan, answer=answer, liked=True) == 1
    assert actions.set_like(user=fan, answer=answer, liked=True) == 1
    assert Like.objects.filter(answer=answer).count() == 1
    assert actions.set_like(user=fan, answer=answer, liked=False) == 0
    assert actions.set_like(user=fan, answer=answer, liked=False) == 0


def test_liking_your_own_post_is_refused(make_user, make_question):
    asker = make_user()
    with pytest.raises(ValidationError, match="your own"):
        actions.set_like(user=asker, post=make_question(author=asker), liked=True)


def test_deleted_post_is_hidden_but_kept(make_user, make_question):
    asker = make_user()
    question = make_question(author=asker)
    actions.delete_post(post=question, by=asker)
    assert not visible_posts(asker).filter(pk=question.pk).exists()
    assert Post.objects.filter(pk=question.pk).exists()


def test_editing_marks_the_post_edited_and_records_new_mentions(make_user, make_question):
    asker = make_user()
    make_user("maria")
    question = make_question(author=asker)
    actions.edit_post(post=question, editor=asker, title="Better title?", body="@maria", tags="x")
    question.refresh_from_db()
    assert question.edited_at is not None
    assert question.mentions.filter(user__username="maria").exists()


def test_private_community_is_joined_by_invitation_only(make_user, make_community):
    owner = make_user()
    community = make_community("Leadership", owner=owner, private=True)
    with pytest.raises(NotVisible):  # outsiders are not told it exists
        actions.join_community(user=make_user(), community=community)
    with pytest.raises(NotVisible):
        actions.add_member(by=make_user(), community=community, user=make_user())
    with pytest.raises(ValidationError, match="last owner"):
        actions.leave_community(user=owner, community=community)
