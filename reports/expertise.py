"""Computing expertise: who knows about a tag, earned from what colleagues did with their work.

recompute_expertise() derives, per person and tag, the rows of the people's Expertise table
(profiles.models; profiles.expertise reads them):

* accepted answers: their answers that someone else accepted, on questions with the tag;
* likes on answers: likes their answers (to any post with the tag) received;
* draft downloaders: distinct colleagues who downloaded their drafts with the tag (an
  author's own downloads are never recorded).

Only posts outside private communities count. Evidence in a private community would make a
person an expert for its members, but the rows and the evidence shown in words ("14
accepted answers in #kubernetes") are read by everyone, so the simple, leak-proof rule is
that computed expertise only counts evidence from non-private posts. Deleted posts and
answers never count. Evidence weighs half as much every EXPERTISE_HALF_LIFE_DAYS.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Case, Count, F, IntegerField, Max, Q, QuerySet, Value, When
from django.utils import timezone

from profiles.expertise import SEARCH_TOPICS
from profiles.models import Expertise, User, former_q
from questions.models import Community, DraftDownload, Like, Post
from search.indexing import reindex_people

# How much one piece of evidence weighs when it is new.
ACCEPTED_WEIGHT = 5.0
ANSWER_LIKE_WEIGHT = 1.0
DOWNLOADER_WEIGHT = 2.0
# Evidence is grouped by age in the database, in buckets of a sixth of a half-life, for
# five half-lives; anything older shares one last bucket. Each bucket weighs as evidence of
# its middle age would: at most 6% off the exact decay, for a GROUP BY instead of a row each.
BUCKETS_PER_HALF_LIFE = 6
BUCKETED_HALF_LIVES = 5
BUCKETS = BUCKETS_PER_HALF_LIFE * BUCKETED_HALF_LIVES
WRITE_BATCH = 1_000

Progress = Callable[[int], object]


@dataclass
class _Evidence:
    score: float = 0.0
    accepted: int = 0
    likes: int = 0
    downloaders: int = 0
    last: datetime | None = None

    def add(self, *, weight: float, at: datetime) -> None:
        self.score += weight
        if self.last is None or at > self.last:
            self.last = at


def _half_life() -> timedelta:
    return timedelta(days=settings.EXPERTISE_HALF_LIFE_DAYS)


def _bucket_weights() -> list[float]:
    """Decay of each age bucket (the last one is open-ended: weighed half a bucket in)."""
    return [0.5 ** ((i + 0.5) / BUCKETS_PER_HALF_LIFE) for i in range(BUCKETS + 1)]


def _age_bucket(field: str, now: datetime) -> Case:
    """The age bucket of `field` as an SQL expression: comparisons only, on both databases."""
    width = _half_life() / BUCKETS_PER_HALF_LIFE
    whens = [
        When(**{f"{field}__gte": now - width * (i + 1)}, then=Value(i)) for i in range(BUCKETS)
    ]
    return Case(*whens, default=Value(BUCKETS), output_field=IntegerField())


def _public(via: str = "") -> Q:
    """Posts outside private communities (`via` is the path to a Post)."""
    return Q(**{f"{via}community__isnull": True}) | Q(
        **{f"{via}community__visibility": Community.Visibility.OPEN}
    )


def _accepted_answers(now: datetime) -> QuerySet[Post, dict[str, Any]]:
    """(person, tag, bucket, n, last): answers accepted by someone other than their writer."""
    return (
        Post.objects.filter(
            _public(),
            kind=Post.Kind.QUESTION,
            deleted_at__isnull=True,
            accepted_answer__isnull=False,
            accepted_answer__deleted_at__isnull=True,
        )
        .exclude(accepted_answer__author_id=F("author_id"))
        .annotate(
            person=F("accepted_answer__author_id"),
            tag=F("tagged__tag_id"),
            bucket=_age_bucket("accepted_answer__created_at", now),
        )
        .filter(tag__isnull=False)
        .values("person", "tag", "bucket")
        .annotate(n=Count("pk"), last=Max("accepted_answer__created_at"))
        .order_by()
    )


def _answer_likes(now: datetime) -> QuerySet[Like, dict[str, Any]]:
    """(person, tag, bucket, n, last): likes on answers, by when they were given."""
    return (
        Like.objects.filter(
            _public("answer__post__"),
            answer__isnull=False,
            answer__deleted_at__isnull=True,
            answer__post__deleted_at__isnull=True,
        )
        .annotate(
            person=F("answer__author_id"),
            tag=F("answer__post__tagged__tag_id"),
            bucket=_age_bucket("created_at", now),
        )
        .filter(tag__isnull=False)
        .values("person", "tag", "bucket")
        .annotate(n=Count("pk"), last=Max("created_at"))
        .order_by()
    )


def _draft_downloaders() -> QuerySet[DraftDownload, tuple[int, int, date]]:
    """(person, tag, last day): one row per distinct downloader of a person's drafts in a
    tag, dated by their latest download (distinct people cannot be summed over buckets)."""
    return (
        DraftDownload.objects.filter(
            _public("post__"), post__kind=Post.Kind.DRAFT, post__deleted_at__isnull=True
        )
        .exclude(user_id=F("post__author_id"))
        .annotate(person=F("post__author_id"), tag=F("post__tagged__tag_id"))
        .filter(tag__isnull=False)
        .values("person", "tag", "user_id")
        .annotate(last=Max("day"))
        .order_by()
        .values_list("person", "tag", "last")
    )


def recompute_expertise(*, now: datetime | None = None, progress: Progress | None = None) -> int:
    """Replace every Expertise row with what the evidence says at `now`; returns how many.

    Three GROUP BY queries read the evidence (bucketed by age in the database), and the rows
    are replaced in one transaction, so readers see the old set or the new one, never a mix.
    `progress` is called with 1 after each of the four steps (for a progress bar).
    """
    now = now or timezone.now()
    step = progress or (lambda n: None)
    weights = _bucket_weights()
    evidence: dict[tuple[int, int], _Evidence] = defaultdict(_Evidence)
    for row in _accepted_answers(now):
        item = evidence[(row["person"], row["tag"])]
        item.accepted += row["n"]
        item.add(weight=ACCEPTED_WEIGHT * row["n"] * weights[row["bucket"]], at=row["last"])
    step(1)
    for row in _answer_likes(now):
        item = evidence[(row["person"], row["tag"])]
        item.likes += row["n"]
        item.add(weight=ANSWER_LIKE_WEIGHT * row["n"] * weights[row["bucket"]], at=row["last"])
    step(1)
    today = timezone.localdate(now)
    bucket_days = settings.EXPERTISE_HALF_LIFE_DAYS / BUCKETS_PER_HALF_LIFE
    zone = timezone.get_current_timezone()
    for person, tag, day in _draft_downloaders():
        bucket = min(BUCKETS, max(0, int((today - day).days / bucket_days)))
        item = evidence[(person, tag)]
        item.downloaders += 1
        item.add(
            weight=DOWNLOADER_WEIGHT * weights[bucket],
            at=datetime.combine(day, time.min, tzinfo=zone),
        )
    step(1)
    departed = set(User.objects.filter(former_q()).values_list("pk", flat=True))
    rows = (
        Expertise(
            user_id=person,
            tag_id=tag,
            score=round(item.score, 6),
            accepted_answers=item.accepted,
            answer_likes=item.likes,
            draft_downloaders=item.downloaders,
            last_evidence_at=item.last or now,
            computed_at=now,
            former=person in departed,
        )
        for (person, tag), item in evidence.items()
    )
    with transaction.atomic():
        before = _search_topics()
        Expertise.objects.all().delete()
        Expertise.objects.bulk_create(rows, batch_size=WRITE_BATCH)
        # People's search documents carry their top topics: reindex those that changed.
        after = _search_topics()
        changed = [pk for pk in before.keys() | after.keys() if before.get(pk) != after.get(pk)]
        reindex_people(*changed)
    step(1)
    return len(evidence)


def _search_topics() -> dict[int, list[int]]:
    """Each person's top tag ids as search indexes them (search.documents.person_tags)."""
    top: dict[int, list[int]] = defaultdict(list)
    for user_id, tag_id in Expertise.objects.order_by("user_id", "-score", "pk").values_list(
        "user_id", "tag_id"
    ):
        if len(top[user_id]) < SEARCH_TOPICS:
            top[user_id].append(tag_id)
    return top
