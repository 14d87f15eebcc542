"""Demo departures for `manage.py seed_demo`: two experts who left a few months ago, whose
accepted and liked answers and downloaded drafts stay (the knowledge the company keeps),
and one colleague leaving next month (the knowledge at risk).

Done through the actions, as staff would (by the demo admin), then backdated. Idempotent:
a person someone has already set a leaving date on, marked departed or returned (anything
in their log) is left as they are. The demo sign-ins (maria, ken, admin) never leave.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from demo.people import DEMO_DOMAIN
from profiles.actions import mark_departed, set_leaving_date
from profiles.models import PeopleLog, Profile, User

# Tom (release engineering: accepted answers on signing and releases, drafts people
# downloaded) and Julia (office and facilities: many accepted answers), days ago.
DEPARTED = {"tom": 75, "julia": 60}
LEAVING = "priya"  # kafka and data pipelines
LEAVING_IN_DAYS = 30
STAFF = "admin"
# The demo sign-ins, and Ken who is away in the demo (demo.experts).
NEVER_LEAVING = frozenset({"maria", "ken", "admin"})


def seed_departures(*, now: datetime | None = None) -> dict[str, int]:
    """Mark DEPARTED departed (backdated) and give LEAVING a last day LEAVING_IN_DAYS ahead.

    Precondition: the demo people and their conversations exist (demo.people.seed,
    demo.posts.seed). Returns what it did, for seed_demo's summary."""
    now = now or timezone.now()
    demo = User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}")
    staff = demo.filter(username=STAFF, is_staff=True, is_active=True).first()
    if staff is None:
        return {"people departed": 0, "people leaving": 0}
    wanted = {*DEPARTED, LEAVING} - NEVER_LEAVING
    people = {u.username: u for u in demo.filter(username__in=wanted)}
    touched = set(
        PeopleLog.objects.filter(user__in=people.values()).values_list("user_id", flat=True)
    )
    departed = 0
    for username, days_ago in DEPARTED.items():
        person = people.get(username)
        if person is None or person.pk in touched:
            continue
        mark_departed(by=staff, user=person)
        when = now - timedelta(days=days_ago)
        Profile.objects.filter(user=person).update(departed_at=when)
        PeopleLog.objects.filter(user=person).update(created_at=when)
        departed += 1
    leaving = 0
    person = people.get(LEAVING)
    if person is not None and person.pk not in touched:
        day = timezone.localdate(now) + timedelta(days=LEAVING_IN_DAYS)
        set_leaving_date(by=staff, user=person, leaving_on=day)
        PeopleLog.objects.filter(user=person).update(created_at=now - timedelta(days=6))
        leaving = 1
    return {"people departed": departed, "people leaving": leaving}
