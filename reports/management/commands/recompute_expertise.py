"""Recompute who knows about what from peer signals (reports.expertise). Run nightly."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from tqdm import tqdm

from reports.expertise import recompute_expertise


class Command(BaseCommand):
    help = (
        "Recompute every person's expertise per tag from accepted answers, likes on answers "
        "and distinct downloaders of drafts, outside private communities, with evidence "
        "fading by EXPERTISE_HALF_LIFE_DAYS. Replaces all rows in one transaction."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        with tqdm(total=4, desc="Expertise", unit="step", disable=None) as bar:
            rows = recompute_expertise(progress=bar.update)
        seconds = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Expertise recomputed: {rows} person-tag rows in {seconds:.1f} s "
                f"(half-life {settings.EXPERTISE_HALF_LIFE_DAYS} days)."
            )
        )
