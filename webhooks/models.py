"""Outgoing webhooks: where to tell what happened, and every delivery of it (the rows are the
truth: a worker that dies loses nothing, the next run sends what is still pending)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from intranet.lib import domain_events

# The events a hook may choose; person.departed only for staff hooks (a community owner has
# no business hearing who left the company).
EVENT_CHOICES = [
    (domain_events.QUESTION_ASKED, "A question is asked"),
    (domain_events.STATUS_POSTED, "A status update is posted"),
    (domain_events.DRAFT_SHARED, "A draft is shared"),
    (domain_events.ANSWER_POSTED, "An answer is posted"),
    (domain_events.ANSWER_ACCEPTED, "An answer is accepted"),
    (domain_events.DRAFT_VERSION_SHARED, "A new version of a draft is shared"),
    (domain_events.PERSON_DEPARTED, "A person has left (staff hooks only)"),
]
STAFF_ONLY_EVENTS = frozenset({domain_events.PERSON_DEPARTED})


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


class Webhook(models.Model):
    class Format(models.TextChoices):
        JSON = "json", "JSON (signed, for your own services)"
        SLACK = "slack", "Slack incoming webhook"
        TEAMS = "teams", "Microsoft Teams incoming webhook"

    # Whose eyes the hook sees with: a payload carries only what this person may see.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webhooks"
    )
    # A community owner's hook hears its community's events only; None: a staff hook.
    community = models.ForeignKey(
        "questions.Community",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="webhooks",
    )
    name = models.CharField(max_length=100)
    url = models.URLField(max_length=500)
    # Kept in clear: the HMAC is computed from it at each delivery (as every webhook sender
    # must); shown to the hook's managers only.
    secret = models.CharField(max_length=100, default=new_secret)
    events = models.JSONField(default=list)
    tag = models.CharField(max_length=100, blank=True)  # only posts with this tag
    format = models.CharField(max_length=10, choices=Format.choices, default=Format.JSON)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    # A sender holds the hook until this time so that two workers never send its
    # deliveries side by side (out of order); a killed sender's claim simply runs out.
    claimed_until = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_staff_hook(self) -> bool:
        return self.community_id is None


class Delivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=40)
    # The event's ids and when it happened; the message itself is built at each attempt,
    # so that it shows only what the owner may see then.
    payload = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name_plural = "deliveries"
        indexes = [
            # The sender reads each hook's oldest pending delivery; the scheduler the due ones.
            models.Index(
                fields=["webhook", "id"],
                condition=Q(status="pending"),
                name="delivery_pending",
            ),
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="delivery_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} to {self.webhook} ({self.status})"
