"""Former and leaving colleagues, as the reports read them.

A person has left when they are a former colleague (profiles' one definition:
profiles.models.former_q, User.is_former). The day they left is
their profile's `departed_at` where it is recorded, else the day of their last sign-in (old
data), else unknown: then every use of their content in a report's range counts as use
after they left. A person is leaving when their profile has a `leaving_on` date and they
have not left yet.

The profile fields belong to profiles (departures); they are looked up by name, so that the
reports work on a database from before they existed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import FieldDoesNotExist
from django.db.models import DateTimeField, F, Field, IntegerField, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from profiles.models import Profile, User, current_q, former_q
from reports.periods import DateRange, LocalDay

UNKNOWN = -1  # LocalDay of an unknown departure: before any range


def profile_field(name: str) -> Field[object, object] | None:
    try:
        field = Profile._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, Field) else None


def has_leaving_dates() -> bool:
    return profile_field("leaving_on") is not None


def departure_day(prefix: str, period: DateRange) -> Coalesce:
    """SQL: the LocalDay on which the person at `prefix` (a path to a User, e.g.
    "post__author__") left, or UNKNOWN. Uses after that day count as uses after they left."""
    parts: list[object] = []
    field = profile_field("departed_at")
    if field is not None:
        parts.append(
            LocalDay(
                F(f"{prefix}profile__departed_at"),
                within=period,
                is_date=not isinstance(field, DateTimeField),
            )
        )
    parts.append(LocalDay(F(f"{prefix}last_login"), within=period))
    parts.append(Value(UNKNOWN))
    return Coalesce(*parts, output_field=IntegerField())


@dataclass(frozen=True)
class Person:
    pk: int
    username: str
    name: str
    department: str
    left_on: date | None  # or leaving on, for a leaving person
    source: str  # "recorded", "last sign-in" or "unknown"

    @property
    def left_label(self) -> str:
        if self.left_on is None:
            return "unknown"
        text = self.left_on.isoformat()
        return text if self.source == "recorded" else f"{text} (last sign-in)"


def _local_date(value: date | datetime | None) -> date | None:
    if isinstance(value, datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return value


def former_colleagues(ids: list[int] | None = None) -> dict[int, Person]:
    """Every person who has left (or those of `ids`), by id (one query)."""
    people = User.objects.filter(former_q())
    if ids is not None:
        people = people.filter(pk__in=ids)
    departed = profile_field("departed_at") is not None
    fields = ["pk", "username", "profile__display_name", "profile__department__name"]
    fields += ["last_login"] + (["profile__departed_at"] if departed else [])
    found: dict[int, Person] = {}
    for row in people.values_list(*fields):
        pk, username, name, department, last_login = row[:5]
        recorded = _local_date(row[5]) if departed else None
        left = recorded or _local_date(last_login)
        source = "recorded" if recorded else "last sign-in" if left else "unknown"
        found[pk] = Person(pk, username, name or username, department or "", left, source)
    return found


def leaving_q(via: str = "") -> Q:
    """Current colleagues with a leaving date (`via`: the path to a Profile)."""
    if not has_leaving_dates():
        return Q(pk__in=[])
    q = Q(**{f"{via}leaving_on__isnull": False})
    if profile_field("departed_at") is not None:
        q &= Q(**{f"{via}departed_at__isnull": True})
    return q


def leaving_colleagues(period: DateRange | None = None) -> list[Person]:
    """Active people with a leaving date (in `period`, if given), soonest first."""
    if not has_leaving_dates():
        return []
    profiles = Profile.objects.filter(leaving_q(), current_q(via="user__"))
    if period is not None:
        profiles = profiles.filter(leaving_on__gte=period.start, leaving_on__lte=period.end)
    rows = profiles.order_by("leaving_on", "display_name").values_list(
        "user_id", "user__username", "display_name", "department__name", "leaving_on"
    )
    return [
        Person(pk, username, name or username, department or "", leaving_on, "recorded")
        for pk, username, name, department, leaving_on in rows
    ]
