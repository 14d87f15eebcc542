"""The demo company gives every report something to show."""

from __future__ import annotations

import io

from django.core.management import call_command

from profiles.models import User
from questions.models import Answer, Post, PostView
from reports.catalog import BY_SLUG
from search.models import SearchClick


def test_seed_demo_feeds_every_report(db):
    call_command("seed_demo", stdout=io.StringIO(), stderr=io.StringIO())
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
    call_command("seed_demo", stdout=io.StringIO(), stderr=io.StringIO())
    assert PostView.objects.count() == before
