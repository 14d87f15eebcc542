"""Backfill the sentiment of posts and answers written before it was computed on write."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import models, transaction
from tqdm import tqdm

from intranet.lib.sentiment import score, score_post
from questions.models import Answer, Post
from reports import summaries


class Command(BaseCommand):
    help = (
        "Compute the sentiment (VADER, -1..1) of posts and answers that have none yet, or of "
        "all of them with --all. Safe to run again; new posts and answers get theirs when "
        "they are written."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--all", action="store_true", help="Recompute every row, not only missing ones."
        )
        parser.add_argument(
            "--batch-size", type=int, default=500, metavar="N", help="Rows per transaction (500)."
        )

    def handle(self, *args: Any, all: bool, batch_size: int, **options: Any) -> None:
        if batch_size < 1:
            self.stderr.write("error: --batch-size must be 1 or more")
            raise SystemExit(2)
        posts = self.backfill(
            Post, lambda p: score_post(p.title, p.body), ["title"], every=all, batch=batch_size
        )
        answers = self.backfill(Answer, lambda a: score(a.body), [], every=all, batch=batch_size)
        if posts or answers:
            summaries.refresh(full=True)  # earlier days' sentiment changed
        self.stdout.write(
            self.style.SUCCESS(f"Sentiment computed for {posts:,} posts and {answers:,} answers.")
        )

    def backfill(
        self,
        model: type[Post] | type[Answer],
        scorer: Callable[[Any], float],
        fields: list[str],
        *,
        every: bool,
        batch: int,
    ) -> int:
        """Score rows in primary-key order, one batch per transaction (resumable)."""
        rows: models.QuerySet[Any] = model.objects.all()
        if not every:
            rows = rows.filter(sentiment__isnull=True)
        done, last = 0, 0
        name = str(model._meta.verbose_name_plural).capitalize()
        with tqdm(total=rows.count(), desc=name, unit="row", disable=None) as bar:
            while True:
                chunk = list(
                    rows.filter(pk__gt=last).order_by("pk").only("pk", "body", *fields)[:batch]
                )
                if not chunk:
                    return done
                for row in chunk:
                    row.sentiment = scorer(row)
                with transaction.atomic():
                    model.objects.bulk_update(chunk, ["sentiment"])
                last = chunk[-1].pk
                done += len(chunk)
                bar.update(len(chunk))
