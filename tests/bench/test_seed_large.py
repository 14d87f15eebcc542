"""The benchmark seeder, at a small scale: denormalised counters match the rows they count."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import pytest
from django.db.models import F

from bench.seed_large import seed
from profiles.models import Follow, User
from questions.models import Answer, Community, Like, Membership, Mention, Post, TaggedPost

SIZES = {"posts": 300, "answers": 900, "people": 50}


@pytest.fixture
def seeded(db):
    return seed(**SIZES, progress=False)


def test_seeds_the_requested_sizes(seeded):
    assert Post.objects.count() == 300
    assert Answer.objects.count() == 900
    assert User.objects.count() == 50
    assert seeded["posts created"] == 300
    assert seeded["answers created"] == 900
    assert Post.objects.questions().exists() and Post.objects.filter(kind="status").exists()
    assert Post.objects.unanswered().exists()
    assert TaggedPost.objects.exists() and Follow.objects.exists() and Mention.objects.exists()
    assert Community.objects.filter(visibility="private").exists()


def test_post_counters_match_answer_and_like_rows(seeded):
    answers = Counter(Answer.objects.values_list("post_id", flat=True))
    likes = Counter(Like.objects.filter(post__isnull=False).values_list("post_id", flat=True))
    assert sum(likes.values()) > 0
    for post in Post.objects.all():
        assert post.answer_count == answers[post.pk], post.pk
        assert post.like_count == likes[post.pk], post.pk


def test_answer_like_counts_match_like_rows(seeded):
    likes = Counter(Like.objects.filter(answer__isnull=False).values_list("answer_id", flat=True))
    assert sum(likes.values()) > 0
    for answer_id, like_count in Answer.objects.values_list("id", "like_count"):
        assert like_count == likes[answer_id], answer_id


def test_accepted_answers_belong_to_their_question(seeded):
    accepted = Post.objects.filter(accepted_answer__isnull=False).select_related("accepted_answer")
    assert accepted.exists()
    for post in accepted:
        assert post.is_question
        assert post.accepted_answer is not None
        assert post.accepted_answer.post_id == post.pk


def test_last_activity_is_the_latest_of_post_and_answers(seeded):
    latest: dict[int, datetime] = {}
    for post_id, created in Answer.objects.values_list("post_id", "created_at"):
        latest[post_id] = max(created, latest.get(post_id, created))
    for post in Post.objects.all():
        assert post.last_activity_at == max(post.created_at, latest.get(post.pk, post.created_at))
        assert post.last_activity_at >= post.created_at


def test_nobody_likes_their_own_post_or_answer(seeded):
    assert not Like.objects.filter(post__author=F("user")).exists()
    assert not Like.objects.filter(answer__author=F("user")).exists()


def test_private_community_posts_involve_only_members(seeded):
    private_posts = Post.objects.filter(community__visibility="private")
    assert private_posts.exists()
    for post in private_posts:
        members = set(
            Membership.objects.filter(community=post.community).values_list("user_id", flat=True)
        )
        assert post.author_id in members
        assert set(post.answers.values_list("author_id", flat=True)) <= members
        assert set(post.likes.values_list("user_id", flat=True)) <= members
        assert set(post.mentions.values_list("user_id", flat=True)) <= members


def test_mentions_are_rendered_as_links_in_the_body(seeded):
    mention = Mention.objects.filter(answer__isnull=True).select_related("post", "user").first()
    assert mention is not None
    assert f"@{mention.user.username}" in mention.post.body
    assert f'href="/people/{mention.user.username}/" class="mention"' in mention.post.body_html


def test_seeding_again_adds_nothing(seeded):
    again = seed(**SIZES, progress=False)
    assert again["posts created"] == 0
    assert Post.objects.count() == 300
    assert Answer.objects.count() == 900


def test_new_posts_after_seeding_get_fresh_ids(seeded, make_question):
    author = User.objects.first()
    assert author is not None
    highest = Post.objects.order_by("-id").values_list("id", flat=True).first()
    question = make_question(author=author)
    assert highest is not None and question.pk > highest


def test_the_reports_data_leaves_every_counter_in_step(seeded):
    """The reports benchmark adds views, departures and clicks in bulk: what check_integrity
    compares must still agree, or the benchmark would measure data the site never holds."""
    from bench.reports_bench import prepare
    from intranet.lib.integrity import run_checks
    from questions.integrity import COUNTERS
    from questions.models import PostView

    prepare(views_per_post=5, progress=False)
    assert PostView.objects.exists()
    outcomes = run_checks(COUNTERS)
    assert [(o.check.name, len(o.mismatches)) for o in outcomes if not o.ok] == []
