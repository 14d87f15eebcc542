"""The periodic commands, run by the embedded server itself.

`make run` has no cron: `manage.py serve` starts one background thread that runs each job
in JOBS when it is due (its last run is kept in VAR_DIR/schedule.json, so a restart does
not run everything again) and then sleeps until the next one is. A failing job is logged
and tried again at its next turn; it never stops the server. Deployments with several
server processes turn this off (SCHEDULER=0) and run `manage.py run_scheduler` once for the
whole cluster instead (the same loop, in its own process), so that each job runs once.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connections
from django.utils import timezone

logger = logging.getLogger(__name__)

CHECK_EVERY = timedelta(minutes=5)


@dataclass(frozen=True)
class Job:
    command: str
    every: timedelta


JOBS = (
    Job("nudge_waiting_questions", timedelta(hours=1)),
    Job("recompute_expertise", timedelta(days=1)),
    Job("recompute_standards", timedelta(days=1)),
    Job("refresh_summaries", timedelta(days=1)),
    Job("send_digests", timedelta(days=1)),
    Job("send_weekly_summary", timedelta(days=7)),
    # Reports are cached for REPORTS_CACHE_SECONDS (15 minutes by default): rebuilt just
    # before they expire, staff never wait for the default ranges.
    Job("warm_reports", timedelta(minutes=14)),
    # Webhook retries, and deliveries a stopped worker left pending (the rows are the truth):
    # at every check.
    Job("send_webhooks", CHECK_EVERY),
)


def _state_file() -> Path:
    return Path(settings.VAR_DIR) / "schedule.json"


def last_runs() -> dict[str, datetime]:
    try:
        raw = json.loads(_state_file().read_text())
        return {name: datetime.fromisoformat(when) for name, when in raw.items()}
    except (OSError, ValueError, TypeError, AttributeError):
        return {}  # never run, or a damaged file: everything is due


def _save(runs: dict[str, datetime]) -> None:
    path = _state_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps({name: when.isoformat() for name, when in runs.items()}))
    temporary.replace(path)


def due(now: datetime, runs: dict[str, datetime]) -> list[Job]:
    return [job for job in JOBS if job.command not in runs or now - runs[job.command] >= job.every]


def run_due(now: datetime | None = None) -> list[str]:
    """Run every job that is due, one after another; returns the commands run."""
    now = now or timezone.now()
    runs = last_runs()
    ran = []
    for job in due(now, runs):
        try:
            call_command(job.command, verbosity=0, stdout=_Quiet(), stderr=_Quiet())
        except Exception:  # the server keeps serving; the job is tried again next turn
            logger.exception("scheduled %s failed", job.command)
        runs[job.command] = now
        ran.append(job.command)
        _save(runs)
    return ran


class _Quiet:
    """Discards a command's output (its progress bars are for people at a terminal)."""

    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


def run_forever(stop: threading.Event | None = None) -> None:
    """Run due jobs, sleep until the next check, again, until `stop` is set (never, for the
    server's thread and `manage.py run_scheduler`)."""
    stop = stop or threading.Event()
    while not stop.is_set():
        try:
            ran = run_due()
            if ran:
                logger.info("scheduled commands ran: %s", ", ".join(ran))
        finally:
            connections.close_all()  # this thread's own connections
        stop.wait(CHECK_EVERY.total_seconds())


def start() -> threading.Thread:
    """Start the scheduler thread (a daemon: it ends with the server)."""
    thread = threading.Thread(target=run_forever, name="scheduler", daemon=True)
    thread.start()
    return thread
