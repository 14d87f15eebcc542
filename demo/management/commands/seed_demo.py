"""Load a realistic demo company. Safe to run again: what exists is left as it is."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from demo import people as demo_people
from demo import posts as demo_posts
from demo import standards as demo_standards
from demo.departures import seed_departures
from demo.experts import seed_experts
from demo.reports import seed_report_data
from profiles.models import User
from search import indexing
from search.backend import get_backend

DEFAULT_PEOPLE = len(demo_people.CORE_PEOPLE)


class Command(BaseCommand):
    help = (
        "Create a demo company: departments, people with profiles, communities, questions, "
        "status updates, answers, likes and follows. Idempotent: running it again adds only "
        "what is missing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--people",
            type=int,
            default=DEFAULT_PEOPLE,
            metavar="N",
            help=f"How many people the company should have (default {DEFAULT_PEOPLE}; "
            "more are generated with realistic names, titles and departments).",
        )
        parser.add_argument(
            "--first-run",
            action="store_true",
            help="Only seed an empty database (no users yet); used by `make run`.",
        )

    def handle(self, *args: Any, people: int, first_run: bool, **options: Any) -> None:
        if people < 0:
            self.stderr.write("error: --people must be 0 or more")
            raise SystemExit(2)
        if first_run and User.objects.exists():
            self.stdout.write("Demo data: the database already has people, left as it is.")
            if get_backend().health() is not None:
                self.build_index()
        else:
            target = max(people, DEFAULT_PEOPLE)
            with (
                tqdm(
                    total=max(0, target - DEFAULT_PEOPLE),
                    desc="Generated people",
                    unit="person",
                    disable=target <= DEFAULT_PEOPLE or None,
                ) as bar,
                indexing.paused(),
            ):
                counts = demo_people.seed(people=target, progress=lambda n: bar.update(n) and None)
            pending = demo_posts.pending_posts()
            with (
                tqdm(
                    total=pending, desc="Demo posts", unit="post", disable=not pending or None
                ) as bar,
                indexing.paused(),
            ):
                counts |= demo_posts.seed(progress=lambda n: bar.update(n) and None)
            with indexing.paused():  # past days' likes, downloads and daily recomputations
                counts |= demo_standards.seed_standards()
            with indexing.paused():  # build_index below indexes declared topics too
                counts |= seed_experts()
            with indexing.paused():  # after expertise: departed experts keep theirs
                counts |= seed_departures()
            with indexing.paused():  # after departures: views, clicks and sentiment
                counts |= seed_report_data()
            summary = ", ".join(f"{n} {what}" for what, n in counts.items())
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {summary}."))
            self.build_index()
        self.print_logins()

    def build_index(self) -> None:
        """Index everything once (seeding queues no per-post indexing)."""
        total = indexing.expected_count()
        with tqdm(total=total, desc="Search index", unit="doc", disable=not total or None) as bar:
            done = indexing.rebuild(progress=bar.update)
        self.stdout.write(f"Search index built: {done} documents.")

    def print_logins(self) -> None:
        logins = demo_people.demo_logins()
        if not logins:
            return
        self.stdout.write(f"Demo sign-ins (password: {demo_people.DEMO_PASSWORD}):")
        for email, role in logins:
            self.stdout.write(f"  {email:<28} {role}")
