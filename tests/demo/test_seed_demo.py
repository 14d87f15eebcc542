from __future__ import annotations

import io

from django.core.management import call_command

from demo.people import CORE_PEOPLE, DEMO_DOMAIN, DEMO_PASSWORD
from profiles.models import Department, Profile, User


def seed(*args: str, **kwargs) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out, stderr=io.StringIO(), **kwargs)
    return out.getvalue()


def test_seed_demo_is_idempotent(db):
    first = seed()
    counts = (User.objects.count(), Profile.objects.count(), Department.objects.count())
    second = seed()
    assert counts == (User.objects.count(), Profile.objects.count(), Department.objects.count())
    assert counts[0] == len(CORE_PEOPLE)
    assert f"{len(CORE_PEOPLE)} people created" in first
    assert "0 people created" in second


def test_seed_demo_people_option_tops_up_to_n(db):
    seed(people=120)
    assert User.objects.count() == 120
    seed(people=150)
    assert User.objects.count() == 150
    # Several departments, each with people in them.
    assert Department.objects.filter(members__isnull=False).distinct().count() >= 5


def test_seed_demo_prints_logins_that_work(db, client):
    out = seed()
    assert f"maria@{DEMO_DOMAIN}" in out
    assert DEMO_PASSWORD in out
    response = client.post(
        "/accounts/login/", {"login": f"maria@{DEMO_DOMAIN}", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert "Work out loud, Maria Lopez" in client.get("/").content.decode()


def test_first_run_leaves_a_database_in_use_alone(db, make_user):
    make_user("someone")
    out = seed("--first-run")
    assert "left as it is" in out
    assert User.objects.count() == 1


def test_seed_demo_fills_the_intranet_with_consistent_content(db):
    from django.db.models import Count, F, Q

    from questions.models import Answer, Community, Post, TaggedPost
    from questions.permissions import visible_posts

    seed()
    posts = Post.objects.count()
    assert posts >= 200 and Answer.objects.count() >= 300
    assert Post.objects.filter(kind="question", answer_count=0).exists()
    assert Post.objects.filter(accepted_answer__isnull=False).exists()
    assert Post.objects.filter(mentions__isnull=False).exists()
    mismatched = Post.objects.annotate(
        n_answers=Count("answers", filter=Q(answers__deleted_at__isnull=True), distinct=True),
        n_likes=Count("likes", distinct=True),
    ).exclude(answer_count=F("n_answers"), like_count=F("n_likes"))
    assert not mismatched.exists()
    assert not TaggedPost.objects.exclude(
        last_activity_at=F("content_object__last_activity_at")
    ).exists()
    private = Community.objects.filter(visibility="private").first()
    assert private is not None and private.posts.exists()
    outsider = User.objects.exclude(memberships__community=private).first()
    assert outsider is not None
    assert not visible_posts(outsider).filter(community=private).exists()
    from profiles.models import Notification

    unread = Notification.objects.filter(read_at__isnull=True)
    assert unread.exists()
    assert max(unread.values("recipient").annotate(n=Count("id")).values_list("n", flat=True)) <= 5
    seed()
    assert Post.objects.count() == posts
