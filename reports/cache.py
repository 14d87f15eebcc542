"""Built reports are kept in the cache for a while: they aggregate a year of a company's
activity, which costs up to a few seconds of database time at 100,000 posts, while the
answer changes little from one minute to the next.

A report is cached per range, options (the risk report's what-if person) and what its
reader may see of private communities (titles from private communities are shown only to
their members), for REPORTS_CACHE_SECONDS (0 turns caching off). `manage.py warm_reports`,
run more often than that, builds every report's default range in advance for each staff
member, so that the pages people open first are always ready.

Every key carries a generation: `forget_reports()` starts a new one, so that every report
built before (for any range, option or reader) is no longer found, without listing keys.
Recording a departure, a return, an anonymisation or a leaving date does it (reports.
signals), as does the "Refresh now" button staff have on report pages.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache

from profiles.models import User
from questions.models import Community, Membership
from reports.periods import DateRange
from reports.report import Figure, Report

VERSION = 1
GENERATION_KEY = f"reports:{VERSION}:generation"


def generation() -> str:
    """The current generation of cached reports ("0" until the first forget_reports)."""
    return str(cache.get(GENERATION_KEY) or "0")


def forget_reports() -> None:
    """Make every cached report and headline stale at once (they are rebuilt when next
    asked for; the old entries expire on their own)."""
    cache.set(GENERATION_KEY, uuid.uuid4().hex[:12], None)


def visibility_key(viewer: User) -> str:
    """Which private communities the viewer belongs to, as a short key."""
    ids = sorted(
        Membership.objects.filter(
            user=viewer, community__visibility=Community.Visibility.PRIVATE
        ).values_list("community_id", flat=True)
    )
    return hashlib.sha256(",".join(map(str, ids)).encode()).hexdigest()[:16]


def report_key(slug: str, period: DateRange, viewer: User, options: str = "") -> str:
    return (
        f"reports:{VERSION}:{generation()}:{slug}:{period.slug}:{options}:{visibility_key(viewer)}"
    )


def cached_report(key: str, build: Callable[[], Report], *, refresh: bool = False) -> Report:
    """The report under `key`, built (and kept) when missing, expired or `refresh`ed."""
    seconds = settings.REPORTS_CACHE_SECONDS
    if seconds <= 0:
        return build()
    report = None if refresh else cache.get(key)
    if not isinstance(report, Report):
        report = build()
        cache.set(key, report, seconds)
    return report


def cached_headlines(
    period: DateRange, build: Callable[[], dict[str, list[Figure]]], *, refresh: bool = False
) -> dict[str, list[Figure]]:
    """The index page's figures (counts only: the same for every reader)."""
    seconds = settings.REPORTS_CACHE_SECONDS
    if seconds <= 0:
        return build()
    key = f"reports:{VERSION}:{generation()}:headlines:{period.slug}"
    figures = None if refresh else cache.get(key)
    if not isinstance(figures, dict):
        figures = build()
        cache.set(key, figures, seconds)
    return figures
