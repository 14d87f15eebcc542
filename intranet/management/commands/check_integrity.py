"""Check that denormalised values and the search index agree with the database; repair them
with --repair. Exits with status 1 while anything disagrees, so monitoring can run it.

What is compared (declared by the apps that own the data):

* counters, each equal to a count of rows: Post.answer_count (answers not deleted),
  Post.like_count and Answer.like_count (likes), Post.download_count (a draft's person-days
  of downloads), DraftVersion.download_count (a version's), Post.view_count (person-days of
  views); see questions.integrity;
* Post.accepted_answer (an answer of the post itself, not deleted, on a question),
  Post.current_version (the draft's newest version), Post.last_activity_at (not older
  than the post or its newest answer), TaggedPost.last_activity_at (a copy of the post's);
* the configured search index (Whoosh or PostgreSQL): a document for every live post and
  person, none for deleted posts or missing rows, each with its post's community and
  privacy, each key once; and a meaning vector for every live post with its community and
  privacy, none for others (while the embedding model loads); see search.integrity.

Not compared: values recomputed wholesale by their own commands (expertise, de facto
standards, sentiment), rendered Markdown, and unread-notification counts (not stored: the
bell counts unread rows).
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from tqdm import tqdm

from intranet.lib import integrity
from intranet.lib.integrity import Check, Outcome, all_checks, run_checks


def _shown(value: object) -> str:
    if value is None:
        return "none"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return str(value)


def _plural(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


class Command(BaseCommand):
    help = (
        "Check that counters (answers, likes, downloads, views), accepted answers, drafts' "
        "current versions, activity times and the search index agree with the database. "
        "Prints each check's result with up to 10 examples; exits with status 1 while "
        "anything disagrees. Read-only unless --repair."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--repair",
            action="store_true",
            help="Recompute what disagrees (counters in one transaction, then the search "
            "index), check again and report what was repaired.",
        )
        parser.add_argument(
            "--no-progress",
            action="store_true",
            help="No progress bar (none is shown when not writing to a terminal).",
        )

    def handle(self, *args: Any, repair: bool, no_progress: bool, **options: Any) -> None:
        started = time.monotonic()
        self.stdout.write(
            f"Checking the {connection.vendor} database and the {settings.SEARCH_BACKEND} "
            "search index."
        )
        outcomes = self.run(all_checks(), no_progress=no_progress)
        self.report(outcomes)
        if repair and not all(o.ok for o in outcomes):
            repaired = self.repair_and_say(outcomes)
            self.stdout.write("Checking again after the repair.")
            outcomes = self.run(all_checks(), no_progress=no_progress)
            self.report([o for o in outcomes if not o.ok])
            if repaired and all(o.ok for o in outcomes):
                self.stdout.write(self.style.SUCCESS("Everything repaired."))
        took = time.monotonic() - started
        failed = [o for o in outcomes if not o.ok]
        if failed:
            differences = sum(len(o.mismatches) for o in failed)
            raise CommandError(
                f"{_plural(differences, 'difference', 'differences')} in "
                f"{_plural(len(failed), 'check', 'checks')} of {len(outcomes)} "
                f"({took:.1f} s).",
                returncode=1,
            )
        self.stdout.write(self.style.SUCCESS(f"All {len(outcomes)} checks agree ({took:.1f} s)."))

    def run(self, checks: list[Check], *, no_progress: bool) -> list[Outcome]:
        outcomes: list[Outcome] = []
        bar = tqdm(checks, unit="check", leave=False, disable=no_progress or None)
        for check in bar:
            bar.set_description(check.name)
            outcomes += run_checks([check])
        return outcomes

    def report(self, outcomes: list[Outcome]) -> None:
        for outcome in outcomes:
            title = f"{outcome.check.name} ({outcome.check.description})"
            if outcome.error is not None:
                self.stdout.write(f"{title}: " + self.style.ERROR(f"failed: {outcome.error}"))
                continue
            if outcome.ok:
                self.stdout.write(f"{title}: " + self.style.SUCCESS("OK"))
                continue
            count = _plural(len(outcome.mismatches), "mismatch", "mismatches")
            self.stdout.write(f"{title}: " + self.style.ERROR(count))
            for m in outcome.examples:
                self.stdout.write(
                    f"    {m.subject}: stored {_shown(m.stored)}, actual {_shown(m.actual)}"
                )
            more = len(outcome.mismatches) - len(outcome.examples)
            if more:
                self.stdout.write(f"    ... and {more:,} more")
            advice = outcome.check.advice(outcome.mismatches)
            if advice:
                self.stdout.write(self.style.WARNING(f"    {advice}"))

    def repair_and_say(self, outcomes: list[Outcome]) -> dict[str, int]:
        repaired = integrity.repair(outcomes)
        for name, changed in repaired.items():
            self.stdout.write(f"Repaired {name}: {_plural(changed, 'object', 'objects')}.")
        for outcome in outcomes:
            if outcome.error is not None:
                self.stdout.write(
                    self.style.WARNING(f"Not repaired: {outcome.check.name} ({outcome.error})")
                )
        return repaired
