"""Participation, share of voice and sentiment.

* Per week: active people (who posted, answered or liked anything), posters, answerers and
  likers; posts and answers written. One GROUP BY over the UNION of (week, person, role)
  rows of the three tables.
* Share of voice: who writes the range's posts and answers, by the writer's department and
  by community.
* Sentiment: the average stored sentiment (reports.sentiment, -1..1) of posts and answers
  per month, per community and per tag (the most active ones), with the biggest changes
  from one month to the next said in words. A month needs MIN_ITEMS scored items to get a
  point: an average of two answers is noise.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection
from django.db.models import CharField, Count, F, FloatField, QuerySet, Sum, Value
from django.utils import timezone
from taggit.models import Tag

from profiles.models import User
from questions.models import Answer, Community, Like, Post, TaggedPost
from reports import charts
from reports.periods import (
    DateRange,
    LocalDay,
    LocalWeek,
    day_to_date,
    month_label,
    month_of,
    week_label,
    week_to_date,
)
from reports.permissions import ItemTitles
from reports.report import Figure, Report
from reports.tables import DATE, INT, PCT, SCORE, TEXT, Column, Table, percent

SLUG = "participation"
TITLE = "Participation and sentiment"
MIN_ITEMS = 3
TOP_GROUPS = 6  # communities and tags drawn in the sentiment charts
CALLOUTS = 3
MIN_CHANGE = 0.05


def _in(period: DateRange) -> dict[str, Any]:
    return {"created_at__gte": period.start_at, "created_at__lt": period.end_at}


def _posts(period: DateRange) -> QuerySet[Post]:
    return Post.objects.alive().filter(**_in(period))


def _answers(period: DateRange) -> QuerySet[Answer]:
    return Answer.objects.filter(
        deleted_at__isnull=True, post__deleted_at__isnull=True, **_in(period)
    )


def _likes(period: DateRange) -> QuerySet[Like]:
    return Like.objects.filter(**_in(period))


@dataclass(frozen=True)
class Week:
    monday: date
    active: int = 0
    posters: int = 0
    answerers: int = 0
    likers: int = 0
    posts: int = 0
    answers: int = 0


def weekly(period: DateRange, written: Written | None = None) -> list[Week]:
    """Distinct people per week and role (one query), and what they wrote (from `written`,
    read here when not given)."""

    def week() -> LocalWeek:
        return LocalWeek(LocalDay("created_at", within=period))

    parts: list[QuerySet[Any]] = [
        _posts(period).order_by().values(w=week(), u=F("author_id"), r=Value("p", CharField())),
        _answers(period).order_by().values(w=week(), u=F("author_id"), r=Value("a", CharField())),
        _likes(period).order_by().values(w=week(), u=F("user_id"), r=Value("l", CharField())),
    ]
    compiled = [part.query.sql_with_params() for part in parts]
    # Only the compiled querysets are formatted in; every value goes as a parameter.
    sql = (
        "SELECT s.w, COUNT(DISTINCT s.u), "  # noqa: S608
        "COUNT(DISTINCT CASE WHEN s.r = 'p' THEN s.u END), "
        "COUNT(DISTINCT CASE WHEN s.r = 'a' THEN s.u END), "
        "COUNT(DISTINCT CASE WHEN s.r = 'l' THEN s.u END) "
        f"FROM ({' UNION '.join(part_sql for part_sql, _ in compiled)}) s GROUP BY s.w"
    )
    params = [param for _, part_params in compiled for param in part_params]
    people: dict[int, tuple[int, int, int, int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for w, active, posters, answerers, likers in cursor.fetchall():
            people[w] = (active, posters, answerers, likers)
    per_week = (written or Written.read(period)).per_week()
    weeks = []
    for monday in period.weeks():
        w = (monday - week_to_date(0)).days // 7
        active, posters, answerers, likers = people.get(w, (0, 0, 0, 0))
        weeks.append(
            Week(
                monday,
                active,
                posters,
                answerers,
                likers,
                per_week.get(("posts", w), 0),
                per_week.get(("answers", w), 0),
            )
        )
    return weeks


@dataclass
class Written:
    """Posts and answers per community and day, with their scored sentiment: weekly counts,
    share of voice by community and sentiment per community all come from these two GROUP
    BYs."""

    rows: list[tuple[str, int | None, int, int, float, int]]  # kind, community, day, n, sum, scored

    @classmethod
    def read(cls, period: DateRange) -> Written:
        rows: list[tuple[str, int | None, int, int, float, int]] = []
        for kind, queryset, community in (
            ("posts", _posts(period), "community_id"),
            ("answers", _answers(period), "post__community_id"),
        ):
            grouped = (
                queryset.values_list(community, LocalDay("created_at", within=period))
                .annotate(
                    n=Count("pk"),
                    s=Sum("sentiment", output_field=FloatField()),
                    scored=Count("sentiment"),
                )
                .order_by()
            )
            rows += [(kind, c, day, n, s or 0.0, scored) for c, day, n, s, scored in grouped]
        return cls(rows)

    def per_week(self) -> dict[tuple[str, int], int]:
        weeks: dict[tuple[str, int], int] = defaultdict(int)
        for kind, _, day, n, _, _ in self.rows:
            weeks[(kind, (day + 3) // 7)] += n
        return weeks

    def per_community(self) -> dict[tuple[str, int | None], int]:
        found: dict[tuple[str, int | None], int] = defaultdict(int)
        for kind, community, _, n, _, _ in self.rows:
            found[(kind, community)] += n
        return found

    def sentiment(self) -> Sentiment:
        total: dict[tuple[object, date], float] = defaultdict(float)
        items: dict[tuple[object, date], int] = defaultdict(int)
        for _, community, day, _, s, scored in self.rows:
            if scored:
                key = (community, month_of(day_to_date(day)))
                total[key] += s
                items[key] += scored
        return Sentiment(total, items)


@dataclass
class Sentiment:
    """Sums and counts of scored items per group and month."""

    total: dict[tuple[object, date], float]
    items: dict[tuple[object, date], int]

    def average(self, group: object, month: date) -> float | None:
        n = self.items.get((group, month), 0)
        return round(self.total[(group, month)] / n, 3) if n >= MIN_ITEMS else None

    def volume(self, group: object) -> int:
        return sum(n for (g, _), n in self.items.items() if g == group)

    def groups(self) -> list[object]:
        return sorted({g for g, _ in self.items}, key=lambda g: -self.volume(g))


def _sentiment(rows: list[QuerySet[Any]]) -> Sentiment:
    total: dict[tuple[object, date], float] = defaultdict(float)
    items: dict[tuple[object, date], int] = defaultdict(int)
    for queryset in rows:
        for group, day, s, n in queryset:
            key = (group, month_of(day_to_date(day)))
            total[key] += s or 0.0
            items[key] += n
    return Sentiment(total, items)


def sentiment_by_tag(period: DateRange) -> Sentiment:
    """Sentiment per month in the range's most used tags."""
    top = _top_tags(period)
    posts = _posts(period).filter(sentiment__isnull=False, tagged__tag_id__in=top)
    answers = _answers(period).filter(sentiment__isnull=False, post__tagged__tag_id__in=top)

    def grouped(queryset: QuerySet[Any], key: str) -> QuerySet[Any]:
        return (
            queryset.values_list(key, LocalDay("created_at", within=period))
            .annotate(s=Sum("sentiment", output_field=FloatField()), n=Count("pk"))
            .order_by()
        )

    return _sentiment([grouped(posts, "tagged__tag_id"), grouped(answers, "post__tagged__tag_id")])


def _top_tags(period: DateRange) -> list[int]:
    """The tags with most posts in the range (one GROUP BY on the tag index)."""
    return list(
        TaggedPost.objects.filter(
            content_object__deleted_at__isnull=True,
            content_object__created_at__gte=period.start_at,
            content_object__created_at__lt=period.end_at,
        )
        .values_list("tag_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "tag_id")
        .values_list("tag_id", flat=True)[:TOP_GROUPS]
    )


def callouts(
    sentiment: Sentiment, names: dict[object, str], months: list[date]
) -> list[tuple[float, str]]:
    """The biggest changes from the month before to the range's last month, in words, with
    their size: [(0.26, "#kubernetes sentiment fell from 0.31 to 0.05 this month")]."""
    if len(months) < 2:
        return []
    last, before = months[-1], months[-2]
    today = timezone.localdate()
    when = "this month" if last == month_of(today) else f"in {month_label(last)}"
    changes = []
    for group, name in names.items():
        now, then = sentiment.average(group, last), sentiment.average(group, before)
        if now is None or then is None or abs(now - then) < MIN_CHANGE:
            continue
        changes.append((abs(now - then), name, then, now))
    changes.sort(key=lambda change: (-change[0], change[1]))
    return [
        (size, f"{name} sentiment {_moved(then, now)} from {then:.2f} to {now:.2f} {when}")
        for size, name, then, now in changes[:CALLOUTS]
    ]


def _moved(then: float, now: float) -> str:
    return "rose" if now > then else "fell"


def _community_names(ids: list[object], viewer: User) -> dict[object, str]:
    titles = ItemTitles(viewer)
    found = dict(Community.objects.filter(pk__in=[i for i in ids if i]).values_list("pk", "name"))
    names: dict[object, str] = {}
    for pk in ids:
        if pk is None:
            names[pk] = "No community"
        elif isinstance(pk, int) and titles.may_see(pk):
            names[pk] = found.get(pk, "?")
        else:
            names[pk] = f"Private community {pk}"
    return names


def build(period: DateRange, viewer: User) -> Report:
    written = Written.read(period)
    weeks = weekly(period, written)
    months = period.months()
    report = Report(SLUG, TITLE, period)
    by_community = written.sentiment()
    by_tag = sentiment_by_tag(period)
    community_names = _community_names(by_community.groups(), viewer)
    tag_names = {
        pk: f"#{name}"
        for pk, name in Tag.objects.filter(pk__in=by_tag.groups()).values_list("pk", "name")
    }
    active = [w.active for w in weeks if w.active]
    report.figures = [
        Figure(
            "Active people per week",
            round(sum(active) / len(active)) if active else 0,
            INT,
            f"posted, answered or liked (on average; at most {max(active, default=0):,})",
        ),
        Figure("Posts", sum(w.posts for w in weeks), INT),
        Figure("Answers", sum(w.answers for w in weeks), INT),
        Figure("Average sentiment", _overall(by_community), SCORE, "-1 negative, +1 positive"),
    ]
    labels = [week_label(w.monday) for w in weeks]
    voice = _voice(period, viewer, written)
    report.charts = [
        charts.line_chart(
            title="People taking part per week",
            labels=labels,
            series=[
                charts.Series("Active", active),
                charts.Series("Posters", [w.posters for w in weeks]),
                charts.Series("Answerers", [w.answerers for w in weeks]),
                charts.Series("Likers", [w.likers for w in weeks]),
            ],
            y_label="People",
            x_label="Week",
        ),
        charts.hbar_chart(
            title="Share of posts by department",
            items=[(row[0], row[3] or 0) for row in voice[0].rows[:12]],
            x_label="Share of the period's posts",
            fmt=charts.fmt_pct,
            integer=False,
        ),
        _sentiment_chart("Sentiment per community", by_community, community_names, months),
        _sentiment_chart("Sentiment per tag", by_tag, tag_names, months),
    ]
    changes = callouts(by_community, community_names, months)
    changes += callouts(by_tag, tag_names, months)
    report.callouts = [text for _, text in sorted(changes, key=lambda c: -c[0])[:CALLOUTS]]
    week_table = Table(
        "weeks",
        "Per week",
        [
            Column("Week of", DATE),
            Column("Active people", INT),
            Column("Posters", INT),
            Column("Answerers", INT),
            Column("Likers", INT),
            Column("Posts", INT),
            Column("Answers", INT),
        ],
    )
    for w in weeks:
        week_table.rows.append(
            [w.monday, w.active, w.posters, w.answerers, w.likers, w.posts, w.answers]
        )
    report.tables = [
        week_table,
        *voice,
        _sentiment_table(by_community, community_names, by_tag, tag_names, months),
    ]
    report.notes = [
        "Active people posted, answered or liked something that week; reading alone is "
        "not counted here (see the retained knowledge report for views).",
        "Sentiment is VADER's compound score of each post's and answer's text, computed when "
        f"it is written: -1 is most negative, +1 most positive. A month needs {MIN_ITEMS} "
        "scored items to get a point.",
    ]
    return report


def _overall(sentiment: Sentiment) -> float | None:
    n = sum(sentiment.items.values())
    return round(sum(sentiment.total.values()) / n, 2) if n else None


def _sentiment_chart(
    title: str, sentiment: Sentiment, names: dict[object, str], months: list[date]
) -> charts.Chart:
    series = [
        charts.Series(names.get(group, "?"), [sentiment.average(group, m) for m in months])
        for group in sentiment.groups()[:TOP_GROUPS]
    ]
    return charts.line_chart(
        title=title,
        labels=[month_label(m) for m in months],
        series=series,
        y_label="Average sentiment",
        x_label="Month",
        fmt=charts.fmt_score,
        integer=False,
    )


def _voice(period: DateRange, viewer: User, written: Written) -> list[Table]:
    """Posts and answers by the writer's department and by community."""
    by_department: dict[tuple[str, object], int] = {}
    for kind, queryset in (("posts", _posts(period)), ("answers", _answers(period))):
        grouped = queryset.values_list("author__profile__department__name").annotate(n=Count("pk"))
        for name, n in grouped.order_by():
            by_department[(kind, name)] = n
    by_community: dict[tuple[str, object], int] = {
        key: n for key, n in written.per_community().items()
    }
    community_keys = list({key for _, key in by_community})
    return [
        _voice_table(
            "departments",
            "Share of voice by department",
            "Department",
            by_department,
            {key: str(key or "No department") for _, key in by_department},
        ),
        _voice_table(
            "communities",
            "Share of voice by community",
            "Community",
            by_community,
            _community_names(community_keys, viewer),
        ),
    ]


def _voice_table(
    slug: str,
    title: str,
    label: str,
    counts: dict[tuple[str, object], int],
    names: dict[object, str],
) -> Table:
    table = Table(
        slug,
        title,
        [
            Column(label, TEXT),
            Column("Posts", INT),
            Column("Answers", INT),
            Column("Share of posts", PCT),
            Column("Share of answers", PCT),
        ],
    )
    all_posts = sum(n for (kind, _), n in counts.items() if kind == "posts")
    all_answers = sum(n for (kind, _), n in counts.items() if kind == "answers")
    keys = {key for _, key in counts}
    for key in sorted(keys, key=lambda k: (-counts.get(("posts", k), 0), str(names[k]))):
        posts, answers = counts.get(("posts", key), 0), counts.get(("answers", key), 0)
        table.rows.append(
            [names[key], posts, answers, percent(posts, all_posts), percent(answers, all_answers)]
        )
    return table


def _sentiment_table(
    by_community: Sentiment,
    community_names: dict[object, str],
    by_tag: Sentiment,
    tag_names: dict[object, str],
    months: list[date],
) -> Table:
    table = Table(
        "sentiment",
        "Sentiment per month",
        [
            Column("Community or tag", TEXT),
            Column("Month", TEXT),
            Column("Scored items", INT),
            Column("Average sentiment", SCORE),
            Column("Change from the month before", SCORE),
        ],
        note=f"Months with fewer than {MIN_ITEMS} scored items have no average.",
    )
    for sentiment, names in ((by_community, community_names), (by_tag, tag_names)):
        for group in sentiment.groups():
            previous: float | None = None
            for month in months:
                n = sentiment.items.get((group, month), 0)
                if not n:
                    previous = None
                    continue
                average = sentiment.average(group, month)
                change = (
                    round(average - previous, 3)
                    if average is not None and previous is not None
                    else None
                )
                table.rows.append([names.get(group, "?"), month_label(month), n, average, change])
                previous = average
    return table


def active_people(period: DateRange) -> int:
    """Distinct people who posted, answered or liked in the range."""
    people = (
        _posts(period)
        .order_by()
        .values("author_id")
        .union(
            _answers(period).order_by().values("author_id"),
            _likes(period).order_by().values("user_id"),
        )
    )
    return people.count()


def headlines(period: DateRange) -> list[Figure]:
    written = _posts(period).count() + _answers(period).count()
    return [
        Figure("Active people", active_people(period), INT, "posted, answered or liked"),
        Figure("Posts and answers", written, INT),
    ]
