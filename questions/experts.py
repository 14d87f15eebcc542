"""Available colleagues who know about some tags: to suggest instead of someone away, or to
offer a waiting question to.

They are read from the people's expertise tables (earned, else declared topics), keeping
only current colleagues who are not away and, for a private community, its members: never
suggest someone to a conversation they cannot see. Each read is one or two queries, whatever
the number of people.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from django.db.models import Exists, F, OuterRef, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from taggit.models import Tag

from profiles.models import DeclaredTopic, Expertise, Profile, User, available_q, current_q
from questions.models import Community, Membership


@dataclass(frozen=True)
class Candidate:
    """Someone who could help with a tag: earned expertise (best first), else declared."""

    user: User  # with .profile
    tag_id: int
    score: float  # 0 for a declared topic
    reason: str  # "9 accepted answers in #kubernetes", "Says they know about #kubernetes"


_Rows = TypeVar("_Rows", Expertise, DeclaredTopic)


def _eligible(
    rows: QuerySet[_Rows],
    *,
    today: date,
    community: Community | None,
    exclude_ids: set[int],
) -> QuerySet[_Rows]:
    """Current colleagues who are not away, not excluded, and (for a private community)
    members: never suggest someone to a conversation they cannot see."""
    rows = rows.filter(available_q(today, via="user__profile__"), current_q(via="user__"))
    if exclude_ids:
        rows = rows.exclude(user_id__in=exclude_ids)
    if community is not None and community.is_private:
        rows = rows.filter(
            user_id__in=Membership.objects.filter(community=community).values("user_id")
        )
    return rows


def available_candidates(
    tag_ids: Sequence[int],
    *,
    community: Community | None = None,
    exclude_ids: Iterable[int] = (),
    per_tag: int = 3,
    today: date | None = None,
    enough: int | None = None,
) -> list[Candidate]:
    """Available people for these tags, at most `per_tag` per tag and per source: earned
    expertise, strongest first, then people who declared a tag without having earned it
    (two queries; one when earned expertise already gives `enough` people). A person may
    appear once per tag: callers keep the first."""
    if not tag_ids or per_tag <= 0:
        return []
    today = today or timezone.localdate()
    excluded = {pk for pk in exclude_ids if pk is not None}
    earned = (
        _eligible(
            Expertise.objects.filter(tag_id__in=tag_ids),
            today=today,
            community=community,
            exclude_ids=excluded,
        )
        .annotate(
            rank=Window(
                RowNumber(), partition_by=[F("tag_id")], order_by=[F("score").desc(), F("pk")]
            )
        )
        .filter(rank__lte=per_tag)
        .select_related("user__profile", "tag")
        .order_by("-score", "pk")
    )
    found = [Candidate(e.user, e.tag_id, e.score, e.headline) for e in earned]
    if enough is not None and len({c.user.pk for c in found}) >= enough:
        return found
    declared = (
        _eligible(
            DeclaredTopic.objects.filter(tag_id__in=tag_ids),
            today=today,
            community=community,
            exclude_ids=excluded,
        )
        .exclude(
            Exists(Expertise.objects.filter(tag_id=OuterRef("tag_id"), user_id=OuterRef("user_id")))
        )
        .annotate(rank=Window(RowNumber(), partition_by=[F("tag_id")], order_by=[F("pk")]))
        .filter(rank__lte=per_tag)
        .select_related("user__profile", "tag")
        .order_by("pk")
    )
    found += [
        Candidate(d.user, d.tag_id, 0.0, f"Says they know about #{d.tag.name}") for d in declared
    ]
    return found


@dataclass(frozen=True)
class Suggestion:
    profile: Profile  # with .user
    reason: str

    @property
    def username(self) -> str:
        return self.profile.user.username


def suggest_available_experts(
    *,
    tags: Iterable[Tag],
    viewer: User,
    community: Community | None = None,
    exclude_ids: Iterable[int] = (),
    limit: int = 3,
) -> list[Suggestion]:
    """Up to `limit` colleagues `viewer` could mention about these tags instead of (or as
    well as) someone away: by earned expertise, falling back to declared topics; never away,
    never former colleagues, never the viewer or anyone in `exclude_ids`, and only members
    when the post is in a private community. Each says why. One or two queries."""
    candidates = available_candidates(
        [t.pk for t in tags],
        community=community,
        exclude_ids={viewer.pk, *exclude_ids},
        per_tag=limit,
        enough=limit,
    )
    chosen: dict[int, Suggestion] = {}
    for candidate in candidates:
        if candidate.user.pk not in chosen:
            chosen[candidate.user.pk] = Suggestion(candidate.user.profile, candidate.reason)
        if len(chosen) == limit:
            break
    return list(chosen.values())
