"""Sending a hook's deliveries in the task backend, after the commit that recorded them."""

from __future__ import annotations

from django_tasks import task

from webhooks.sending import send_pending


@task()
def send_webhook_deliveries(webhook_id: int) -> int:
    """Send the hook's due deliveries in order; returns the attempts made."""
    return send_pending(webhook_id)
