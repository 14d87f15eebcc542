"""Demo expertise and availability for `manage.py seed_demo`: declared topics, one expert
away until next Monday, and expertise computed from the demo conversations, so profiles,
tag pages and the compose box's away notice show something on the first run.

Idempotent: declared topics are set only for people who have none, and Ken is marked away
only if he has no current away date.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.utils import timezone

from demo.people import DEMO_DOMAIN
from profiles.actions import set_availability, set_declared_topics
from profiles.models import DeclaredTopic, Profile, User
from reports.expertise import recompute_expertise

AWAY = "ken"
AWAY_NOTE = "At KubeCon; cluster access and on-call questions: ask @maria or in #kubernetes."
DECLARED = {
    "ken": ["kubernetes", "observability", "on-call", "incident"],
    "maria": ["kubernetes", "platform", "okrs"],
    "tom": ["release", "signing", "git", "ci"],
    "aisha": ["postgresql", "database", "migrations"],
    "priya": ["kafka", "data", "observability"],
    "yuki": ["frontend", "accessibility", "i18n"],
    "anna": ["expenses", "finance", "invoicing"],
    "peter": ["gdpr", "legal", "due-diligence"],
}


def next_monday(today: date) -> date:
    """The Monday after `today` (a week later when today is a Monday)."""
    return today + timedelta(days=7 - today.weekday())


def seed_experts(*, now: datetime | None = None) -> dict[str, int]:
    """Declare demo topics, mark Ken away until next Monday, and compute expertise.

    Precondition: the demo people exist (demo.people.seed); the demo conversations
    (demo.posts.seed) give the evidence. Returns what it did, for seed_demo's summary.
    """
    now = now or timezone.now()
    people = {
        u.username: u
        for u in User.objects.filter(
            username__in=[*DECLARED, AWAY], email__endswith=f"@{DEMO_DOMAIN}"
        )
    }
    with_topics = set(
        DeclaredTopic.objects.filter(user__in=people.values()).values_list("user_id", flat=True)
    )
    declared = 0
    for username, topics in DECLARED.items():
        person = people.get(username)
        if person is not None and person.pk not in with_topics:
            set_declared_topics(user=person, topics=topics)
            declared += 1
    away = 0
    expert = people.get(AWAY)
    if expert is not None:
        profile = Profile.objects.get(user=expert)
        if not profile.is_away:
            today = timezone.localdate(now)
            set_availability(user=expert, away_until=next_monday(today), note=AWAY_NOTE)
            away = 1
    rows = recompute_expertise(now=now)
    return {"people declaring topics": declared, "people away": away, "expertise rows": rows}
