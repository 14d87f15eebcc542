"""Send the webhook deliveries that are due: retries, and any a stopped worker left."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from webhooks.sending import send_due


class Command(BaseCommand):
    help = (
        "Send every webhook delivery that is due (retries after a failure, and deliveries "
        "left pending by a worker that stopped), each hook's in order. Run every few minutes "
        "(the embedded scheduler does)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        attempts = send_due()
        self.stdout.write(f"{attempts} delivery attempt{'s' if attempts != 1 else ''} made.")
