"""Sending deliveries: signed, one hook's deliveries in order, retried with backoff for a day.

The rows are the truth. A sender claims a hook (Webhook.claimed_until) so that no two send
its deliveries side by side, sends its oldest pending delivery, and goes on to the next only
when that one is sent or given up: a receiver sees one hook's events in the order they
happened. A failed attempt sets the delivery's next attempt further away each time (30 s,
1 min, 2 min, ... at most 2 hours apart) until a day after the event, then gives up. The
scheduled `send_webhooks` command sends whatever is due, so retries, and deliveries a killed
worker left pending, go out without anyone enqueueing them again.

Each request carries
    X-Outloud-Event: question.asked
    X-Outloud-Delivery: <delivery id>   (the same on every retry: a receiver can deduplicate)
    X-Outloud-Timestamp: <unix seconds>
    X-Outloud-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<timestamp>.<body>">
keyed with the hook's secret. Redirects are not followed (a hook's URL is its final
address); each request gives up after TIMEOUT seconds.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from webhooks import messages
from webhooks.addresses import url_problem
from webhooks.models import Delivery, Webhook

logger = logging.getLogger(__name__)

TIMEOUT = 5.0  # seconds, per request
RETRY_FOR = timedelta(days=1)
FIRST_RETRY = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=2)
KEEP_LOG_FOR = timedelta(days=30)  # sent and failed deliveries, then pruned
CLAIM_FOR = timedelta(minutes=2)  # longer than one attempt; renewed before each
USER_AGENT = "Outloud-Webhooks/1"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The X-Outloud-Signature value for `body` sent at `timestamp`."""
    signed = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt (1, 2, ...)."""
    return min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_WAIT)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # urllib then raises the 3xx as an HTTPError


_opener = urllib.request.build_opener(_NoRedirects)


def post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int | None, str]:
    """POST `body`; the status code (None if there was no answer) and an error ("" if 2xx)."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310  (http(s) only: addresses.url_problem)
    try:
        with _opener.open(request, timeout=TIMEOUT) as response:
            return response.status, ""
    except urllib.error.HTTPError as error:
        if 300 <= error.code < 400:
            where = error.headers.get("Location", "")
            return error.code, f"Redirected to {where[:200]}; not followed (use the final URL)."
        return error.code, f"The receiver answered {error.code} {error.reason}."
    except TimeoutError:
        return None, f"No answer within {TIMEOUT:g} s."
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, TimeoutError):
            return None, f"No answer within {TIMEOUT:g} s."
        return None, f"Could not connect: {reason}"[:500]
    except OSError as error:
        return None, f"Could not connect: {error}"[:500]


def attempt(delivery: Delivery, hook: Webhook) -> None:
    """Try `delivery` once and record the outcome on its row."""
    now = timezone.now()
    delivery.attempts += 1
    try:
        message = messages.build(delivery, hook)
    except messages.NotForThisOwner as refusal:
        # Nothing to send: the owner may not see it. Given up at once, never retried.
        delivery.status = Delivery.Status.FAILED
        delivery.last_error = f"Not sent: {refusal}"
        delivery.last_status_code = None
        delivery.save()
        return
    private_allowed = hook.is_staff_hook
    problem = url_problem(hook.url, private_allowed=private_allowed)
    if problem is None:
        body = json.dumps(messages.render(message, hook.format)).encode()
        timestamp = int(time.time())
        code, problem = post(
            hook.url,
            body,
            {
                "Content-Type": "application/json",
                "User-Agent": USER_AGENT,
                "X-Outloud-Event": delivery.event,
                "X-Outloud-Delivery": str(delivery.pk),
                "X-Outloud-Timestamp": str(timestamp),
                "X-Outloud-Signature": signature(hook.secret, timestamp, body),
            },
        )
    else:
        code = None
    delivery.last_status_code = code
    delivery.last_error = problem or ""
    if not problem:
        delivery.status = Delivery.Status.SENT
        delivery.sent_at = timezone.now()
    else:
        next_at = now + retry_delay(delivery.attempts)
        if next_at > delivery.created_at + RETRY_FOR:
            delivery.status = Delivery.Status.FAILED
            delivery.last_error = f"{problem} Given up after {delivery.attempts} attempts."[:500]
        else:
            delivery.next_attempt_at = next_at
    delivery.save()


def _claim(webhook_id: int) -> bool:
    now = timezone.now()
    free = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    return bool(Webhook.objects.filter(free, pk=webhook_id).update(claimed_until=now + CLAIM_FOR))


def _due_head(webhook_id: int, now: datetime) -> Delivery | None:
    """The hook's oldest pending delivery if it is due (and the hook active); later ones
    wait behind it."""
    head = (
        Delivery.objects.filter(
            webhook_id=webhook_id, webhook__is_active=True, status=Delivery.Status.PENDING
        )
        .order_by("id")
        .first()
    )
    return head if head is not None and head.next_attempt_at <= now else None


def send_pending(webhook_id: int) -> int:
    """Send the hook's due deliveries in order; returns how many attempts were made. Returns
    at once if another sender holds the hook (it will send them)."""
    attempts = 0
    while _due_head(webhook_id, timezone.now()) is not None:
        if not _claim(webhook_id):
            return attempts
        try:
            while (head := _due_head(webhook_id, timezone.now())) is not None:
                hook = Webhook.objects.select_related("community").get(pk=webhook_id)
                attempt(head, hook)
                attempts += 1
                Webhook.objects.filter(pk=webhook_id).update(
                    claimed_until=timezone.now() + CLAIM_FOR
                )
        finally:
            # Released, then looked at again: a delivery recorded while we held the hook
            # (its own task found the hook claimed and left) is sent now, not at the
            # scheduler's next turn.
            Webhook.objects.filter(pk=webhook_id).update(claimed_until=None)
    return attempts


def send_due() -> int:
    """Send every hook's due deliveries (the scheduled job); returns the attempts made."""
    hook_ids = (
        Delivery.objects.filter(
            status=Delivery.Status.PENDING,
            next_attempt_at__lte=timezone.now(),
            webhook__is_active=True,
        )
        .values_list("webhook_id", flat=True)
        .distinct()
        .order_by("webhook_id")
    )
    total = 0
    for hook_id in list(hook_ids):
        try:
            total += send_pending(hook_id)
        except Exception:  # one hook's trouble must not hold up the others
            logger.exception("webhook %s: sending failed", hook_id)
    return total


def prune_log(now: datetime | None = None) -> int:
    """Delete sent and given-up deliveries older than KEEP_LOG_FOR; returns how many."""
    cutoff = (now or timezone.now()) - KEEP_LOG_FOR
    deleted, _ = (
        Delivery.objects.filter(created_at__lt=cutoff)
        .exclude(status=Delivery.Status.PENDING)
        .delete()
    )
    return deleted
