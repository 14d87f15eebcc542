"""Expertise: who knows about a tag, earned from what colleagues did with their work.

recompute_expertise() derives, per person and tag:

* accepted answers: their answers that someone else accepted, on questions with the tag;
* likes on answers: likes their answers (to any post with the tag) received;
* draft downloaders: distinct colleagues who downloaded their drafts with the tag (an
  author's own downloads are never recorded).

Only posts outside private communities count. Evidence in a private community would make a
person an expert for its members, but the rows and the evidence shown in words ("14
accepted answers in #kubernetes") are read by everyone, so the simple, leak-proof rule is
that computed expertise only counts evidence from non-private posts. Deleted posts and
answers never count. Evidence weighs half as much every EXPERTISE_HALF_LIFE_DAYS.

The rest of the module reads those rows (and the topics people declare): a person's top
topics and the experts on a tag. Each read is one or two queries, whatever the number of
people. (Available colleagues to suggest or to offer a waiting question to are chosen in
questions.experts, which also knows who may see a community.)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils import timezone
from taggit.models import Tag

from profiles.models import (
    DeclaredTopic,
    Expertise,
    Profile,
    User,
    current_q,
    former_q,
)
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


# --- Reading -------------------------------------------------------------------------


def top_topics(user: User, *, limit: int = 5) -> list[Expertise]:
    """The person's strongest earned topics, with their tags (one query)."""
    return list(
        Expertise.objects.filter(user=user).select_related("tag").order_by("-score", "pk")[:limit]
    )


def declared_topics(user: User) -> list[Tag]:
    """The topics the person says they know about, by name (one query)."""
    return [d.tag for d in DeclaredTopic.objects.filter(user=user).select_related("tag")]


def top_topics_by_user(
    user_ids: Iterable[int], *, per_person: int = 3
) -> dict[int, list[Expertise]]:
    """Each person's strongest earned topics, for a list of people (one query)."""
    ranked = (
        Expertise.objects.filter(user_id__in=list(user_ids))
        .annotate(
            rank=Window(
                RowNumber(), partition_by=[F("user_id")], order_by=[F("score").desc(), F("pk")]
            )
        )
        .filter(rank__lte=per_person)
        .select_related("tag")
        .order_by("user_id", "-score", "pk")
    )
    topics: dict[int, list[Expertise]] = defaultdict(list)
    for row in ranked:
        topics[row.user_id].append(row)
    return topics


def declared_topics_by_user(user_ids: Iterable[int]) -> dict[int, list[Tag]]:
    """Each person's declared topics, for a list of people (one query)."""
    topics: dict[int, list[Tag]] = defaultdict(list)
    rows = DeclaredTopic.objects.filter(user_id__in=list(user_ids)).select_related("tag")
    for row in rows:
        topics[row.user_id].append(row.tag)
    return topics


SEARCH_TOPICS = 5  # topics per person in the search index


def expertise_tags(
    user_ids: Iterable[int], per_person: int = SEARCH_TOPICS
) -> dict[int, list[str]]:
    """Tag names per person for search's person documents: earned topics, strongest first,
    then declared ones (two queries). People with neither are left out."""
    ids = list(user_ids)
    names: dict[int, list[str]] = {
        user_id: [e.tag.name for e in rows]
        for user_id, rows in top_topics_by_user(ids, per_person=per_person).items()
    }
    for user_id, tags in declared_topics_by_user(ids).items():
        mine = names.setdefault(user_id, [])
        mine.extend(t.name for t in tags if t.name not in mine)
        del mine[per_person:]
    return names


@dataclass(frozen=True)
class TagExperts:
    """Who knows about a tag: current colleagues by earned expertise, former colleagues
    apart ("knew about this"), and current colleagues who only say they know about it."""

    tag: Tag
    current: list[Expertise]
    former: list[Expertise]
    declared: list[Profile]

    def __bool__(self) -> bool:
        return bool(self.current or self.former or self.declared)


def experts_for_tag(tag: Tag, *, limit: int = 10) -> TagExperts:
    """The tag's experts, strongest first, at most `limit` current and `limit` former
    colleagues, plus up to `limit` who declared the topic (three queries).

    Current and former colleagues are read apart, each in score order along the
    (tag, -score) index and cut at `limit`: a window over every row of a popular tag
    (thousands at 100,000 posts) took 30 ms."""
    rows = Expertise.objects.filter(tag=tag).select_related("user__profile__department", "tag")
    current = list(rows.filter(former=False).order_by("-score", "pk")[:limit])
    former = list(rows.filter(former=True).order_by("-score", "pk")[:limit])
    earned = Expertise.objects.filter(tag=tag, user_id=OuterRef("user_id"))
    declared = [
        d.user.profile
        for d in DeclaredTopic.objects.filter(current_q(via="user__"), tag=tag)
        .exclude(Exists(earned))
        .select_related("user__profile__department")
        .order_by("user__profile__display_name")[:limit]
    ]
    return TagExperts(tag=tag, current=current, former=former, declared=declared)
