"""Daily and weekly summaries of what people wrote and liked, so that the participation
report and the reports' index read a few thousand summary rows for the closed days of a
range instead of every post, answer and like in it.

* DaySummary: posts and answers per local day, community and writer's department, with
  their sentiment sums.
* DayTagSummary: the same per day and tag (for the most used tags and their sentiment).
* WeekPerson: who posted, answered or liked in each closed week (distinct people per week
  cannot be added up from days).

`refresh()` adds the days from the last one summarised up to yesterday (`warm_reports` runs
it every few minutes, so that is at most a day's work), and `refresh(full=True)` rebuilds
everything (`refresh_summaries --full`, nightly), which also takes in what changed on
earlier days since: deleted posts, a writer's new department, sentiment computed later.
Until then a report may count a post deleted today on the day it was written. Today, and
any day after the last refresh, is always read from the live tables.

A report over a range reads its summarised part from the summaries and the rest from the
live tables, with the same grouping, so the two add up to exactly what reading everything
live would give (tests/reports/test_summaries.py checks that).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count, FloatField, Min, Q, QuerySet, Sum
from django.utils import timezone

from questions.models import Answer, Like, Post
from reports.models import DaySummary, DayTagSummary, SummaryState, WeekPerson
from reports.periods import EPOCH, DateRange, LocalDay, LocalWeek, day_to_date

NAME = "activity"
CHUNK_DAYS = 91
BATCH = 2_000


def through() -> date | None:
    """The last day the summaries hold, or None before the first refresh."""
    return SummaryState.objects.filter(name=NAME).values_list("through", flat=True).first()


@dataclass(frozen=True)
class Split:
    """A range cut into the days read from the summaries and the days read live."""

    summarised: DateRange | None
    live: DateRange | None


def split(period: DateRange, last: date | None) -> Split:
    if last is None or last < period.start:
        return Split(None, period)
    if last >= period.end:
        return Split(period, None)
    return Split(DateRange(period.start, last), DateRange(last + timedelta(days=1), period.end))


@dataclass(frozen=True)
class WeekSplit:
    """A range cut into whole summarised weeks (LocalWeek numbers, both included) and the
    days around them, read live."""

    weeks: tuple[int, int] | None
    live: list[DateRange] = field(default_factory=list)


def week_number(day: date) -> int:
    return ((day - EPOCH).days + 3) // 7


def split_weeks(period: DateRange, last: date | None) -> WeekSplit:
    first_monday = period.start + timedelta(days=(7 - period.start.weekday()) % 7)
    end = min(period.end, last) if last else None
    if end is None:
        return WeekSplit(None, [period])
    last_sunday = end - timedelta(days=(end.weekday() + 1) % 7)
    if last_sunday < first_monday:
        return WeekSplit(None, [period])
    live = []
    if first_monday > period.start:
        live.append(DateRange(period.start, first_monday - timedelta(days=1)))
    if last_sunday < period.end:
        live.append(DateRange(last_sunday + timedelta(days=1), period.end))
    return WeekSplit((week_number(first_monday), week_number(last_sunday)), live)


# Live queries, shared by refresh() and by the reports for the days not summarised.


def _in(period: DateRange) -> dict[str, Any]:
    return {"created_at__gte": period.start_at, "created_at__lt": period.end_at}


def live_posts(period: DateRange) -> QuerySet[Post]:
    return Post.objects.alive().filter(**_in(period))


def live_answers(period: DateRange) -> QuerySet[Answer]:
    return Answer.objects.filter(
        deleted_at__isnull=True, post__deleted_at__isnull=True, **_in(period)
    )


def live_likes(period: DateRange) -> QuerySet[Like]:
    return Like.objects.filter(**_in(period))


# (kind, community, department, day, n, sentiment sum, scored)
DayRow = tuple[str, int | None, int | None, int, int, float, int]
# (kind, tag, day, n, sentiment sum, scored)
TagRow = tuple[str, int, int, int, float, int]


def _scored(queryset: QuerySet[Any]) -> QuerySet[Any]:
    return queryset.annotate(
        n=Count("pk"), s=Sum("sentiment", output_field=FloatField()), scored=Count("sentiment")
    ).order_by()


def live_day_rows(period: DateRange) -> Iterator[DayRow]:
    """Posts and answers per day, community and department, read live."""
    for kind, queryset, community, department in (
        ("posts", live_posts(period), "community_id", "author__profile__department_id"),
        ("answers", live_answers(period), "post__community_id", "author__profile__department_id"),
    ):
        grouped = _scored(
            queryset.values_list(community, department, LocalDay("created_at", within=period))
        )
        for c, d, day, n, s, scored in grouped:
            yield (kind, c, d, day, n, s or 0.0, scored)


def live_tag_rows(period: DateRange, tags: list[int] | None = None) -> Iterator[TagRow]:
    """Posts and answers per day and tag of the post, read live (only `tags` if given:
    filtered here, since a tag filter in SQL can lead the database to read every post of
    the tag instead of the range's few)."""
    wanted = set(tags) if tags is not None else None
    for kind, queryset, tag in (
        ("posts", live_posts(period), "tagged__tag_id"),
        ("answers", live_answers(period), "post__tagged__tag_id"),
    ):
        grouped = _scored(
            queryset.filter(**{f"{tag}__isnull": False}).values_list(
                tag, LocalDay("created_at", within=period)
            )
        )
        for t, day, n, s, scored in grouped:
            if wanted is None or t in wanted:
                yield (kind, t, day, n, s or 0.0, scored)


def live_week_people(period: DateRange) -> dict[tuple[int, int], set[str]]:
    """{(week, person): {"p", "a", "l"}}: who posted, answered and liked, per week, live."""

    def week() -> LocalWeek:
        return LocalWeek(LocalDay("created_at", within=period))

    found: dict[tuple[int, int], set[str]] = {}
    for role, queryset, person in (
        ("p", live_posts(period), "author_id"),
        ("a", live_answers(period), "author_id"),
        ("l", live_likes(period), "user_id"),
    ):
        rows = queryset.order_by().values_list(week(), person).distinct()
        for w, pk in rows:
            found.setdefault((w, pk), set()).add(role)
    return found


# Reading the summaries.


@dataclass
class Tally:
    """What a range's posts and answers add up to, at the levels the participation report
    shows: per kind and week, community, department; sentiment sums and scored counts per
    community and month."""

    weeks: Counter[tuple[str, int]] = field(default_factory=Counter)
    communities: Counter[tuple[str, int | None]] = field(default_factory=Counter)
    departments: Counter[tuple[str, int | None]] = field(default_factory=Counter)
    sentiment: defaultdict[tuple[int | None, date], float] = field(
        default_factory=lambda: defaultdict(float)
    )
    scored: Counter[tuple[int | None, date]] = field(default_factory=Counter)

    def written(self) -> int:
        return sum(self.communities.values())

    def add_live(self, period: DateRange) -> None:
        months: dict[int, date] = {}
        for kind, c, d, day, n, s, scored in live_day_rows(period):
            self.weeks[(kind, (day + 3) // 7)] += n
            self.communities[(kind, c)] += n
            self.departments[(kind, d)] += n
            if scored:
                month = months.setdefault(day, day_to_date(day).replace(day=1))
                self.sentiment[(c, month)] += s
                self.scored[(c, month)] += scored

    def add_summarised(self, period: DateRange) -> None:
        rows = DaySummary.objects.filter(day__gte=period.start, day__lte=period.end).order_by()
        for target, fields in (
            (self.weeks, ("kind", "week")),
            (self.communities, ("kind", "community_id")),
            (self.departments, ("kind", "department_id")),
        ):
            for a, b, n in rows.values_list(*fields).annotate(total=Sum("n")):
                target[(a, b)] += n
        sums = rows.filter(scored__gt=0).values_list("community_id", "month")
        for c, month, s, scored in sums.annotate(s=Sum("sentiment_sum"), k=Sum("scored")):
            self.sentiment[(c, month)] += s
            self.scored[(c, month)] += scored


def tally(period: DateRange) -> Tally:
    """Posts and answers of the range, from the summaries and the live tables."""
    parts = split(period, through())
    found = Tally()
    if parts.summarised:
        found.add_summarised(parts.summarised)
    if parts.live:
        found.add_live(parts.live)
    return found


def tag_sentiment(
    period: DateRange, tags: list[int]
) -> tuple[dict[tuple[int, date], float], Counter[tuple[int, date]]]:
    """Sentiment sums and scored counts per (tag, month) of posts and answers with `tags`."""
    parts = split(period, through())
    sums: defaultdict[tuple[int, date], float] = defaultdict(float)
    scored: Counter[tuple[int, date]] = Counter()
    if parts.summarised:
        rows = (
            DayTagSummary.objects.filter(
                day__gte=parts.summarised.start,
                day__lte=parts.summarised.end,
                tag_id__in=tags,
                scored__gt=0,
            )
            .values_list("tag_id", "month")
            .annotate(s=Sum("sentiment_sum"), k=Sum("scored"))
            .order_by()
        )
        for tag, month, s, k in rows:
            sums[(tag, month)] += s
            scored[(tag, month)] += k
    if parts.live:
        for _, tag, day, _, s, k in live_tag_rows(parts.live, tags):
            if k:
                month = day_to_date(day).replace(day=1)
                sums[(tag, month)] += s
                scored[(tag, month)] += k
    return sums, scored


def top_tags(period: DateRange, limit: int) -> list[int]:
    """The tags with most posts written in the range."""
    parts = split(period, through())
    counts: dict[int, int] = {}
    if parts.summarised:
        summarised = (
            DayTagSummary.objects.filter(
                kind="posts", day__gte=parts.summarised.start, day__lte=parts.summarised.end
            )
            .values_list("tag_id")
            .annotate(total=Sum("n"))
            .order_by()
        )
        for tag, n in summarised:
            counts[tag] = counts.get(tag, 0) + n
    if parts.live:
        live = (
            live_posts(parts.live)
            .filter(tagged__isnull=False)
            .values_list("tagged__tag_id")
            .annotate(total=Count("pk"))
            .order_by()
        )
        for tag, n in live:
            counts[tag] = counts.get(tag, 0) + n
    return sorted(counts, key=lambda t: (-counts[t], t))[:limit]


@dataclass(frozen=True)
class WeekCounts:
    active: int
    posters: int
    answerers: int
    likers: int


def week_counts(period: DateRange) -> dict[int, WeekCounts]:
    """Distinct active people, posters, answerers and likers per week of the range (a week
    cut by the range's ends counts only its days inside it)."""
    parts = split_weeks(period, through())
    found: dict[int, WeekCounts] = {}
    if parts.weeks:
        rows = (
            WeekPerson.objects.filter(week__gte=parts.weeks[0], week__lte=parts.weeks[1])
            .values_list("week")
            .annotate(
                active=Count("pk"),
                posters=Count("pk", filter=Q(posted=True)),
                answerers=Count("pk", filter=Q(answered=True)),
                likers=Count("pk", filter=Q(liked=True)),
            )
            .order_by()
        )
        for w, active, posters, answerers, likers in rows:
            found[w] = WeekCounts(active, posters, answerers, likers)
    for live in parts.live:
        roles: dict[int, list[int]] = {}
        for (w, _), did in live_week_people(live).items():
            counts = roles.setdefault(w, [0, 0, 0, 0])
            counts[0] += 1
            for i, role in enumerate("pal", start=1):
                counts[i] += role in did
        for w, (active, posters, answerers, likers) in roles.items():
            found[w] = WeekCounts(active, posters, answerers, likers)
    return found


def active_people(period: DateRange) -> int:
    """Distinct people who posted, answered or liked in the range."""
    parts = split_weeks(period, through())
    people: set[int] = set()
    if parts.weeks:
        people.update(
            WeekPerson.objects.filter(week__gte=parts.weeks[0], week__lte=parts.weeks[1])
            .values_list("person_id", flat=True)
            .distinct()
        )
    for live in parts.live:
        for queryset, person in (
            (live_posts(live), "author_id"),
            (live_answers(live), "author_id"),
            (live_likes(live), "user_id"),
        ):
            people.update(queryset.order_by().values_list(person, flat=True).distinct())
    return len(people)


# Keeping them.


@dataclass
class Refreshed:
    start: date | None = None
    end: date | None = None
    days: int = 0
    weeks: int = 0
    rows: int = 0


def _first_day() -> date | None:
    firsts = [
        Post.objects.aggregate(first=Min("created_at"))["first"],
        Answer.objects.aggregate(first=Min("created_at"))["first"],
        Like.objects.aggregate(first=Min("created_at"))["first"],
    ]
    found = [timezone.localtime(moment).date() for moment in firsts if moment is not None]
    return min(found) if found else None


def _chunks(start: date, end: date, days: int) -> Iterator[DateRange]:
    while start <= end:
        last = min(end, start + timedelta(days=days - 1))
        yield DateRange(start, last)
        start = last + timedelta(days=1)


def refresh(*, full: bool = False, today: date | None = None, progress: Any = None) -> Refreshed:
    """Summarise every day up to yesterday not summarised yet (all of them if `full`).

    Writes in one transaction: readers see the old summaries or the new ones, never a mix.
    `progress`, if given, is called with the number of days done after each chunk."""
    yesterday = (today or timezone.localdate()) - timedelta(days=1)
    last = None if full else through()
    first = _first_day()
    start = last + timedelta(days=1) if last else first
    done = Refreshed()
    if start is None or start > yesterday:
        if last is None:
            _save_state(yesterday)
        return done
    done.start, done.end = start, yesterday
    week_start = start - timedelta(days=start.weekday())
    with transaction.atomic():
        if last is None:
            DaySummary.objects.all().delete()
            DayTagSummary.objects.all().delete()
            WeekPerson.objects.all().delete()
        else:
            DaySummary.objects.filter(day__gte=start).delete()
            DayTagSummary.objects.filter(day__gte=start).delete()
            WeekPerson.objects.filter(week__gte=week_number(week_start)).delete()
        for chunk in _chunks(start, yesterday, CHUNK_DAYS):
            days = [
                DaySummary(
                    day=day_to_date(day),
                    week=(day + 3) // 7,
                    month=day_to_date(day).replace(day=1),
                    kind=kind,
                    community_id=c,
                    department_id=d,
                    n=n,
                    sentiment_sum=s,
                    scored=scored,
                )
                for kind, c, d, day, n, s, scored in live_day_rows(chunk)
            ]
            tags = [
                DayTagSummary(
                    day=day_to_date(day),
                    month=day_to_date(day).replace(day=1),
                    kind=kind,
                    tag_id=t,
                    n=n,
                    sentiment_sum=s,
                    scored=scored,
                )
                for kind, t, day, n, s, scored in live_tag_rows(chunk)
            ]
            DaySummary.objects.bulk_create(days, batch_size=BATCH)
            DayTagSummary.objects.bulk_create(tags, batch_size=BATCH)
            done.rows += len(days) + len(tags)
            done.days += chunk.days
            if progress:
                progress(chunk.days)
        # Whole weeks only: a week is summarised once its Sunday is.
        last_sunday = yesterday - timedelta(days=(yesterday.weekday() + 1) % 7)
        for chunk in _chunks(week_start, last_sunday, CHUNK_DAYS // 7 * 7):
            people = [
                WeekPerson(
                    week=w, person_id=pk, posted="p" in did, answered="a" in did, liked="l" in did
                )
                for (w, pk), did in live_week_people(chunk).items()
            ]
            WeekPerson.objects.bulk_create(people, batch_size=BATCH)
            done.rows += len(people)
            done.weeks += chunk.days // 7
        _save_state(yesterday)
    return done


def _save_state(day: date) -> None:
    SummaryState.objects.update_or_create(
        name=NAME, defaults={"through": day, "built_at": timezone.now()}
    )
