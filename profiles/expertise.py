"""Expertise as people's pages, the directory and search read it: who knows about a tag.

The Expertise rows are earned from what colleagues did with a person's work and replaced
at once by reports.expertise.recompute_expertise (the insights layer, which reads the
posts); people also declare topics themselves (DeclaredTopic). This module only reads
those two tables: a person's top topics, the tags search indexes for people and the
experts on a tag. Each read is one or two queries, whatever the number of people.
(Available colleagues to suggest or to offer a waiting question to are chosen in
questions.experts, which also knows who may see a community.)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Window
from django.db.models.functions import RowNumber
from taggit.models import Tag

from profiles.models import DeclaredTopic, Expertise, Profile, User, current_q


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
