"""Demo people for `manage.py seed_demo`: a small company with departments and profiles."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction

from demo.datafiles import read, records
from profiles.actions import create_person
from profiles.models import Department, Profile, User

DEMO_DOMAIN = "northwind.example"
DEMO_PASSWORD = "outloud-demo"  # noqa: S105  (printed for people trying the product)


@dataclass(frozen=True)
class DemoPerson:
    username: str
    name: str
    title: str
    department: str
    location: str
    staff: bool = False


_DATA = read("people")
DEPARTMENTS: list[str] = _DATA["departments"]
LOCATIONS: list[str] = _DATA["locations"]
FIRST_NAMES: list[str] = _DATA["first_names"]
LAST_NAMES: list[str] = _DATA["last_names"]
TITLES: dict[str, list[str]] = _DATA["titles"]  # of generated people, by department
CORE_PEOPLE = records(DemoPerson, _DATA["core"])

Progress = Callable[[int], object]


def demo_logins() -> list[tuple[str, str]]:
    """(e-mail, role) of the demo accounts that exist, for printing after seeding."""
    wanted = {"maria": "employee", "ken": "employee", "admin": "admin"}
    existing = set(
        User.objects.filter(username__in=wanted, email__endswith=f"@{DEMO_DOMAIN}").values_list(
            "username", flat=True
        )
    )
    return [(f"{u}@{DEMO_DOMAIN}", role) for u, role in wanted.items() if u in existing]


def seed_departments() -> dict[str, Department]:
    for name in DEPARTMENTS:
        Department.objects.get_or_create(name=name)
    return {d.name: d for d in Department.objects.filter(name__in=DEPARTMENTS)}


@transaction.atomic
def seed_core_people(departments: dict[str, Department], password_hash: str) -> int:
    """The named people of the demo company; returns how many were created."""
    existing = set(User.objects.values_list("username", flat=True))
    created = 0
    for p in CORE_PEOPLE:
        if p.username in existing:
            continue
        create_person(
            username=p.username,
            email=f"{p.username}@{DEMO_DOMAIN}",
            display_name=p.name,
            password_hash=password_hash,
            title=p.title,
            department=departments[p.department],
            location=p.location,
            is_staff=p.staff,
            is_superuser=p.staff,
        )
        created += 1
    return created


def generated_people(count: int) -> list[DemoPerson]:
    """`count` further people, the same list on every run (so seeding stays idempotent)."""
    rng = random.Random(20261123)  # noqa: S311  (demo data, not secrets)
    people = []
    for i in range(count):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        department = rng.choice(DEPARTMENTS)
        people.append(
            DemoPerson(
                username=f"{first.lower()}.{last.lower()}{i + 1}",
                name=f"{first} {last}",
                title=rng.choice(TITLES[department]),
                department=department,
                location=rng.choice(LOCATIONS),
            )
        )
    return people


def seed_generated_people(
    total: int,
    departments: dict[str, Department],
    password_hash: str,
    *,
    progress: Progress,
    batch_size: int = 500,
) -> int:
    """Top the company up to `total` people with generated ones, in bulk; returns how many."""
    wanted = generated_people(max(0, total - len(CORE_PEOPLE)))
    existing = set(
        User.objects.filter(username__in=[p.username for p in wanted]).values_list(
            "username", flat=True
        )
    )
    progress(len(existing))
    missing = [p for p in wanted if p.username not in existing]
    for start in range(0, len(missing), batch_size):
        batch = missing[start : start + batch_size]
        with transaction.atomic():
            users = User.objects.bulk_create(
                [
                    User(
                        username=p.username,
                        email=f"{p.username}@{DEMO_DOMAIN}",
                        password=password_hash,
                    )
                    for p in batch
                ]
            )
            EmailAddress.objects.bulk_create(
                [EmailAddress(user=u, email=u.email, primary=True, verified=True) for u in users]
            )
            Profile.objects.bulk_create(
                [
                    Profile(
                        user=u,
                        display_name=p.name,
                        title=p.title,
                        department=departments[p.department],
                        location=p.location,
                    )
                    for u, p in zip(users, batch, strict=True)
                ]
            )
        progress(len(batch))
    return len(missing)


def seed(*, people: int, progress: Progress) -> dict[str, int]:
    password_hash = make_password(DEMO_PASSWORD)
    departments = seed_departments()
    core = seed_core_people(departments, password_hash)
    generated = seed_generated_people(people, departments, password_hash, progress=progress)
    return {"people created": core + generated}
