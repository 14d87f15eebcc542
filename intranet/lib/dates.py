"""The one way dates and times are shown to people: on pages (through the `when` template
filter), in e-mails and in text built in Python.

Always the absolute, compact form ("7 Dec 2026, 14:05"), never "3 hours ago": a rendered page
or card may be cached per time zone, and relative text would go stale in the cache. Times are
in the zone active for the request (the reader's, see profiles.timezones), dates (a leaving
day, "away until") have no zone and are shown as they are."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.utils import dateformat, timezone

DATE_FORMAT = "j M Y"  # 7 Dec 2026
DATETIME_FORMAT = "j M Y, H:i"  # 7 Dec 2026, 14:05
# What the hover title says: nothing abbreviated, and which zone the time is in.
DATE_TITLE_FORMAT = "l j F Y"  # Monday 7 December 2026
DATETIME_TITLE_FORMAT = "l j F Y, H:i"


@dataclass(frozen=True)
class Moment:
    """A date or time ready to show: `iso` for <time datetime>, `text` to read, `title`
    with the full absolute form for the hover."""

    iso: str
    text: str
    title: str


def describe(value: date | datetime) -> Moment:
    """How `value` is shown. An aware datetime is converted to the active time zone first."""
    if isinstance(value, datetime):
        zone_name = ""
        if timezone.is_aware(value):
            value = timezone.localtime(value)
            zone_name = f" ({timezone.get_current_timezone_name()})"
        return Moment(
            iso=value.isoformat(timespec="seconds"),
            text=dateformat.format(value, DATETIME_FORMAT),
            title=dateformat.format(value, DATETIME_TITLE_FORMAT) + zone_name,
        )
    return Moment(
        iso=value.isoformat(),
        text=dateformat.format(value, DATE_FORMAT),
        title=dateformat.format(value, DATE_TITLE_FORMAT),
    )


def format_when(value: date | datetime) -> str:
    """The text form alone, for e-mails and messages built in Python."""
    return describe(value).text


@lru_cache(maxsize=1)
def time_zone_names() -> tuple[str, ...]:
    """Every IANA zone this machine knows, sorted (the choices of a person's setting)."""
    return tuple(sorted(zoneinfo.available_timezones()))


def is_time_zone_name(name: str) -> bool:
    return name in _time_zone_set()


@lru_cache(maxsize=1)
def _time_zone_set() -> frozenset[str]:
    return frozenset(time_zone_names())


@lru_cache(maxsize=64)
def time_zone(name: str) -> zoneinfo.ZoneInfo | None:
    """The zone called `name`, or None when there is no such zone (bad cookie, old setting)."""
    if not is_time_zone_name(name):
        return None
    return zoneinfo.ZoneInfo(name)


def validate_time_zone(name: str) -> None:
    """A model field validator: empty (no setting) or a zone this machine knows."""
    if name and not is_time_zone_name(name):
        raise ValidationError(
            "Choose a time zone from the list, e.g. Europe/Paris.", code="invalid_time_zone"
        )
