from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models


class PersonManager(UserManager["User"]):
    """Creates users with their profile, so `createsuperuser` and `create_user` get one too."""

    def create_user(
        self, username: str, email: str | None = None, password: str | None = None, **extra: Any
    ) -> User:
        from profiles.actions import ensure_profile

        user = super().create_user(username, email, password, **extra)
        ensure_profile(user=user)
        return user

    def create_superuser(
        self, username: str, email: str | None = None, password: str | None = None, **extra: Any
    ) -> User:
        from profiles.actions import ensure_profile

        user = super().create_superuser(username, email, password, **extra)
        ensure_profile(user=user)
        return user


class User(AbstractUser):
    """A person who can sign in. The username is the @handle used in mentions."""

    objects: ClassVar[PersonManager] = PersonManager()

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.username


class Department(models.Model):
    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Profile(models.Model):
    """What colleagues see of a person. Created for every user (see profiles.actions)."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    display_name = models.CharField(max_length=150)
    title = models.CharField("job title", max_length=150, blank=True)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    location = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["display_name"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def initials(self) -> str:
        words = [w for w in self.display_name.replace("-", " ").split() if w[:1].isalnum()]
        if not words:
            return (self.user.username[:1] or "?").upper()
        return (words[0][0] + (words[-1][0] if len(words) > 1 else "")).upper()

    @property
    def is_complete(self) -> bool:
        return bool(self.title and self.department_id and self.location)


class Follow(models.Model):
    """One person following a colleague or a tag ("your friends are your filter").

    Communities are followed by joining them (see questions.Membership)."""

    follower = models.ForeignKey(User, on_delete=models.CASCADE, related_name="following")
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.CASCADE, related_name="followers"
    )
    tag = models.ForeignKey(
        "taggit.Tag", null=True, blank=True, on_delete=models.CASCADE, related_name="followers"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(user__isnull=False, tag__isnull=True)
                    | models.Q(user__isnull=True, tag__isnull=False)
                ),
                name="follow_has_one_target",
            ),
            models.CheckConstraint(
                condition=~models.Q(follower=models.F("user")), name="no_following_oneself"
            ),
            models.UniqueConstraint(
                fields=["follower", "user"],
                condition=models.Q(user__isnull=False),
                name="follow_user_once",
            ),
            models.UniqueConstraint(
                fields=["follower", "tag"],
                condition=models.Q(tag__isnull=False),
                name="follow_tag_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.follower_id} follows {self.user_id or self.tag_id}"


class Notification(models.Model):
    """Something that happened to a person. The row is the truth; the websocket push is a
    courtesy, and clients catch up from here by last id after any gap."""

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
        NEW_VERSION = "new_version", "shared a new version of"

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verb = models.CharField(max_length=20, choices=Verb.choices)
    post = models.ForeignKey(
        "questions.Post", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    answer = models.ForeignKey(
        "questions.Answer", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # The person's preference when it happened: shown and pushed in the app or not. The row
    # is kept either way (the e-mail digest and reports read it).
    in_app = models.BooleanField(default=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
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
    No row means the defaults: in the app yes; by e-mail for mentions and for questions
    waiting in your tags."""

    EMAIL_BY_DEFAULT = frozenset({Notification.Verb.MENTIONED, Notification.Verb.WAITING})

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    verb = models.CharField(max_length=20, choices=Notification.Verb.choices)
    in_app = models.BooleanField(default=True)
    email = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "verb"], name="one_preference_per_verb")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.verb}: app={self.in_app} email={self.email}"
