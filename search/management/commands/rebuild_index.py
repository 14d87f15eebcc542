"""Rebuild the search index from the database, the source of truth."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from search.backend import get_backend
from search.indexing import expected_count, rebuild


class Command(BaseCommand):
    help = (
        "Empty the search index and index every post and person again from the database. "
        "Safe to run at any time; searches during the rebuild see fewer results."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch", type=int, default=500, help="Documents per write (default %(default)s)."
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args: Any, batch: int, no_progress: bool, **options: Any) -> None:
        total = expected_count()
        started = time.monotonic()
        self.stdout.write(
            f"Rebuilding the {settings.SEARCH_BACKEND} search index: {total:,} documents"
        )
        with tqdm(total=total, unit="doc", disable=no_progress or total == 0 or None) as bar:
            done = rebuild(batch=max(1, batch), progress=lambda n: bar.update(n) and None)
        indexed = get_backend().count()
        took = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Indexed {done:,} documents in {took:.1f} s; the index holds {indexed:,}."
            )
        )
