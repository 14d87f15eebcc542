"""De facto standards over time (reports.standards computes them daily).

* Topics with an established standard, week by week: from each Standard row's history (a
  standard since `since`; a former one was the standard from `evidence["standard_since"]`
  until it lost its standing on `since`).
* Topics whose leader changed, week by week: from the daily snapshots of each tag's rank-1
  item (kept for questions.standards.SNAPSHOT_DAYS days, so older weeks have none).
* Per topic: its standard, for how long it has led, its emerging item, its contenders, and
  how often its lead changed hands in the range; and every change of standing in the range.

Standards only ever concern items outside private communities; titles go through the same
rule as every report all the same.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta

from django.db.models import QuerySet
from django.utils.dateparse import parse_date
from django.utils.text import Truncator

from profiles.models import User
from questions import standards
from questions.models import Standard, StandingSnapshot
from reports import charts
from reports.periods import DateRange, week_label, week_of
from reports.permissions import ItemTitles
from reports.report import Figure, Report
from reports.tables import DATE, INT, LINK, TEXT, Column, Link, Table

SLUG = "standards"
TITLE = "De facto standards"


def _rows() -> QuerySet[Standard]:
    return Standard.objects.shown().select_related("tag", "post", "answer")


def _link(row: Standard, titles: ItemTitles) -> Link:
    post = row.post
    if row.answer_id:
        title = f"Answer to “{post.display_title}”"
        url = f"{post.get_absolute_url()}#answer-{row.answer_id}"
    else:
        title, url = post.display_title, post.get_absolute_url()
    return titles.link(title=Truncator(title).chars(90), url=url, community_id=post.community_id)


def _standard_since(row: Standard) -> date | None:
    if row.status == Standard.Status.STANDARD:
        return row.since
    if row.status == Standard.Status.FORMER:
        return parse_date(str(row.evidence.get("standard_since") or ""))
    return None


def _standard_until(row: Standard) -> date | None:
    """The day a former standard lost its standing (None while it stands)."""
    return row.since if row.status == Standard.Status.FORMER else None


def established_per_week(rows: list[Standard], weeks: list[date]) -> list[int]:
    """How many topics had a standard at the end of each week."""
    intervals: dict[int, list[tuple[date, date | None]]] = defaultdict(list)
    for row in rows:
        start = _standard_since(row)
        if start is not None:
            intervals[row.tag_id].append((start, _standard_until(row)))
    counts = []
    for monday in weeks:
        end = monday + timedelta(days=6)
        counts.append(
            sum(
                1
                for spans in intervals.values()
                if any(start <= end and (until is None or until > end) for start, until in spans)
            )
        )
    return counts


def leader_changes(period: DateRange) -> tuple[Counter[date], Counter[int]]:
    """Changes of a tag's rank-1 item between consecutive snapshot days, per week and per
    tag (one query over the rank-1 rows)."""
    rows = (
        StandingSnapshot.objects.filter(
            rank=1, day__gte=period.start - timedelta(days=7), day__lte=period.end
        )
        .order_by("tag_id", "day")
        .values_list("tag_id", "day", "post_id", "answer_id")
    )
    per_week: Counter[date] = Counter()
    per_tag: Counter[int] = Counter()
    previous: dict[int, tuple[int, int | None]] = {}
    for tag_id, day, post_id, answer_id in rows:
        item = (post_id, answer_id)
        before = previous.get(tag_id)
        previous[tag_id] = item
        if before is not None and before != item and day >= period.start:
            per_week[week_of(day)] += 1
            per_tag[tag_id] += 1
    return per_week, per_tag


def build(period: DateRange, viewer: User) -> Report:
    rows = list(_rows())
    titles = ItemTitles(viewer)
    weeks = period.weeks()
    established = established_per_week(rows, weeks)
    per_week, per_tag = leader_changes(period)
    report = Report(SLUG, TITLE, period)
    current = [r for r in rows if r.status == Standard.Status.STANDARD]
    emerging = [r for r in rows if r.status == Standard.Status.EMERGING]
    events = _events(rows, period, titles)
    report.figures = [
        Figure("Topics with a standard", len({r.tag_id for r in current}), INT),
        Figure("Emerging items", len(emerging), INT, "the fastest risers of their topics"),
        Figure(
            "New standards",
            sum(1 for e in events.rows if e[2] == "became the standard"),
            INT,
            "in the period",
        ),
        Figure("Changes of leader", sum(per_week.values()), INT, "in the period"),
    ]
    labels = [week_label(w) for w in weeks]
    report.charts = [
        charts.line_chart(
            title="Topics with an established standard, and changes of leader, per week",
            labels=labels,
            series=[
                charts.Series("Topics with a standard", established),
                charts.Series("Changes of leader", [per_week.get(w, 0) for w in weeks]),
            ],
            y_label="Topics",
            x_label="Week",
        )
    ]
    report.tables = [_topics(rows, per_tag, titles), events]
    report.notes = [
        f"Standings are recomputed daily; daily leaders are kept for "
        f"{standards.THRESHOLDS.snapshot_days} days, so changes of leader before then are not "
        "known. Only items outside private communities can become standards.",
    ]
    return report


def _topics(rows: list[Standard], per_tag: Counter[int], titles: ItemTitles) -> Table:
    table = Table(
        "topics",
        "Standards by topic",
        [
            Column("Topic", TEXT),
            Column("Standard", LINK),
            Column("Standard since", DATE),
            Column("Days leading", INT),
            Column("Emerging", LINK),
            Column("Contenders", INT),
            Column("Former standards", INT),
            Column("Changes of leader", INT),
        ],
        empty="No topic has a standard, an emerging item or a contender yet.",
    )
    by_tag: dict[int, list[Standard]] = defaultdict(list)
    for row in rows:
        by_tag[row.tag_id].append(row)
    ordered = sorted(
        by_tag.values(),
        key=lambda group: (
            not any(r.status == Standard.Status.STANDARD for r in group),
            group[0].tag.name,
        ),
    )
    for group in ordered:
        standard = next((r for r in group if r.status == Standard.Status.STANDARD), None)
        emerging = next((r for r in group if r.status == Standard.Status.EMERGING), None)
        if standard is None and emerging is None and not any(r.competing for r in group):
            continue
        table.rows.append(
            [
                f"#{group[0].tag.name}",
                _link(standard, titles) if standard else None,
                standard.since if standard else None,
                standard.evidence.get("led_days") if standard else None,
                _link(emerging, titles) if emerging else None,
                sum(1 for r in group if r.status == Standard.Status.CONTENDER),
                sum(1 for r in group if r.status == Standard.Status.FORMER),
                per_tag.get(group[0].tag_id, 0),
            ]
        )
    return table


def _events(rows: list[Standard], period: DateRange, titles: ItemTitles) -> Table:
    table = Table(
        "changes",
        "Changes of standing in the period",
        [Column("Day", DATE), Column("Topic", TEXT), Column("Change", TEXT), Column("Item", LINK)],
        empty="No topic gained or lost a standard in this period.",
    )
    found: list[tuple[date, str, str, Link]] = []

    def add(day: date | None, row: Standard, change: str) -> None:
        if day is not None and period.start <= day <= period.end:
            found.append((day, f"#{row.tag.name}", change, _link(row, titles)))

    for row in rows:
        add(_standard_since(row), row, "became the standard")
        if row.status == Standard.Status.FORMER:
            reason = row.evidence.get("demoted_because") or "another item leads"
            add(row.since, row, f"lost its standing: {reason}")
        elif row.status == Standard.Status.EMERGING:
            add(row.since, row, "started rising (emerging)")
    table.rows = [list(event) for event in sorted(found, key=lambda e: (e[0], e[1]), reverse=True)]
    return table


def headlines(period: DateRange) -> list[Figure]:
    rows = Standard.objects.shown().filter(
        status__in=[Standard.Status.STANDARD, Standard.Status.FORMER]
    )
    standing = {r.tag_id for r in rows if r.status == Standard.Status.STANDARD}
    new = sum(
        1 for r in rows if (since := _standard_since(r)) and period.start <= since <= period.end
    )
    return [
        Figure("Topics with a standard", len(standing), INT),
        Figure("New standards", new, INT, "in the period"),
    ]
