from __future__ import annotations

import io

from django.core.management import call_command

from profiles.demo import CORE_PEOPLE, DEMO_DOMAIN, DEMO_PASSWORD
from profiles.models import Department, Profile, User


def seed(*args: str, **kwargs) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out, stderr=io.StringIO(), **kwargs)
    return out.getvalue()


def test_seed_demo_is_idempotent(db):
    first = seed()
    counts = (User.objects.count(), Profile.objects.count(), Department.objects.count())
    second = seed()
    assert counts == (User.objects.count(), Profile.objects.count(), Department.objects.count())
    assert counts[0] == len(CORE_PEOPLE)
    assert f"{len(CORE_PEOPLE)} people created" in first
    assert "0 people created" in second


def test_seed_demo_people_option_tops_up_to_n(db):
    seed(people=120)
    assert User.objects.count() == 120
    seed(people=150)
    assert User.objects.count() == 150
    # Several departments, each with people in them.
    assert Department.objects.filter(members__isnull=False).distinct().count() >= 5


def test_seed_demo_prints_logins_that_work(db, client):
    out = seed()
    assert f"maria@{DEMO_DOMAIN}" in out
    assert DEMO_PASSWORD in out
    response = client.post(
        "/accounts/login/", {"login": f"maria@{DEMO_DOMAIN}", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert "Work out loud, Maria Lopez" in client.get("/").content.decode()


def test_first_run_leaves_a_database_in_use_alone(db, make_user):
    make_user("someone")
    out = seed("--first-run")
    assert "left as it is" in out
    assert User.objects.count() == 1
