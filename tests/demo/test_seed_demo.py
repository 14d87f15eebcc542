"""What seed_demo creates. The module seeds the company once (tests/demo/conftest.py); each
test looks at it, and the ones that seed again or top it up do so in their own savepoint."""

from __future__ import annotations

import pytest
from django.db.models import Count, F, Q
from django.utils import timezone

from demo.experts import AWAY, next_monday
from demo.people import CORE_PEOPLE, DEMO_DOMAIN, DEMO_PASSWORD
from notifications.models import Notification
from profiles.models import DeclaredTopic, Department, Expertise, Profile, User
from questions.models import Answer, Community, Post, PostView, TaggedPost
from questions.permissions import visible_posts
from reports.catalog import BY_SLUG
from search.models import SearchClick
from tests.demo.conftest import seed

# The first test also waits for the seeding (tests/demo/conftest.py), most of a minute on a
# quiet machine and more on a busy one.
pytestmark = pytest.mark.timeout(600)


def test_seed_demo_is_idempotent(company):
    counts = (User.objects.count(), Profile.objects.count(), Department.objects.count())
    second = seed()
    assert counts == (User.objects.count(), Profile.objects.count(), Department.objects.count())
    assert counts[0] == len(CORE_PEOPLE)
    assert f"{len(CORE_PEOPLE)} people created" in company
    assert "0 people created" in second


def test_seed_demo_people_option_tops_up_to_n(company):
    seed(people=120)
    assert User.objects.count() == 120
    seed(people=150)
    assert User.objects.count() == 150
    # Several departments, each with people in them.
    assert Department.objects.filter(members__isnull=False).distinct().count() >= 5


def test_seed_demo_gives_every_person_a_profile(company):
    seed(people=40)
    assert User.objects.count() == 40
    assert not User.objects.filter(profile__isnull=True).exists()


def test_seed_demo_prints_logins_that_work(company, client):
    assert f"maria@{DEMO_DOMAIN}" in company
    assert DEMO_PASSWORD in company
    response = client.post(
        "/accounts/login/", {"login": f"maria@{DEMO_DOMAIN}", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert "Work out loud, Maria Lopez" in client.get("/").content.decode()


def test_seed_demo_fills_the_intranet_with_consistent_content(company):
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

    unread = Notification.objects.filter(read_at__isnull=True)
    assert unread.exists()
    assert max(unread.values("recipient").annotate(n=Count("id")).values_list("n", flat=True)) <= 5
    seed()
    assert Post.objects.count() == posts


def test_demo_company_has_experts_declared_topics_and_someone_away(company):
    assert "people away" in company
    ken = Profile.objects.get(user__username=AWAY)
    assert ken.is_away and ken.away_until == next_monday(timezone.localdate())
    assert DeclaredTopic.objects.filter(user__username="maria", tag__name="kubernetes").exists()
    top = Expertise.objects.filter(tag__name="kubernetes").select_related("user")[:3]
    assert len(top) == 3 and all(e.accepted_answers + e.answer_likes for e in top)
    rows = Expertise.objects.count()
    seed()
    assert Expertise.objects.count() == rows


def test_seed_demo_feeds_every_report(company):
    admin = User.objects.get(username="admin")
    assert PostView.objects.count() > 500 and SearchClick.objects.exists()
    assert not Post.objects.filter(sentiment__isnull=True).exists()
    assert not Answer.objects.filter(sentiment__isnull=True).exists()
    # Views counted on the posts match their rows.
    first = PostView.objects.order_by("pk").first()
    assert first is not None
    post = first.post
    assert post.view_count == PostView.objects.filter(post=post).count()

    def figures(slug):
        entry = BY_SLUG[slug]
        report = entry.build(entry.default_range(), admin)
        return {f.label: f.value for f in report.figures}, report

    retained, _ = figures("retained")
    assert retained["Former colleagues"] >= 1 and retained["Uses after they left"] > 0
    risk, _ = figures("risk")
    assert risk["People leaving"] >= 1
    responsiveness, _ = figures("responsiveness")
    assert responsiveness["Questions asked"] > 20 and responsiveness["Answered"] > 50
    participation, report = figures("participation")
    assert participation["Posts"] > 50 and participation["Average sentiment"] is not None
    assert report.table("sentiment").rows
    standards, _ = figures("standards")
    assert standards["Topics with a standard"] >= 1
    # Seeding again adds no views.
    before = PostView.objects.count()
    seed()
    assert PostView.objects.count() == before
