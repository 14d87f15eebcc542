"""The people directory ("who knows about X"): find colleagues by name, department and topic."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from taggit.models import Tag

from profiles.expertise import declared_topics_by_user, top_topics_by_user
from profiles.models import DeclaredTopic, Department, Expertise, Profile, former_q

# Current colleagues first: profiles' one definition of a former colleague.
_FORMER = ExpressionWrapper(former_q(via="user__"), output_field=BooleanField())


def find_people(
    *, name: str = "", department: Department | None = None, topic: Tag | None = None
) -> QuerySet[Profile]:
    """Profiles matching every given criterion. With a topic: people with earned expertise
    in it (strongest first) or who declared it; current colleagues before former ones."""
    people = Profile.objects.select_related("user", "department")
    if name:
        people = people.filter(
            Q(display_name__icontains=name) | Q(user__username__istartswith=name.lstrip("@"))
        )
    if department is not None:
        people = people.filter(department=department)
    if topic is None:
        return people.annotate(former=_FORMER).order_by("former", "display_name", "pk")
    earned = Expertise.objects.filter(tag=topic, user_id=OuterRef("user_id"))
    declared = DeclaredTopic.objects.filter(tag=topic, user_id=OuterRef("user_id"))
    return (
        people.filter(Exists(earned) | Exists(declared))
        .annotate(
            topic_score=Coalesce(
                Subquery(earned.values("score")[:1]), Value(0.0), output_field=FloatField()
            )
        )
        .annotate(former=_FORMER)
        .order_by("former", F("topic_score").desc(), "display_name", "pk")
    )


@dataclass
class DirectoryRow:
    profile: Profile
    topics: list[Expertise] = field(default_factory=list)  # earned, strongest first
    declared: list[Tag] = field(default_factory=list)


def directory_rows(profiles: list[Profile]) -> list[DirectoryRow]:
    """A page of people with their top earned and their declared topics (two queries)."""
    ids = [p.user_id for p in profiles]
    earned = top_topics_by_user(ids, per_person=3)
    declared = declared_topics_by_user(ids)
    return [
        DirectoryRow(p, earned.get(p.user_id, []), declared.get(p.user_id, [])) for p in profiles
    ]
