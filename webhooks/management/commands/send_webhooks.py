"""Send the webhook deliveries that are due: retries, and any a stopped worker left."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from webhooks.sending import KEEP_LOG_FOR, prune_log, send_due


class Command(BaseCommand):
    help = (
        "Send every webhook delivery that is due (retries after a failure, and deliveries "
        "left pending by a worker that stopped), each hook's in order. Run every few minutes "
        "(the embedded scheduler does). Also forgets sent and failed deliveries after "
        f"{KEEP_LOG_FOR.days} days."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        attempts = send_due()
        pruned = prune_log()
        self.stdout.write(
            f"{attempts} delivery attempt{'s' if attempts != 1 else ''} made; "
            f"{pruned} old deliver{'ies' if pruned != 1 else 'y'} removed from the log."
        )
