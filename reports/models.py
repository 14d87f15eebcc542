"""Daily summaries the participation report and the reports' index read instead of every
post, answer and like (see reports.summaries for how they are kept), and the nudges about
waiting questions (reports.nudges).

In the summaries, ids of communities, departments, tags and people are plain integers, not
foreign keys: a summary is a count, it must never block or cascade a deletion, and a stale
id only names a group that no longer exists.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from profiles.models import User


class DaySummary(models.Model):
    """Posts or answers written on one local day, in one community, by people of one
    department: how many, and the sum and count of their sentiment scores."""

    day = models.DateField()
    week = models.IntegerField()  # reports.periods.LocalWeek of the day
    month = models.DateField()  # the first of the day's month
    kind = models.CharField(max_length=8)  # "posts" or "answers"
    community_id = models.IntegerField(null=True)
    department_id = models.IntegerField(null=True)
    n = models.IntegerField()
    sentiment_sum = models.FloatField()
    scored = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["day"], name="day_summary_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.kind}: {self.n}"


class DayTagSummary(models.Model):
    """Posts (or answers to posts) with one tag written on one local day: how many, and the
    sum and count of their sentiment scores."""

    day = models.DateField()
    month = models.DateField()
    kind = models.CharField(max_length=8)
    tag_id = models.IntegerField()
    n = models.IntegerField()
    sentiment_sum = models.FloatField()
    scored = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["day", "tag_id"], name="day_tag_summary_day")]

    def __str__(self) -> str:
        return f"{self.day} #{self.tag_id} {self.kind}: {self.n}"


class WeekPerson(models.Model):
    """Someone who posted, answered or liked something in one whole local week (the week
    number of reports.periods.LocalWeek): one row per person and week, what they did."""

    week = models.IntegerField()
    person_id = models.IntegerField()
    posted = models.BooleanField(default=False)
    answered = models.BooleanField(default=False)
    liked = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["week", "person_id"], name="week_person_once")
        ]

    def __str__(self) -> str:
        return f"week {self.week}: {self.person_id}"


class SummaryState(models.Model):
    """How far the summaries reach: every local day up to `through` (included) is in them,
    and every week whose Sunday is on or before it."""

    name = models.CharField(max_length=40, primary_key=True)
    through = models.DateField()
    built_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} through {self.through}"


class Nudge(models.Model):
    """A person was offered a waiting question (see reports.nudges.nudge_waiting_questions):
    at most once per question and person; the rows of a day enforce the daily cap.

    The model came from profiles (reports 0002): its table keeps that app's name."""

    post = models.ForeignKey("questions.Post", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="nudges")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "profiles_nudge"
        constraints = [
            models.UniqueConstraint(fields=["post", "user"], name="nudge_once_per_question"),
        ]
        indexes = [models.Index(fields=["user", "created_at"], name="nudge_user_day")]

    def __str__(self) -> str:
        return f"{self.user_id} nudged about {self.post_id}"
