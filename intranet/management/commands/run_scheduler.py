"""Run the periodic commands (intranet.lib.schedule.JOBS) for a deployment with several
server processes: start exactly one of these for the whole cluster, with SCHEDULER=0 on the
servers. It is the loop `manage.py serve` runs in a thread, in a process of its own."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from intranet.lib import schedule


def every(job: schedule.Job) -> str:
    seconds = int(job.every.total_seconds())
    if seconds % 86400 == 0:
        days = seconds // 86400
        return "daily" if days == 1 else f"every {days} days"
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return "hourly" if hours == 1 else f"every {hours} hours"
    return f"every {seconds // 60} minutes"


class Command(BaseCommand):
    help = (
        "Run the periodic commands when they are due "
        f"({', '.join(job.command for job in schedule.JOBS)}), for ever. Run exactly one for "
        "the whole cluster, with "
        "SCHEDULER=0 on the servers. Last runs are kept in VAR_DIR/schedule.json. --list "
        "shows the jobs and when each is next due; --once runs what is due and exits (for "
        "cron every 5 minutes instead of a long-running process)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--list", action="store_true", help="Show each job, how often, and when it is due."
        )
        parser.add_argument("--once", action="store_true", help="Run what is due, then exit.")

    def handle(self, *args: Any, list: bool, once: bool, **options: Any) -> None:  # noqa: A002
        if list:
            self.list_jobs()
        elif once:
            ran = schedule.run_due()
            self.stdout.write(f"Ran: {', '.join(ran) or 'nothing was due'}.")
        else:
            self.stdout.write(
                f"Scheduler running {len(schedule.JOBS)} jobs; checks every "
                f"{int(schedule.CHECK_EVERY.total_seconds() // 60)} minutes (Ctrl+C stops)."
            )
            self.stdout.flush()
            schedule.run_forever()

    def list_jobs(self) -> None:
        now = timezone.now()
        runs = schedule.last_runs()
        for job in schedule.JOBS:
            last = runs.get(job.command)
            if last is None:
                when = "due now (never run here)"
            else:
                due_at = timezone.localtime(last + job.every)
                when = "due now" if due_at <= now else f"next at {due_at:%Y-%m-%d %H:%M %Z}"
            self.stdout.write(f"{job.command:<26} {every(job):<16} {when}")
