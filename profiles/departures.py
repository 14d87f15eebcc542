"""Reading about leaving and departed people: what a person has written or used (which keeps
them from being deleted), who is leaving or has left, and their log in words.

The writes are in profiles.actions (set_leaving_date, mark_departed, mark_returned,
anonymise_person, delete_person, ask_for_handover)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.utils import dateformat, timezone

from intranet.lib.dates import DATE_FORMAT
from profiles.models import PeopleLog, Profile, User, departed_q, former_q, leaving_q

LOG_DATE_FORMAT = DATE_FORMAT  # the one date format (intranet.lib.dates)


def content_relations() -> list[models.ForeignKey[Any, Any]]:
    """Every foreign key to a person that PROTECTs them: posts, answers, likes, draft
    versions, downloads, communities created, search clicks, and whatever is added later
    the same way. Read from the models, so a new kind of content is counted without a
    change here."""
    # Every model's fields, not User._meta.related_objects: that leaves out relations
    # without a reverse accessor (related_name="+"), such as version downloads.
    return [
        field
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.ForeignKey)  # and OneToOneField, its subclass
        and field.related_model is User
        and field.remote_field.on_delete in (models.PROTECT, models.RESTRICT)
    ]


def content_counts(user: User) -> dict[str, int]:
    """{"posts": 12, "answers": 30, ...}: the rows that name this person and would be lost
    with them, kinds with none left out (one count query per kind)."""
    counts: dict[str, int] = {}
    for field in content_relations():
        model = field.model
        n = model._base_manager.filter(**{field.name: user}).count()
        if n:
            meta = model._meta
            label = str(meta.verbose_name if n == 1 else meta.verbose_name_plural)
            counts[label] = counts.get(label, 0) + n
    return counts


def describe_counts(counts: dict[str, int]) -> str:
    """ "12 posts, 30 answers and 1 like"."""
    parts = [f"{n} {label}" for label, n in counts.items()]
    if len(parts) <= 1:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} and {parts[-1]}"


def display_name(user: User) -> str:
    profile = getattr(user, "profile", None)
    return profile.display_name if profile is not None else user.username


def refusal_message(user: User, counts: dict[str, int]) -> str:
    return (
        f"{display_name(user)} has {describe_counts(counts)} and cannot be deleted: mark them "
        "departed instead, or anonymise them for a legal request."
    )


def leaving_people(name: str = "") -> QuerySet[Profile]:
    """People with a leaving date (not yet marked departed), soonest first."""
    return _named(Profile.objects.filter(leaving_q()), name).order_by("leaving_on", "display_name")


def departed_people(name: str = "") -> QuerySet[Profile]:
    """People marked departed, most recent first."""
    return _named(Profile.objects.filter(departed_q()), name).order_by("-departed_at", "pk")


def matching_people(name: str) -> QuerySet[Profile]:
    """Everyone whose name or handle matches (to find a person to set a leaving date on)."""
    former = ExpressionWrapper(former_q(via="user__"), output_field=BooleanField())
    return (
        _named(Profile.objects.all(), name)
        .annotate(former=former)
        .order_by("former", "display_name", "pk")
    )


def _named(people: QuerySet[Profile], name: str) -> QuerySet[Profile]:
    people = people.select_related("user", "department")
    name = name.strip()
    if not name:
        return people
    return people.filter(
        Q(display_name__icontains=name) | Q(user__username__istartswith=name.lstrip("@"))
    )


@dataclass
class LogLine:
    entry: PeopleLog
    by: str
    text: str


def log_lines(user: User, *, limit: int = 50) -> list[LogLine]:
    """A person's log, newest first, in words (two queries: the rows with who did them, and
    the names of any successors asked for a handover)."""
    rows = list(
        PeopleLog.objects.filter(user=user)
        .select_related("by__profile")
        .order_by("-created_at")[:limit]
    )
    successor_ids = {
        pk
        for row in rows
        if row.action == PeopleLog.Action.HANDOVER
        for pk in row.detail.get("successors", [])
    }
    names = dict(
        Profile.objects.filter(user_id__in=successor_ids).values_list("user_id", "display_name")
    )
    return [
        LogLine(row, display_name(row.by) if row.by else "Someone", _describe(row, names))
        for row in rows
    ]


def _describe(row: PeopleLog, names: dict[int, str]) -> str:
    detail = row.detail or {}
    action = PeopleLog.Action
    if row.action == action.LEAVING_DATE:
        day = detail.get("leaving_on")
        return f"set the leaving date to {_day(day)}" if day else "cleared the leaving date"
    if row.action == action.ANONYMISED:
        return f"anonymised them. Reason: {detail.get('reason', '')}"
    if row.action == action.DELETE_REFUSED:
        counts = {str(k): int(v) for k, v in detail.get("counts", {}).items()}
        return f"tried to delete them; refused: {describe_counts(counts)}"
    if row.action == action.HANDOVER:
        topics = ", ".join(f"#{t}" for t in detail.get("tags", []))
        who = [names.get(pk, "a former colleague") for pk in detail.get("successors", [])]
        return f"asked for a handover of {topics}" + (f" to {', '.join(who)}" if who else "")
    return str(PeopleLog.Action(row.action).label)


def _day(iso: str) -> str:
    try:
        return dateformat.format(date.fromisoformat(iso), LOG_DATE_FORMAT)
    except ValueError:
        return iso


def is_overdue(profile: Profile) -> bool:
    """The leaving date has passed and nobody marked the person departed yet."""
    return (
        profile.is_leaving
        and profile.leaving_on is not None
        and (profile.leaving_on < timezone.localdate())
    )
