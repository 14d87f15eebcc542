from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac

from intranet.lib.dates import validate_time_zone


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
    # Raised to end every session the person has (see get_session_auth_hash).
    session_generation = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.username

    def get_session_auth_hash(self) -> str:
        """What each session stores and Django compares on every request: derived from the
        password (Django's own rule) and the session generation, so raising the generation
        signs the person out everywhere at once, whatever the session engine, without
        reading every session. Generation 0 keeps Django's value: sessions made before this
        rule existed stay valid."""
        if not self.session_generation:
            return super().get_session_auth_hash()
        return salted_hmac(
            "outloud.sessions",
            f"{self.password}:{self.session_generation}",
            algorithm="sha256",
        ).hexdigest()

    @property
    def is_former(self) -> bool:
        """A former colleague: the one definition, asked by reports, search, profiles and
        every page (in queries: former_q). Someone marked departed (profiles.actions
        .mark_departed, which also stops them signing in), or an account switched off with
        no departure recorded (old data: the admin's "active" box now marks a person
        departed or returned, so it cannot make that state any more); both are the same.

        The profile is read only when it is loaded already: departing always switches the
        account off, so an active account whose profile is not at hand is a current one."""
        if not self.is_active:
            return True
        profile = self._state.fields_cache.get("profile")
        return bool(profile is not None and profile.departed_at is not None)


class Department(models.Model):
    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Profile(models.Model):
    """What colleagues see of a person. Created for every user (see profiles.actions)."""

    class Theme(models.TextChoices):
        # "system" follows the device's light or dark setting (prefers-color-scheme).
        SYSTEM = "system", "Same as my device"
        LIGHT = "light", "Light"
        DARK = "dark", "Dark"

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    display_name = models.CharField(max_length=150)
    title = models.CharField("job title", max_length=150, blank=True)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    location = models.CharField(max_length=150, blank=True)
    # "Away until" (inclusive, in the site's time zone) and what colleagues should know;
    # see profiles.actions.set_availability.
    away_until = models.DateField(null=True, blank=True)
    away_note = models.CharField(max_length=200, blank=True)
    # Leaving and departed, set by staff through profiles.actions (set_leaving_date,
    # mark_departed, mark_returned, anonymise_person). A departed person cannot sign in;
    # title and department stay as they were, and their content stays theirs.
    leaving_on = models.DateField("leaving on", null=True, blank=True)
    departed_at = models.DateTimeField(null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)
    # Staff only: the weekly knowledge report by e-mail (manage.py send_weekly_summary).
    # Turned off from the notification settings or the mail's unsubscribe link.
    weekly_summary_email = models.BooleanField("weekly report by e-mail", default=True)
    # The zone dates and times are shown in (an IANA name, e.g. "Europe/Paris"). Empty: the
    # browser's zone when it has told us (profiles.timezones), else the site's TIME_ZONE.
    time_zone = models.CharField(
        "time zone", max_length=64, blank=True, default="", validators=[validate_time_zone]
    )
    # Light or dark pages, applied by the server on <html> (no flash, no JavaScript needed).
    theme = models.CharField("colour theme", max_length=6, choices=Theme, default=Theme.SYSTEM)
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

    @property
    def is_away(self) -> bool:
        return self.away_until is not None and self.away_until >= timezone.localdate()

    @property
    def has_departed(self) -> bool:
        return self.departed_at is not None

    @property
    def is_leaving(self) -> bool:
        """A leaving date is set and the person has not been marked departed yet (the date
        may have passed: staff still have to mark them departed)."""
        return self.leaving_on is not None and self.departed_at is None


def available_q(today: date, *, via: str = "") -> models.Q:
    """People who are not away on `today`; `via` is the path to a Profile ("user__profile__")."""
    return models.Q(**{f"{via}away_until__isnull": True}) | models.Q(
        **{f"{via}away_until__lt": today}
    )


def former_q(*, via: str = "") -> models.Q:
    """Former colleagues (User.is_former in a query); `via` is the path to a User
    ("author__", "user__")."""
    return models.Q(**{f"{via}is_active": False}) | models.Q(
        **{f"{via}profile__departed_at__isnull": False}
    )


def current_q(*, via: str = "") -> models.Q:
    """Current colleagues: everyone former_q leaves out (people without a profile too)."""
    return models.Q(**{f"{via}is_active": True}) & models.Q(
        **{f"{via}profile__departed_at__isnull": True}
    )


def departed_q(*, via: str = "") -> models.Q:
    """People marked departed; `via` is the path to a Profile ("user__profile__")."""
    return models.Q(**{f"{via}departed_at__isnull": False})


def leaving_q(*, via: str = "") -> models.Q:
    """People with a leaving date who have not been marked departed yet."""
    return models.Q(**{f"{via}leaving_on__isnull": False, f"{via}departed_at__isnull": True})


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


class DeclaredTopic(models.Model):
    """A tag a person says they know about (profile edit page; at most MAX_DECLARED_TOPICS).
    Shown apart from earned expertise, and used to suggest people when nobody has earned it."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="declared_topics")
    tag = models.ForeignKey("taggit.Tag", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["tag__name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "tag"], name="declare_topic_once"),
        ]
        indexes = [models.Index(fields=["tag", "user"], name="declared_topic_tag")]

    def __str__(self) -> str:
        return f"{self.user_id} knows about {self.tag_id}"


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


class Expertise(models.Model):
    """How much a person's colleagues have relied on them for a tag, with the evidence.

    Derived data: reports.expertise.recompute_expertise replaces every row at once, from
    posts outside private communities only. The counts are the evidence as shown; `score`
    weighs it and lets older evidence fade."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="expertise")
    tag = models.ForeignKey("taggit.Tag", on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    accepted_answers = models.PositiveIntegerField(default=0)
    answer_likes = models.PositiveIntegerField(default=0)
    draft_downloaders = models.PositiveIntegerField(default=0)
    last_evidence_at = models.DateTimeField()
    computed_at = models.DateTimeField()
    # The person has left (user.is_active is False), kept in step by set_active: a tag's
    # page lists current and former colleagues apart, each along its own index.
    former = models.BooleanField(default=False)

    class Meta:
        ordering = ["-score", "pk"]
        verbose_name_plural = "expertise"
        constraints = [
            models.UniqueConstraint(fields=["user", "tag"], name="expertise_once_per_tag"),
        ]
        indexes = [
            models.Index(fields=["tag", "former", "-score"], name="expertise_tag_score"),
            models.Index(fields=["user", "-score"], name="expertise_user_score"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.tag_id}: {self.score:.2f}"

    @property
    def evidence(self) -> list[str]:
        """The evidence in words; the first phrase names the tag ("14 accepted answers in
        #kubernetes", "30 likes on answers", "5 people downloaded their drafts")."""
        phrases = []
        if self.accepted_answers:
            phrases.append(_count(self.accepted_answers, "accepted answer", "accepted answers"))
        if self.answer_likes:
            phrases.append(_count(self.answer_likes, "like on answers", "likes on answers"))
        if self.draft_downloaders:
            who = _count(self.draft_downloaders, "person", "people")
            phrases.append(f"{who} downloaded their drafts")
        if phrases:
            phrases[0] += f" in #{self.tag.name}"
        return phrases

    @property
    def headline(self) -> str:
        """The strongest evidence, naming the tag: why this person is suggested."""
        phrases = self.evidence
        return phrases[0] if phrases else f"Knows about #{self.tag.name}"

    @property
    def summary(self) -> str:
        return " · ".join(self.evidence)


class HandoverRequest(models.Model):
    """Staff asked a leaving person, and the colleagues suggested to take over, to hand over
    some topics (profiles.actions.ask_for_handover). At most one per person, asker and day
    (the site's time zone): asking again the same day changes nothing."""

    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="handover_requests")
    by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    tags = models.JSONField(default=list)  # tag names, in the order asked
    day = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "by", "day"], name="handover_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.by_id} asked {self.person_id} for a handover on {self.day}"

    @property
    def topics(self) -> str:
        """The tags as shown: "#kubernetes, #helm"."""
        return ", ".join(f"#{name}" for name in self.tags)


class PeopleLog(models.Model):
    """Who did what to a person's standing, when and why: leaving dates, departures,
    returns, anonymisations, refused and done deletions, handover requests. Written by
    profiles.actions only; `detail` holds ids, dates and counts, never names (so that an
    anonymisation leaves no name behind)."""

    class Action(models.TextChoices):
        LEAVING_DATE = "leaving_date", "set the leaving date"
        DEPARTED = "departed", "marked departed"
        RETURNED = "returned", "marked returned"
        ANONYMISED = "anonymised", "anonymised"
        DELETE_REFUSED = "delete_refused", "refused to delete (has content)"
        DELETED = "deleted", "deleted (had no content)"
        HANDOVER = "handover", "asked for a handover"

    by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    user = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="people_log")
    action = models.CharField(max_length=20, choices=Action.choices)
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "people log entry"
        verbose_name_plural = "people log"
        indexes = [models.Index(fields=["user", "-created_at"], name="people_log_user")]

    def __str__(self) -> str:
        return f"{self.by_id} {self.action} {self.user_id}"
