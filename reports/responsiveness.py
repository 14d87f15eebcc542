"""Responsiveness: how fast questions get answered, and which are still waiting.

A question asked in the range counts; it is answered when someone other than the asker has
answered it (answers by the asker are follow-ups). Times run from the question to its first
such answer, and to its accepted answer. There is no acceptance timestamp: the time to the
accepted answer is the time to when that answer was written, a lower bound of when it was
accepted. Medians and 90th percentiles (nearest rank) are over the questions that have one.

One query reads every question of the range with its first answer (a correlated subquery on
the (post, created_at) index), one reads their tags; the rest is Python over those rows.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.text import Truncator

from profiles.models import Department, User
from questions.models import Answer, Community, Post, TaggedPost
from reports import charts
from reports.periods import DateRange, HoursBetween, week_label, week_of
from reports.permissions import ItemTitles, tag_names
from reports.report import Figure, Report, show
from reports.tables import DATE, HOURS, INT, LINK, PCT, TEXT, Column, Table, percent

SLUG = "responsiveness"
TITLE = "Responsiveness"
WITHIN_HOURS = (1, 2, 24)
TOP_TAGS = 20
OLDEST = 20


@dataclass(frozen=True)
class Question:
    pk: int
    asked: datetime
    first: float | None  # hours to the first answer by someone else
    accepted: float | None  # hours to the accepted answer's creation
    community_id: int | None
    department_id: int | None


def _hours(start: datetime, end: datetime | None) -> float | None:
    return None if end is None else max(0.0, (end - start).total_seconds() / 3600)


def _at_least_zero(hours: float | None) -> float | None:
    return None if hours is None else max(0.0, hours)


def read_questions(period: DateRange) -> list[Question]:
    first_answer = (
        Answer.objects.filter(post_id=OuterRef("pk"), deleted_at__isnull=True)
        .exclude(author_id=OuterRef("author_id"))
        .order_by("created_at")
        .values("created_at")[:1]
    )
    rows = (
        Post.objects.alive()
        .questions()
        .filter(created_at__gte=period.start_at, created_at__lt=period.end_at)
        .annotate(
            first=HoursBetween(Subquery(first_answer), F("created_at")),
            accepted=HoursBetween(F("accepted_answer__created_at"), F("created_at")),
            accepted_gone=Q(accepted_answer__deleted_at__isnull=False),
        )
        .values_list(
            "pk",
            "created_at",
            "first",
            "accepted",
            "accepted_gone",
            "community_id",
            "author__profile__department_id",
        )
        .order_by()
    )
    return [
        Question(
            pk,
            asked,
            _at_least_zero(first),
            None if accepted_gone else _at_least_zero(accepted),
            community_id,
            department_id,
        )
        for pk, asked, first, accepted, accepted_gone, community_id, department_id in rows
    ]


def percentile(values: Sequence[float], fraction: float) -> float | None:
    """Nearest-rank percentile: the smallest value with at least `fraction` of the values at
    or below it."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


@dataclass(frozen=True)
class Stats:
    asked: int
    answered: int
    median_first: float | None
    p90_first: float | None
    median_accepted: float | None
    p90_accepted: float | None
    within: dict[int, float | None]  # hours -> percentage of asked answered that fast

    @property
    def unanswered(self) -> int:
        return self.asked - self.answered

    @property
    def answered_pct(self) -> float | None:
        return percent(self.answered, self.asked)

    @classmethod
    def of(cls, questions: Iterable[Question]) -> Stats:
        items = list(questions)
        firsts = [q.first for q in items if q.first is not None]
        accepted = [q.accepted for q in items if q.accepted is not None]
        return cls(
            asked=len(items),
            answered=len(firsts),
            median_first=median(firsts),
            p90_first=percentile(firsts, 0.9),
            median_accepted=median(accepted),
            p90_accepted=percentile(accepted, 0.9),
            within={h: percent(sum(1 for f in firsts if f <= h), len(items)) for h in WITHIN_HOURS},
        )


STAT_COLUMNS = [
    Column("Asked", INT),
    Column("Answered", INT),
    Column("Unanswered", INT),
    Column("Median to first answer", HOURS),
    Column("90th percentile to first answer", HOURS),
    Column("Median to accepted answer", HOURS),
    Column("90th percentile to accepted answer", HOURS),
    *(Column(f"Answered within {h} h", PCT) for h in WITHIN_HOURS),
]


def stat_cells(stats: Stats) -> list[object]:
    return [
        stats.asked,
        stats.answered,
        stats.unanswered,
        stats.median_first,
        stats.p90_first,
        stats.median_accepted,
        stats.p90_accepted,
        *(stats.within[h] for h in WITHIN_HOURS),
    ]


def _breakdown(
    slug: str,
    title: str,
    label: str,
    groups: dict[object, list[Question]],
    name: Callable[[object], str],
) -> Table:
    table = Table(slug, title, [Column(label, TEXT), *STAT_COLUMNS])
    ranked = sorted(groups.items(), key=lambda item: (-len(item[1]), name(item[0]).lower()))
    for key, questions in ranked:
        table.rows.append([name(key), *stat_cells(Stats.of(questions))])
    return table


def build(period: DateRange, viewer: User) -> Report:
    questions = read_questions(period)
    overall = Stats.of(questions)
    report = Report(SLUG, TITLE, period)
    report.figures = [
        Figure("Questions asked", overall.asked, INT),
        Figure("Answered", overall.answered_pct, PCT, f"{overall.unanswered:,} still unanswered"),
        Figure(
            "Median time to first answer",
            overall.median_first,
            HOURS,
            f"90% within {show(overall.p90_first, HOURS)}",
        ),
        Figure(
            "Answered within 24 h",
            overall.within[24],
            PCT,
            f"within 1 h: {show(overall.within[1], PCT)}",
        ),
    ]
    weeks = period.weeks()
    by_week: dict[date, list[Question]] = defaultdict(list)
    zone = timezone.get_current_timezone()
    for q in questions:
        by_week[week_of(q.asked.astimezone(zone).date())].append(q)
    weekly = [Stats.of(by_week.get(w, [])) for w in weeks]
    labels = [week_label(w) for w in weeks]
    report.charts = [
        charts.line_chart(
            title="Questions asked and still unanswered per week",
            labels=labels,
            series=[
                charts.Series("Asked", [s.asked for s in weekly]),
                charts.Series("Still unanswered", [s.unanswered for s in weekly]),
            ],
            y_label="Questions",
            x_label="Week asked",
        ),
        charts.line_chart(
            title="Hours to the first answer per week",
            labels=labels,
            series=[
                charts.Series("Median", [s.median_first for s in weekly]),
                charts.Series("90th percentile", [s.p90_first for s in weekly]),
            ],
            y_label="Hours",
            x_label="Week asked",
            fmt=charts.fmt_hours,
            integer=False,
        ),
    ]
    week_table = Table("weeks", "Per week", [Column("Week of", DATE), *STAT_COLUMNS])
    for week, stats in zip(weeks, weekly, strict=True):
        week_table.rows.append([week, *stat_cells(stats)])
    report.tables = [
        week_table,
        _communities(questions, viewer),
        _tags(questions, period, viewer),
        _departments(questions),
        _oldest_unanswered(questions, viewer),
    ]
    report.notes = [
        "A question is answered when someone other than the asker has answered it.",
        "There is no record of when an answer was accepted: the time to the accepted answer "
        "is the time until the accepted answer was written (it may have been accepted later).",
        "Medians and 90th percentiles are over the questions that have such an answer.",
    ]
    return report


def _communities(questions: list[Question], viewer: User) -> Table:
    groups: dict[object, list[Question]] = defaultdict(list)
    for q in questions:
        groups[q.community_id].append(q)
    titles = ItemTitles(viewer)
    names = dict(
        Community.objects.filter(pk__in=[k for k in groups if k]).values_list("pk", "name")
    )

    def name(key: object) -> str:
        if key is None:
            return "No community"
        assert isinstance(key, int)  # noqa: S101  (community ids)
        return names.get(key, "?") if titles.may_see(key) else f"Private community {key}"

    return _breakdown("communities", "By community", "Community", groups, name)


def _departments(questions: list[Question]) -> Table:
    groups: dict[object, list[Question]] = defaultdict(list)
    for q in questions:
        groups[q.department_id].append(q)
    names = dict(
        Department.objects.filter(pk__in=[k for k in groups if k]).values_list("pk", "name")
    )
    return _breakdown(
        "departments",
        "By the asker's department",
        "Department",
        groups,
        lambda key: names.get(key, "?") if key else "No department",  # type: ignore[call-overload]
    )


def _tags(questions: list[Question], period: DateRange, viewer: User) -> Table:
    by_pk = {q.pk: q for q in questions}
    groups: dict[object, list[Question]] = defaultdict(list)
    rows = TaggedPost.objects.filter(
        content_object__kind=Post.Kind.QUESTION,
        content_object__deleted_at__isnull=True,
        content_object__created_at__gte=period.start_at,
        content_object__created_at__lt=period.end_at,
    ).values_list("content_object_id", "tag_id")
    for post_id, tag_id in rows:
        question = by_pk.get(post_id)
        if question is not None:
            groups[tag_id].append(question)
    top = dict(sorted(groups.items(), key=lambda item: -len(item[1]))[:TOP_TAGS])
    names = tag_names(viewer, [int(pk) for pk in top if isinstance(pk, int)])
    return _breakdown(
        "tags",
        f"By tag (the {TOP_TAGS} most asked about)",
        "Tag",
        top,
        lambda key: names.get(key, "?") if isinstance(key, int) else "?",
    )


def _oldest_unanswered(questions: list[Question], viewer: User) -> Table:
    waiting = sorted((q for q in questions if q.first is None), key=lambda q: q.asked)[:OLDEST]
    posts = Post.objects.only("pk", "kind", "title", "community_id").in_bulk(
        [q.pk for q in waiting]
    )
    titles = ItemTitles(viewer)
    table = Table(
        "unanswered",
        f"Oldest unanswered questions (up to {OLDEST})",
        [Column("Question", LINK), Column("Asked on", DATE), Column("Waiting", HOURS)],
        empty="Every question asked in this period has an answer.",
    )
    now = timezone.now()
    for q in waiting:
        post = posts[q.pk]
        table.rows.append(
            [
                titles.link(
                    title=Truncator(post.title).chars(90),
                    url=post.get_absolute_url(),
                    community_id=post.community_id,
                ),
                timezone.localdate(q.asked),
                _hours(q.asked, now),
            ]
        )
    return table


def headlines(period: DateRange) -> list[Figure]:
    stats = Stats.of(read_questions(period))
    return [
        Figure("Questions asked", stats.asked, INT),
        Figure("Answered", stats.answered_pct, PCT),
        Figure("Median time to first answer", stats.median_first, HOURS),
    ]
