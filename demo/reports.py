"""Demo data for the reports (`manage.py seed_demo`): what the app records as people read and
search, spread over the demo's past months, so that every report has a story to tell.

* Views: colleagues who can see a post open it on days between its creation and today,
  more often for posts with more answers and likes (PostView rows, Post.view_count).
* Search clicks: results, typeahead and duplicate suggestions ("deflections") leading to
  answered questions.
* Sentiment for any post or answer written without it.

Runs after the demo departures, so that former colleagues read nothing after they left and
their knowledge is still read by others. Deterministic (a seeded Random) and idempotent:
nothing is added once demo posts have views.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from demo.people import DEMO_DOMAIN
from intranet.lib.sentiment import score, score_post
from profiles.models import User
from questions.models import Answer, Community, Membership, Post, PostView
from reports import summaries
from search.models import SearchClick

SEED = 20261126
BASE_VIEWERS = 2
VIEWERS_PER_SIGNAL = 2  # more viewers per answer and like
MAX_VIEWERS = 14
CLICK_SHARE = 0.5  # of answered questions
DEFLECTION_SHARE = 0.3


def seed_report_data() -> dict[str, int]:
    """Add views, search clicks and missing sentiment; returns what was created."""
    counts = {"post views": 0, "search clicks": 0}
    posts = list(
        Post.objects.alive()
        .filter(author__email__endswith=f"@{DEMO_DOMAIN}")
        .order_by("pk")
        .only("pk", "author_id", "community_id", "created_at", "answer_count", "like_count")
    )
    if posts and not PostView.objects.filter(post__in=posts).exists():
        with transaction.atomic():
            counts = _views_and_clicks(posts)
    counts["sentiments computed"] = fill_sentiment()
    counts["summary rows"] = summaries.refresh(full=True).rows
    return counts


def _views_and_clicks(posts: list[Post]) -> dict[str, int]:
    rng = random.Random(SEED)  # noqa: S311  (demo data, not secrets)
    readers = list(
        User.objects.filter(is_active=True, email__endswith=f"@{DEMO_DOMAIN}")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    members: dict[int, list[int]] = {}
    for community_id, user_id in Membership.objects.filter(user_id__in=readers).values_list(
        "community_id", "user_id"
    ):
        members.setdefault(community_id, []).append(user_id)
    private = set(
        Community.objects.filter(visibility=Community.Visibility.PRIVATE).values_list(
            "pk", flat=True
        )
    )
    today = timezone.localdate()
    views: list[PostView] = []
    clicks: list[SearchClick] = []
    for post in posts:
        audience = (
            members.get(post.community_id or 0, []) if post.community_id in private else readers
        )
        audience = [pk for pk in audience if pk != post.author_id]
        if not audience:
            continue
        created = timezone.localdate(post.created_at)
        span = max(0, (today - created).days)
        wanted = BASE_VIEWERS + VIEWERS_PER_SIGNAL * (post.answer_count + post.like_count)
        for reader in rng.sample(audience, min(len(audience), MAX_VIEWERS, wanted)):
            for _ in range(rng.choice((1, 1, 1, 2, 3))):
                day = created + timedelta(days=rng.randint(0, span))
                views.append(PostView(post_id=post.pk, user_id=reader, day=day))
        if post.answer_count and post.community_id not in private and rng.random() < CLICK_SHARE:
            for _ in range(rng.randint(1, 3)):
                source = rng.choices(
                    (SearchClick.Source.RESULTS, SearchClick.Source.TYPEAHEAD, "similar"),
                    weights=(0.5, 0.2, DEFLECTION_SHARE),
                )[0]
                when = post.created_at + timedelta(days=rng.uniform(0, span), hours=1)
                clicks.append(
                    SearchClick(
                        user_id=rng.choice(audience),
                        post_id=post.pk,
                        source=source,
                        created_at=min(when, timezone.now()),
                    )
                )
    PostView.objects.bulk_create(views, batch_size=500, ignore_conflicts=True)
    SearchClick.objects.bulk_create(clicks, batch_size=500)
    viewed = PostView.objects.filter(post_id=OuterRef("pk")).values("post_id")
    Post.objects.filter(pk__in=[p.pk for p in posts]).update(
        view_count=Coalesce(
            Subquery(viewed.annotate(n=Count("pk")).values("n")[:1]),
            Value(0),
            output_field=IntegerField(),
        )
    )
    return {
        "post views": PostView.objects.filter(post__in=posts).count(),
        "search clicks": len(clicks),
    }


def fill_sentiment() -> int:
    """Score posts and answers that have no sentiment yet (as `compute_sentiment` does)."""
    done = 0
    posts = list(Post.objects.filter(sentiment__isnull=True).only("pk", "title", "body"))
    for post in posts:
        post.sentiment = score_post(post.title, post.body)
    answers = list(Answer.objects.filter(sentiment__isnull=True).only("pk", "body"))
    for answer in answers:
        answer.sentiment = score(answer.body)
    with transaction.atomic():
        done += Post.objects.bulk_update(posts, ["sentiment"], batch_size=500)
        done += Answer.objects.bulk_update(answers, ["sentiment"], batch_size=500)
    return done
