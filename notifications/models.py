"""Notification rows and each person's notification preferences.

The tables kept the names they had when these models lived in `profiles`
(`profiles_notification`, `profiles_notificationpreference`): the models moved, the rows
did not (migrations notifications 0001 and profiles 0013)."""

from __future__ import annotations

from django.db import models

from notifications.posts import post_access
from profiles.models import HandoverRequest, User


class NotificationQuerySet(models.QuerySet["Notification"]):
    def seen_by_recipient(self) -> NotificationQuerySet:
        """Only notifications whose post (if any) their recipient may see now: not deleted,
        and outside private communities they are not in (questions.permissions' rule,
        applied to each row's own recipient, through the post access `questions` registers).
        A person who left a private community keeps their rows, but the inbox, the bell, the
        socket and the digest no longer show them."""
        return self.filter(
            models.Q(post__isnull=True)
            | post_access().seen_through_by(post="post__", person="recipient_id")
        )


class Notification(models.Model):
    """Something that happened to a person. The row is the truth; the websocket push is a
    courtesy, and clients catch up from here by last id after any gap. Shown only while its
    recipient may see its post (NotificationQuerySet.seen_by_recipient)."""

    class Verb(models.TextChoices):
        MENTIONED = "mentioned", "mentioned you"
        ANSWERED = "answered", "answered your question"
        REPLIED = "replied", "replied to your post"
        ACCEPTED = "accepted", "accepted your answer"
        LIKED_POST = "liked_post", "liked your post"
        LIKED_ANSWER = "liked_answer", "liked your answer"
        FOLLOWED = "followed", "followed you"
        WAITING = "waiting", "asked a question in your tags that is waiting for an answer"
        COMMENTED = "commented", "commented on your draft"
        NEW_VERSION = "new_version", "shared a new version of a draft you’re reviewing"
        HANDOVER = "handover", "asked you for a handover"

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verb = models.CharField(max_length=20, choices=Verb.choices)
    # By name: notifications sit below questions and never import it.
    post = models.ForeignKey(
        "questions.Post", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    answer = models.ForeignKey(
        "questions.Answer", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # HANDOVER only: which request (the leaving person and the topics).
    handover = models.ForeignKey(
        HandoverRequest, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # The person's preference when it happened: shown and pushed in the app or not. The row
    # is kept either way (the e-mail digest and reports read it).
    in_app = models.BooleanField(default=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        db_table = "profiles_notification"
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["recipient", "-id"], name="notification_inbox"),
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.actor_id} {self.verb} → {self.recipient_id}"


class NotificationPreference(models.Model):
    """Per person and verb: in the app (bell, toasts, inbox) and in the daily e-mail digest.
    No row means the defaults: in the app yes; by e-mail for mentions, for questions
    waiting in your tags and for handover requests (rare, and they come with a deadline)."""

    EMAIL_BY_DEFAULT = frozenset(
        {Notification.Verb.MENTIONED, Notification.Verb.WAITING, Notification.Verb.HANDOVER}
    )

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    verb = models.CharField(max_length=20, choices=Notification.Verb.choices)
    in_app = models.BooleanField(default=True)
    email = models.BooleanField(default=False)

    class Meta:
        db_table = "profiles_notificationpreference"
        constraints = [
            models.UniqueConstraint(fields=["user", "verb"], name="one_preference_per_verb")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.verb}: app={self.in_app} email={self.email}"
