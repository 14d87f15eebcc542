"""Demo de facto standards for `manage.py seed_demo`.

Two topics, written through questions.actions and then dated in the past:

* #incident has a clear standard: Ken's answer with the SEV1-SEV4 scale, accepted, liked
  across the company for weeks and linked from later posts.
* #templates has two competing drafts: the ADR template everyone has used for months, and
  a one-page design doc template that has caught up fast (emerging).

Standards need sustained leadership, so after dating the likes, downloads and links, the
daily recomputation is run for each of the past DAYS days (oldest first): the snapshots
exist and the standards show on the first visit.

Idempotent: nothing is written once the incident question exists.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from profiles.models import User
from questions.actions import (
    accept_answer,
    ask_question,
    post_answer,
    post_status,
    record_download,
    set_like,
    share_draft,
    sync_tag_activity,
)
from questions.models import (
    Answer,
    DraftDownload,
    DraftVersion,
    ItemLink,
    Like,
    Post,
    VersionDownload,
)
from reports.standards import recompute_standards

DAYS = 45  # daily runs to replay; more than questions.standards.SUSTAINED_DAYS
SEVERITY_TITLE = "Which incident severity levels do we use?"
Progress = Callable[[int], object]


@dataclass(frozen=True)
class Support:
    """Who supports an item, and how many days ago each did (in order)."""

    people: tuple[str, ...]
    days_ago: tuple[int, ...]


SEVERITY_ANSWER = (
    "We all use the SEV1-SEV4 scale of the incident policy:\n\n"
    "| Level | Meaning | Who is paged |\n|---|---|---|\n"
    "| SEV1 | Customers cannot use the product | on-call, now, plus the incident lead |\n"
    "| SEV2 | A major feature is broken for many customers | on-call, now |\n"
    "| SEV3 | Degraded, with a workaround | next business day |\n"
    "| SEV4 | Cosmetic or internal only | the team's backlog |\n\n"
    "Declare the level in the incident channel first, then start fixing. When in doubt, "
    "pick the higher one: downgrading later is cheap."
)
SEVERITY_LIKES = Support(
    people=(
        "carlos", "fatima", "tom", "daniel", "priya", "grace", "lucas", "maria",
        "oliver", "emma", "julia", "hannah", "sofia", "noah",
    ),
    days_ago=(41, 40, 38, 36, 33, 30, 27, 24, 20, 17, 13, 9, 6, 3),
)  # fmt: skip
ADR_DOWNLOADS = Support(
    people=("ken", "tom", "priya", "maria", "yuki", "lucas", "oliver", "carlos", "hannah"),
    days_ago=(45, 42, 40, 37, 33, 29, 25, 19, 12),
)
ADR_LIKES = Support(people=("ken", "maria", "lucas", "tom"), days_ago=(41, 36, 28, 15))
DESIGN_DOC_DOWNLOADS = Support(
    people=("hannah", "oliver", "sofia", "aisha", "emma", "ken", "daniel"),
    days_ago=(24, 21, 18, 14, 11, 8, 5),
)
DESIGN_DOC_LIKES = Support(people=("hannah", "sofia", "aisha", "yuki"), days_ago=(20, 12, 7, 3))


def _at(now: datetime, days_ago: float) -> datetime:
    return now - timedelta(days=days_ago)


def _date_post(post: Post, created: datetime) -> None:
    Post.objects.filter(pk=post.pk).update(created_at=created, last_activity_at=created)
    ItemLink.objects.filter(source_post=post, source_answer=None).update(created_at=created)


def _date_answer(answer: Answer, created: datetime) -> None:
    Answer.objects.filter(pk=answer.pk).update(created_at=created)
    ItemLink.objects.filter(source_answer=answer).update(created_at=created)
    Post.objects.filter(pk=answer.post_id, last_activity_at__lt=created).update(
        last_activity_at=created
    )


def _likes(
    now: datetime,
    people: dict[str, User],
    support: Support,
    *,
    post: Post | None = None,
    answer: Answer | None = None,
) -> int:
    for username, days_ago in zip(support.people, support.days_ago, strict=True):
        set_like(user=people[username], post=post, answer=answer, liked=True)
        Like.objects.filter(user=people[username], post=post, answer=answer).update(
            created_at=_at(now, days_ago)
        )
    return len(support.people)


def _downloads(now: datetime, people: dict[str, User], support: Support, draft: Post) -> int:
    version = draft.current_version
    assert version is not None  # noqa: S101  (share_draft sets it)
    for username, days_ago in zip(support.people, support.days_ago, strict=True):
        user = people[username]
        record_download(version=version, user=user)
        day = timezone.localdate(_at(now, days_ago))
        DraftDownload.objects.filter(post=draft, user=user).update(day=day)
        VersionDownload.objects.filter(version=version, user=user).update(day=day)
    return len(support.people)


def _severity(now: datetime, people: dict[str, User]) -> tuple[list[Post], int]:
    """#incident: the question, Ken's accepted answer, and posts that link to it."""
    question = ask_question(
        author=people["yuki"],
        title=SEVERITY_TITLE,
        body="Every team seems to have its own scale (P1-P3, SEV0-SEV2...). Is there one "
        "we all use, and who gets paged for what? @ken",
        tags=["incident", "on-call", "process"],
    )
    _date_post(question, _at(now, 43))
    answer = post_answer(post=question, author=people["ken"], body=SEVERITY_ANSWER)
    _date_answer(answer, _at(now, 42.9))
    other = post_answer(
        post=question,
        author=people["aisha"],
        body="Platform's PagerDuty services still say P1-P3; they map to SEV1-SEV3.",
    )
    _date_answer(other, _at(now, 42.5))
    accept_answer(post=question, answer=answer, by=people["yuki"])
    likes = _likes(now, people, SEVERITY_LIKES, answer=answer)
    likes += _likes(now, people, Support(("ken", "priya"), (42, 39)), answer=other)
    link = f"{question.get_absolute_url()}#answer-{answer.pk}"
    linking: list[tuple[Callable[..., Post], str, int, dict[str, Any]]] = [
        (
            post_status,
            "carlos",
            32,
            {
                "body": f"Escalated the Contoso outage as SEV2 using [the severity scale]({link}); "
                "on-call was paged within five minutes. Thanks @ken!",
                "tags": ["incident", "customer-escalation"],
            },
        ),
        (
            ask_question,
            "daniel",
            22,
            {
                "title": "Does a SEV3 need a notice to the customer?",
                "body": f"Going by [the scale]({link}), SEV3 has a workaround. Do we still "
                "tell the account?",
                "tags": ["incident", "customers"],
            },
        ),
        (
            post_status,
            "grace",
            10,
            {
                "body": f"Status page copy now uses the same levels as [the SEV scale]({link}).",
                "tags": ["incident", "marketing"],
            },
        ),
    ]
    posts = [question]
    for action, username, days_ago, fields in linking:
        post = action(author=people[username], **fields)
        _date_post(post, _at(now, days_ago))
        posts.append(post)
    return posts, likes


def _templates(now: datetime, people: dict[str, User]) -> tuple[list[Post], int, int]:
    """#templates: the long-standing ADR template and a fast-rising design doc template."""
    adr = share_draft(
        author=people["aisha"],
        title="Architecture decision record (ADR) template",
        body="The template most teams use for ADRs: context, decision, consequences. "
        "Copy it into your repo's docs/adr/.",
        file=io.BytesIO(
            b"# ADR-000: Title\n\n## Status\nProposed\n\n## Context\n\n## Decision\n\n"
            b"## Consequences\n"
        ),
        filename="adr-template.md",
        tags=["templates", "documentation", "architecture"],
    )
    _date_post(adr, _at(now, 45))
    doc = share_draft(
        author=people["lucas"],
        title="One-page design doc template",
        body="For changes that need buy-in beyond the team: problem, options, decision, "
        "rollout, on one page. Feedback welcome!",
        file=io.BytesIO(
            b"# Design: Title\n\n## Problem\n\n## Options\n\n## Decision\n\n## Rollout\n"
        ),
        filename="design-doc-template.md",
        tags=["templates", "documentation", "design-review"],
    )
    _date_post(doc, _at(now, 26))
    downloads = _downloads(now, people, ADR_DOWNLOADS, adr)
    downloads += _downloads(now, people, DESIGN_DOC_DOWNLOADS, doc)
    likes = _likes(now, people, ADR_LIKES, post=adr)
    likes += _likes(now, people, DESIGN_DOC_LIKES, post=doc)
    for draft in (adr, doc):
        DraftVersion.objects.filter(post=draft).update(
            created_at=Post.objects.get(pk=draft.pk).created_at
        )
    return [adr, doc], likes, downloads


def seed_standards(
    *, now: datetime | None = None, days: int = DAYS, progress: Progress = lambda n: None
) -> dict[str, int]:
    """Write the demo topics and replay `days` daily recomputations up to `now`.

    Precondition: the demo people exist (demo.people.seed). Returns what was created,
    for seed_demo's summary; all zeros when the demo topics already exist or the people
    are missing. `progress` is called once per replayed day."""
    from demo.posts import demo_people, finish_text_extraction, settle_notifications

    counts = {"standards topics created": 0, "standards runs": 0}
    now = now or timezone.now()
    people = demo_people()
    needed = {*SEVERITY_LIKES.people, *ADR_DOWNLOADS.people, *DESIGN_DOC_DOWNLOADS.people}
    if not needed <= set(people) or Post.objects.filter(title=SEVERITY_TITLE).exists():
        return counts
    with transaction.atomic():
        severity, likes = _severity(now, people)
        drafts, more_likes, downloads = _templates(now, people)
        sync_tag_activity(p.pk for p in severity + drafts)
        settle_notifications()  # the likes and answers above notified people too
    counts |= {
        "standards topics created": 2,
        "standards likes": likes + more_likes,
        "standards downloads": downloads,
    }
    finish_text_extraction(
        list(DraftVersion.objects.filter(post__in=drafts).values_list("pk", flat=True))
    )
    for day in range(days, -1, -1):
        recompute_standards(now=_at(now, day))
        progress(1)
    counts["standards runs"] = days + 1
    return counts
