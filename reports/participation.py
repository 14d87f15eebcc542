"""Participation, share of voice and sentiment.

* Per week: active people (who posted, answered or liked anything), posters, answerers and
  likers; posts and answers written.
* Share of voice: who writes the range's posts and answers, by the writer's department and
  by community.
* Sentiment: the average stored sentiment (intranet.lib.sentiment, -1..1) of posts and answers
  per month, per community and per tag (the most active ones), with the biggest changes
  from one month to the next said in words. A month needs MIN_ITEMS scored items to get a
  point: an average of two answers is noise.

Everything is read through reports.summaries: the daily and weekly summaries for the days
they hold, the live tables for the rest (today, and the days since the last refresh).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from profiles.models import Department, User
from questions.models import Community
from reports import charts, summaries
from reports.periods import (
    DateRange,
    month_label,
    month_of,
    week_label,
    week_to_date,
)
from reports.permissions import ItemTitles
from reports.permissions import tag_names as names_of_tags
from reports.report import Figure, Report
from reports.tables import DATE, INT, PCT, SCORE, TEXT, Column, Table, percent

SLUG = "participation"
TITLE = "Participation and sentiment"
MIN_ITEMS = 3
TOP_GROUPS = 6  # communities and tags drawn in the sentiment charts
CALLOUTS = 3
MIN_CHANGE = 0.05


@dataclass(frozen=True)
class Week:
    monday: date
    active: int = 0
    posters: int = 0
    answerers: int = 0
    likers: int = 0
    posts: int = 0
    answers: int = 0


def weekly(period: DateRange, written: summaries.Tally | None = None) -> list[Week]:
    """Distinct people per week and role, and what they wrote (from `written`, read here
    when not given)."""
    people = summaries.week_counts(period)
    per_week = (written or summaries.tally(period)).weeks
    weeks = []
    for monday in period.weeks():
        w = (monday - week_to_date(0)).days // 7
        counts = people.get(w, summaries.WeekCounts(0, 0, 0, 0))
        weeks.append(
            Week(
                monday,
                counts.active,
                counts.posters,
                counts.answerers,
                counts.likers,
                per_week.get(("posts", w), 0),
                per_week.get(("answers", w), 0),
            )
        )
    return weeks


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


def sentiment_by_tag(period: DateRange) -> Sentiment:
    """Sentiment per month in the range's most used tags."""
    sums, scored = summaries.tag_sentiment(period, summaries.top_tags(period, TOP_GROUPS))
    return Sentiment({k: v for k, v in sums.items()}, {k: v for k, v in scored.items()})


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
    written = summaries.tally(period)
    weeks = weekly(period, written)
    months = period.months()
    report = Report(SLUG, TITLE, period)
    by_community = Sentiment(
        {k: v for k, v in written.sentiment.items()}, {k: v for k, v in written.scored.items()}
    )
    by_tag = sentiment_by_tag(period)
    community_names = _community_names(by_community.groups(), viewer)
    tag_names: dict[object, str] = {
        pk: name
        for pk, name in names_of_tags(
            viewer, [g for g in by_tag.groups() if isinstance(g, int)]
        ).items()
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


def _voice(period: DateRange, viewer: User, written: summaries.Tally) -> list[Table]:
    """Posts and answers by the writer's department and by community."""
    by_department: dict[tuple[str, object], int] = {
        key: n for key, n in written.departments.items()
    }
    departments: dict[object, str] = dict(
        Department.objects.filter(pk__in={key for _, key in by_department if key}).values_list(
            "pk", "name"
        )
    )
    by_community: dict[tuple[str, object], int] = {key: n for key, n in written.communities.items()}
    community_keys = list({key for _, key in by_community})
    return [
        _voice_table(
            "departments",
            "Share of voice by department",
            "Department",
            by_department,
            {
                key: departments.get(key, "?") if key else "No department"
                for _, key in by_department
            },
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


def headlines(period: DateRange) -> list[Figure]:
    return [
        Figure(
            "Active people",
            summaries.active_people(period),
            INT,
            "posted, answered or liked",
        ),
        Figure("Posts and answers", summaries.tally(period).written(), INT),
    ]
