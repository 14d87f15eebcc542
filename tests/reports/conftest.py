"""Fixtures of the report tests: staff, former and leaving colleagues, and moving things in
time (reports read history; the actions only write the present)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.utils import timezone

from profiles.models import Profile, User
from reports.people import has_leaving_dates, profile_field


def noon(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12)))


def days_ago(n: int) -> date:
    return timezone.localdate() - timedelta(days=n)


@pytest.fixture(autouse=True)
def _no_report_cache(settings: Any) -> None:
    """Each test reads what it just wrote (tests of the cache turn it back on)."""
    settings.REPORTS_CACHE_SECONDS = 0


@pytest.fixture
def staff(make_user: Callable[..., User]) -> User:
    return make_user("boss", display_name="Alex Admin", is_staff=True)


@pytest.fixture
def make_departed(db: None) -> Callable[..., User]:
    """Mark a person as having left on `on` (their departure date where profiles records
    one, else their last sign-in), as profiles' departures would."""

    def make(user: User, *, on: date) -> User:
        User.objects.filter(pk=user.pk).update(is_active=False)
        if profile_field("departed_at") is not None:
            Profile.objects.filter(user=user).update(departed_at=noon(on))
        else:
            User.objects.filter(pk=user.pk).update(last_login=noon(on))
        user.refresh_from_db()
        return user

    return make


@pytest.fixture
def make_leaving(db: None) -> Callable[..., User]:
    def make(user: User, *, on: date) -> User:
        if not has_leaving_dates():
            pytest.fail("profiles has no leaving_on field yet")
        Profile.objects.filter(user=user).update(leaving_on=on)
        return user

    return make


@pytest.fixture
def move() -> Callable[..., Any]:
    """Set a row's created_at (posts, answers, likes, clicks) to noon of a day or a moment."""

    def set_time(obj: Any, when: date | datetime) -> Any:
        moment = when if isinstance(when, datetime) else noon(when)
        type(obj).objects.filter(pk=obj.pk).update(created_at=moment)
        obj.created_at = moment
        return obj

    return set_time
