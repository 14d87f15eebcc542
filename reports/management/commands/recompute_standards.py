"""Recompute the de facto standards of every tag (reports.standards). Run once a day
(cron, or a scheduler): leadership is measured in daily snapshots."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.dateparse import parse_date
from tqdm import tqdm

from reports.standards import recompute_standards

STAGES = ("signals", "supporters", "ranking", "states")


class Command(BaseCommand):
    help = (
        "Score every answer, draft and post per tag from likes, downloads, links and "
        "acceptances, store today's snapshot of each tag's leaders, and promote, hold or "
        "demote de facto standards. Run daily; --backfill builds the history at install."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date",
            metavar="YYYY-MM-DD",
            help="Compute as of the end of this day instead of now (signals after it are ignored).",
        )
        parser.add_argument(
            "--backfill",
            type=int,
            default=0,
            metavar="DAYS",
            help="First compute each of the DAYS days before, oldest first, so that "
            "sustained leadership can be told at once (default 0).",
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(
        self, *args: Any, date: str | None, backfill: int, no_progress: bool, **options: Any
    ) -> None:
        now = timezone.now()
        if date:
            day = parse_date(date)
            if day is None:
                raise CommandError(f"--date: expected YYYY-MM-DD, got {date!r}")
            now = timezone.make_aware(datetime.combine(day, time(23, 59, 59)))
        if backfill < 0:
            raise CommandError("--backfill must be 0 or more")
        moments = [now - timedelta(days=n) for n in range(backfill, 0, -1)] + [now]
        with tqdm(
            total=len(moments) * len(STAGES),
            desc="Standards",
            unit="step",
            disable=no_progress or None,
        ) as bar:

            def step(stage: str) -> None:
                bar.set_postfix_str(stage)
                bar.update(1)

            for moment in moments:
                summary = recompute_standards(now=moment, progress=step)
        for line in summary.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("Standards recomputed."))
