"""Offering questions waiting for an answer to people who know their tags."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from notifications.actions import notify_many
from notifications.models import Notification
from profiles.models import User
from questions.experts import available_candidates
from questions.models import Community, Post, TaggedPost
from reports.models import Nudge

# Candidates read per tag when offering waiting questions: enough to pass over those
# already offered the question or who had their daily share.
NUDGE_CANDIDATES_PER_TAG = 20


@dataclass
class NudgeReport:
    waiting: int = 0  # questions waiting long enough, looked at
    nudged_questions: int = 0  # of which offered to someone now
    notifications: int = 0
    capped: int = 0  # people passed over because they had their daily share


def nudge_waiting_questions(
    *,
    now: datetime | None = None,
    per_question: int = 3,
    max_age_days: int = 30,
    progress: Callable[[int], object] | None = None,
) -> NudgeReport:
    """Offer questions unanswered for WAITING_QUESTION_HOURS (and at most `max_age_days`
    old) to up to `per_question` available experts on their tags in all (earned, then
    declared): a WAITING notification from the asker.

    Never the asker, nobody away or departed, only members for a private community's
    question; at most once per question and person (a Nudge row, written in the same
    transaction as the notification, which is pushed after commit) and at most
    WAITING_NUDGES_PER_DAY per person and day (the site's time zone). Oldest questions
    first, so the longest-waiting get the experts' daily share. Safe to run again at any
    time: a second run finds the Nudge rows. `progress` is called with 1 per question.
    """
    now = now or timezone.now()
    step = progress or (lambda n: None)
    cap = settings.WAITING_NUDGES_PER_DAY
    waiting = list(
        Post.objects.alive()
        .unanswered()
        .filter(
            created_at__lte=now - timedelta(hours=settings.WAITING_QUESTION_HOURS),
            created_at__gte=now - timedelta(days=max_age_days),
            author__is_active=True,
        )
        .select_related("author", "community")
        .order_by("created_at", "pk")
    )
    report = NudgeReport(waiting=len(waiting))
    if not waiting or cap <= 0:
        return report
    ids = [p.pk for p in waiting]
    tags: dict[int, list[int]] = defaultdict(list)
    for post_id, tag_id in TaggedPost.objects.filter(content_object_id__in=ids).values_list(
        "content_object_id", "tag_id"
    ):
        tags[post_id].append(tag_id)
    done: dict[int, set[int]] = defaultdict(set)
    for post_id, user_id in Nudge.objects.filter(post_id__in=ids).values_list("post_id", "user_id"):
        done[post_id].add(user_id)
    day_start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    today_counts: dict[int, int] = defaultdict(int)
    for user_id, n in (
        Nudge.objects.filter(
            created_at__gte=day_start, created_at__lt=day_start + timedelta(days=1)
        )
        .values("user_id")
        .annotate(n=Count("pk"))
        .values_list("user_id", "n")
    ):
        today_counts[user_id] = n
    # Candidates per tag: once for the open questions, once per private community (members
    # only). The list order is the ranking (earned expertise by score, then declared).
    groups: dict[int | None, tuple[Community | None, set[int]]] = {}
    for post in waiting:
        private = post.community if post.community and post.community.is_private else None
        key = private.pk if private else None
        groups.setdefault(key, (private, set()))[1].update(tags[post.pk])
    pools: dict[int | None, dict[int, list[tuple[int, User]]]] = {}
    for key, (community, tag_ids) in groups.items():
        pool: dict[int, list[tuple[int, User]]] = defaultdict(list)
        candidates = available_candidates(
            sorted(tag_ids),
            community=community,
            per_tag=NUDGE_CANDIDATES_PER_TAG,
            today=timezone.localdate(now),
        )
        for rank, candidate in enumerate(candidates):
            pool[candidate.tag_id].append((rank, candidate.user))
        pools[key] = pool
    for post in waiting:
        private = post.community if post.community and post.community.is_private else None
        pool = pools[private.pk if private else None]
        ranked = sorted(
            (entry for tag_id in tags[post.pk] for entry in pool.get(tag_id, [])),
            key=lambda entry: entry[0],
        )
        chosen: dict[int, User] = {}
        wanted = per_question - len(done[post.pk])  # offered earlier count too
        for _, person in ranked:
            if len(chosen) >= wanted:
                break
            if person.pk in chosen or person.pk == post.author_id or person.pk in done[post.pk]:
                continue
            if today_counts[person.pk] >= cap:
                report.capped += 1
                continue
            chosen[person.pk] = person
        if chosen and _nudge(post, list(chosen.values()), now=now):
            report.nudged_questions += 1
            report.notifications += len(chosen)
            for pk in chosen:
                today_counts[pk] += 1
                done[post.pk].add(pk)
        step(1)
    return report


def _nudge(post: Post, people: list[User], *, now: datetime) -> bool:
    """Record the nudges and notify, in one transaction; False if a concurrent run offered
    the question to one of them first (then this run offers it to nobody)."""
    try:
        with transaction.atomic():
            Nudge.objects.bulk_create([Nudge(post=post, user=p, created_at=now) for p in people])
            notify_many(
                recipients=people, actor=post.author, verb=Notification.Verb.WAITING, post=post
            )
    except IntegrityError:
        return False
    return True
