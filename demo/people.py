"""Demo people for `manage.py seed_demo`: a small company with departments and profiles."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction

from profiles.actions import create_person
from profiles.models import Department, Profile, User

DEMO_DOMAIN = "northwind.example"
DEMO_PASSWORD = "outloud-demo"  # noqa: S105  (printed for people trying the product)
DEPARTMENTS = [
    "Engineering",
    "Product",
    "Design",
    "Sales",
    "Customer Support",
    "Marketing",
    "People & Culture",
    "Finance",
    "Legal",
    "Operations",
]


@dataclass(frozen=True)
class DemoPerson:
    username: str
    name: str
    title: str
    department: str
    location: str
    staff: bool = False


CORE_PEOPLE = [
    DemoPerson("maria", "Maria Lopez", "Engineering Manager, Platform", "Engineering", "Lisbon"),
    DemoPerson("ken", "Ken Okafor", "Senior Site Reliability Engineer", "Engineering", "London"),
    DemoPerson("aisha", "Aisha Rahman", "Staff Software Engineer", "Engineering", "Berlin"),
    DemoPerson("tom", "Tom Becker", "Release Engineer", "Engineering", "Berlin"),
    DemoPerson("yuki", "Yuki Tanaka", "Frontend Engineer", "Engineering", "Remote"),
    DemoPerson("priya", "Priya Natarajan", "Data Engineer", "Engineering", "London"),
    DemoPerson("lucas", "Lucas Moreau", "Product Manager, Search", "Product", "Paris"),
    DemoPerson("hannah", "Hannah Schmidt", "Head of Product", "Product", "Berlin"),
    DemoPerson("oliver", "Oliver Grant", "Product Designer", "Design", "London"),
    DemoPerson("sofia", "Sofia Rossi", "UX Researcher", "Design", "Milan"),
    DemoPerson("daniel", "Daniel Kim", "Account Executive", "Sales", "New York"),
    DemoPerson("emma", "Emma Johansson", "Sales Engineer", "Sales", "Stockholm"),
    DemoPerson("carlos", "Carlos Mendes", "Support Team Lead", "Customer Support", "Lisbon"),
    DemoPerson("fatima", "Fatima Zahra", "Support Specialist", "Customer Support", "Remote"),
    DemoPerson("grace", "Grace Liu", "Content Marketing Manager", "Marketing", "New York"),
    DemoPerson("noah", "Noah Williams", "Growth Marketer", "Marketing", "London"),
    DemoPerson("ines", "Inès Dubois", "People Partner", "People & Culture", "Paris"),
    DemoPerson("samuel", "Samuel Adeyemi", "Recruiter", "People & Culture", "London"),
    DemoPerson("anna", "Anna Kowalska", "Financial Controller", "Finance", "Warsaw"),
    DemoPerson("peter", "Peter Novak", "Legal Counsel", "Legal", "Prague"),
    DemoPerson("julia", "Julia Meyer", "Office & Facilities Manager", "Operations", "Berlin"),
    DemoPerson("admin", "Alex Admin", "Knowledge Manager", "Operations", "Berlin", staff=True),
]

FIRST_NAMES = [
    "Ada",
    "Ben",
    "Chloe",
    "David",
    "Elena",
    "Farid",
    "Gina",
    "Hugo",
    "Ivy",
    "Jonas",
    "Kira",
    "Liam",
    "Mona",
    "Nils",
    "Olga",
    "Paulo",
    "Quinn",
    "Rosa",
    "Sven",
    "Tara",
    "Umar",
    "Vera",
    "Wes",
    "Xenia",
    "Yara",
    "Zoe",
    "Arjun",
    "Bea",
    "Cyril",
    "Dana",
    "Eli",
    "Femi",
    "Gus",
    "Hana",
    "Igor",
    "Jade",
    "Karl",
    "Lena",
    "Milo",
    "Nora",
    "Omar",
    "Pia",
    "Raj",
    "Sara",
    "Teo",
    "Uma",
    "Vik",
    "Wanda",
    "Yusuf",
]
LAST_NAMES = [
    "Andersen",
    "Baker",
    "Costa",
    "Diaz",
    "Evans",
    "Fischer",
    "Garcia",
    "Hansen",
    "Ito",
    "Jensen",
    "Keller",
    "Larsen",
    "Moreno",
    "Nguyen",
    "Olsen",
    "Petrov",
    "Quint",
    "Ramos",
    "Silva",
    "Torres",
    "Ueda",
    "Vargas",
    "Weber",
    "Xu",
    "Young",
    "Zimmer",
    "Alvarez",
    "Brandt",
    "Cruz",
    "Dahl",
    "Engel",
    "Ferrari",
    "Gomez",
    "Horvat",
    "Ivanova",
    "Jovanovic",
    "Kaur",
    "Lindqvist",
    "Meier",
]
TITLES = {
    "Engineering": ["Software Engineer", "Senior Software Engineer", "QA Engineer", "SRE"],
    "Product": ["Product Manager", "Product Analyst"],
    "Design": ["Product Designer", "Content Designer"],
    "Sales": ["Account Executive", "Sales Development Rep", "Account Manager"],
    "Customer Support": ["Support Specialist", "Support Engineer"],
    "Marketing": ["Marketing Manager", "Campaign Specialist"],
    "People & Culture": ["People Partner", "Recruiter"],
    "Finance": ["Accountant", "Financial Analyst"],
    "Legal": ["Paralegal", "Legal Counsel"],
    "Operations": ["Operations Analyst", "IT Administrator"],
}
LOCATIONS = ["Berlin", "London", "Lisbon", "Paris", "New York", "Remote", "Warsaw", "Stockholm"]

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
