"""Offer questions nobody has answered to available experts on their tags. Run hourly."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from reports.nudges import nudge_waiting_questions


class Command(BaseCommand):
    help = (
        "Notify up to --per-question available experts (never the asker, nobody away or "
        "departed, members only in private communities) about each question unanswered for "
        "WAITING_QUESTION_HOURS, once per question and person, at most "
        "WAITING_NUDGES_PER_DAY per person a day."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--per-question", type=int, default=3, help="People to offer each question (3)."
        )
        parser.add_argument(
            "--max-age-days",
            type=int,
            default=30,
            help="Leave questions older than this alone (30).",
        )

    def handle(self, *args: Any, per_question: int, max_age_days: int, **options: Any) -> None:
        with tqdm(desc="Waiting questions", unit="question", disable=None) as bar:
            report = nudge_waiting_questions(
                per_question=per_question, max_age_days=max_age_days, progress=bar.update
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Waiting questions (unanswered for {settings.WAITING_QUESTION_HOURS} h or "
                f"more): {report.waiting}; offered now: {report.nudged_questions}, "
                f"{report.notifications} notifications sent; "
                f"{report.capped} offers held back by the daily limit of "
                f"{settings.WAITING_NUDGES_PER_DAY}."
            )
        )
