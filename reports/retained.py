"""Retained knowledge: what the company still knows thanks to people who have left, and how
much colleagues still use it after they left.

An item of retained knowledge is a live post by a former colleague, or a live question whose
accepted answer is by one (the answer is what people come back for). A use is, after the day
its person left and within the report's range: a view (a colleague opening it, once a day),
a like (of their post, or of any answer of theirs), a download of their draft, a click on it
in search results or typeahead, and a deflection (a click on it as a similar question while
asking: a question not asked again).

Every figure is a GROUP BY in the database, driven by the (indexed) ids of former
colleagues' content; days are folded into months in Python.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import CharField, Count, F, QuerySet, Value
from django.utils.text import Truncator

from profiles.models import User
from questions.models import Answer, DraftDownload, Like, Post, PostView
from reports import charts
from reports.people import Person, departure_day, former_colleagues
from reports.periods import DateRange, LocalDay, day_to_date, month_label, month_of
from reports.permissions import ItemTitles
from reports.report import Figure, Report, count
from reports.tables import DATE, INT, LINK, PCT, TEXT, Column, Table, percent
from search.models import SearchClick

SLUG = "retained"
TITLE = "Retained knowledge"
SOURCES = {
    "views": "Views",
    "likes": "Likes",
    "downloads": "Downloads",
    "clicks": "Search clicks",
    "deflections": "Deflections",
}
TOP_ITEMS = 25
TOP_PEOPLE = 100


def _former() -> QuerySet[User]:
    return User.objects.filter(is_active=False)


def authored_posts() -> QuerySet[Post]:
    """Live posts by former colleagues (read through the author index)."""
    return Post.objects.alive().filter(author_id__in=_former().values("pk"))


def answered_posts() -> QuerySet[Post]:
    """Live questions, by current colleagues, whose live accepted answer is by a former one
    (read through the accepted-answer index)."""
    answers = Answer.objects.filter(author_id__in=_former().values("pk"), deleted_at__isnull=True)
    return (
        Post.objects.alive()
        .filter(kind=Post.Kind.QUESTION, accepted_answer_id__in=answers.values("pk"))
        .exclude(author_id__in=_former().values("pk"))
    )


@dataclass(frozen=True)
class Source:
    """One kind of use: its rows after the person left, the path to the item (post) they
    are about, and to the person whose knowledge it is."""

    name: str  # a key of SOURCES, or "search": clicks and deflections, told apart by `kind`
    rows: QuerySet[Any]
    post: str
    person: F
    kind: str = ""  # a column whose value names the use (search clicks' source)

    def name_of(self, kind: str | None) -> str:
        if not self.kind:
            return self.name
        return "deflections" if kind == SearchClick.Source.SIMILAR else "clicks"

    def by_day(self) -> QuerySet[Any]:
        fields: list[Any] = ["ev", self.kind or Value("", output_field=CharField())]
        return self.rows.values_list(*fields).annotate(n=Count("pk")).order_by()

    def by_post(self) -> QuerySet[Any]:
        fields: list[Any] = [self.post, self.kind or Value("", output_field=CharField())]
        return self.rows.values_list(*fields).annotate(person=self.person, n=Count("pk")).order_by()


def sources(period: DateRange) -> list[Source]:
    """Every kind of use, as querysets of rows after the person left within `period`.

    Each is filtered by the ids of the items it is about (an IN subquery the database
    answers from the author or accepted-answer index, then probes the use table by item),
    so the work follows the former colleagues' content, not the size of the use tables."""
    by_day = {"day__gte": period.start, "day__lte": period.end}
    by_time = {"created_at__gte": period.start_at, "created_at__lt": period.end_at}

    def after(queryset: QuerySet[Any], field: str, who: str, *, is_date: bool) -> QuerySet[Any]:
        return (
            queryset.filter(**(by_day if is_date else by_time))
            .annotate(ev=LocalDay(field, within=period, is_date=is_date))
            .alias(cut=departure_day(who, period))
            .filter(ev__gt=F("cut"))
        )

    found: list[Source] = []
    for posts, who in (
        (authored_posts(), "post__author__"),
        (answered_posts(), "post__accepted_answer__author__"),
    ):
        ids = posts.values("pk")
        person = F(who.removesuffix("__") + "_id")  # "post__author_id"...
        on_posts = [
            ("views", PostView.objects.filter(post_id__in=ids), "day", True),
            ("search", SearchClick.objects.filter(post_id__in=ids), "created_at", False),
        ]
        if who == "post__author__":
            on_posts.append(
                ("downloads", DraftDownload.objects.filter(post_id__in=ids), "day", True)
            )
        for name, rows, field, is_date in on_posts:
            kind = "source" if name == "search" else ""
            rows = after(rows, field, who, is_date=is_date)
            found.append(Source(name, rows, "post_id", person, kind))
    post_likes = Like.objects.filter(post_id__in=authored_posts().values("pk"))
    answers = Answer.objects.filter(
        author_id__in=_former().values("pk"),
        deleted_at__isnull=True,
        post__deleted_at__isnull=True,
    )
    answer_likes = Like.objects.filter(answer_id__in=answers.values("pk"))
    found += [
        Source(
            "likes",
            after(post_likes, "created_at", "post__author__", is_date=False),
            "post_id",
            F("post__author_id"),
        ),
        Source(
            "likes",
            after(answer_likes, "created_at", "answer__author__", is_date=False),
            "answer__post_id",
            F("answer__author_id"),
        ),
    ]
    return found


@dataclass
class Content:
    """How much former colleagues left behind, per person and in total."""

    posts: Counter[int]
    answers: Counter[int]
    accepted: Counter[int]
    by_kind: Counter[str]

    @classmethod
    def read(cls) -> Content:
        posts: Counter[int] = Counter()
        by_kind: Counter[str] = Counter()
        rows = (
            Post.objects.alive()
            .filter(author__is_active=False)
            .values_list("author_id", "kind")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for author_id, kind, n in rows:
            posts[author_id] += n
            by_kind[kind] += n
        answers = Counter(
            dict(
                Answer.objects.filter(
                    author__is_active=False, deleted_at__isnull=True, post__deleted_at__isnull=True
                )
                .values_list("author_id")
                .annotate(n=Count("pk"))
                .order_by()
            )
        )
        accepted = Counter(
            dict(
                Post.objects.alive()
                .questions()
                .filter(
                    accepted_answer__author__is_active=False,
                    accepted_answer__deleted_at__isnull=True,
                )
                .values_list("accepted_answer__author_id")
                .annotate(n=Count("pk"))
                .order_by()
            )
        )
        return cls(posts, answers, accepted, by_kind)


def _kind_label(post: Post, person_id: int) -> str:
    if post.author_id == person_id:
        return post.get_kind_display()
    return "Accepted answer"


def build(period: DateRange, viewer: User) -> Report:
    by_month: dict[date, Counter[str]] = defaultdict(Counter)
    by_post: dict[int, Counter[str]] = defaultdict(Counter)
    by_person: Counter[int] = Counter()
    post_person: dict[int, int] = {}
    for source in sources(period):
        for ev, kind, n in source.by_day():
            by_month[month_of(day_to_date(ev))][source.name_of(kind)] += n
        for post_id, kind, person_id, n in source.by_post():
            by_post[post_id][source.name_of(kind)] += n
            by_person[person_id] += n
            post_person.setdefault(post_id, person_id)
    content = Content.read()
    people = former_colleagues()
    total_views = PostView.objects.filter(day__gte=period.start, day__lte=period.end).count()

    months = period.months()
    uses = sum(sum(c.values()) for c in by_month.values())
    retained_views = sum(c["views"] for c in by_month.values())
    report = Report(SLUG, TITLE, period)
    report.figures = [
        Figure("Former colleagues", len(people), INT, "people who have left"),
        Figure(
            "Their posts and answers",
            sum(content.posts.values()) + sum(content.answers.values()),
            INT,
            f"{count(sum(content.accepted.values()))} of their answers are accepted",
        ),
        Figure("Uses after they left", uses, INT, "views, likes, downloads, search clicks"),
        Figure(
            "Share of all views",
            percent(retained_views, total_views),
            PCT,
            f"{count(retained_views)} of {count(total_views)} views in the period",
        ),
    ]
    report.charts = [
        charts.bar_chart(
            title="Uses of former colleagues' knowledge per month",
            labels=[month_label(m) for m in months],
            series=[
                charts.Series(label, [by_month[m][name] for m in months])
                for name, label in SOURCES.items()
            ],
            y_label="Uses after they left",
            x_label="Month",
        )
    ]
    report.tables = [
        _month_table(months, by_month),
        _items_table(by_post, post_person, people, viewer),
        _people_table(people, content, by_person),
    ]
    report.notes = [
        "An item is a post by a former colleague, or a question whose accepted answer is by "
        "one. Uses count from the day after the person left; views and downloads count once "
        "per colleague and day.",
        "Deflections are clicks on an earlier question suggested while someone was asking a "
        "new one: a question that did not need asking again.",
    ]
    unknown = sum(1 for p in people.values() if p.source == "unknown")
    if unknown:
        report.notes.append(
            f"{count(unknown)} former colleagues have no recorded departure date or sign-in: "
            "every use of their content in the period is counted."
        )
    return report


def _month_table(months: list[date], by_month: dict[date, Counter[str]]) -> Table:
    columns = [Column("Month", TEXT)] + [Column(label, INT) for label in SOURCES.values()]
    table = Table("months", "Uses per month", columns + [Column("All uses", INT)])
    for month in months:
        c = by_month.get(month, Counter())
        values = [c[name] for name in SOURCES]
        table.rows.append([month_label(month), *values, sum(values)])
    return table


def _items_table(
    by_post: dict[int, Counter[str]],
    post_person: dict[int, int],
    people: dict[int, Person],
    viewer: User,
) -> Table:
    columns = [
        Column("Item", LINK),
        Column("What", TEXT),
        Column("Former colleague", TEXT),
        *(Column(label, INT) for label in SOURCES.values()),
        Column("All uses", INT),
    ]
    table = Table(
        "items",
        f"Most used items by former colleagues (top {TOP_ITEMS})",
        columns,
        empty="No use of former colleagues' items in this period.",
    )
    top = sorted(by_post, key=lambda pk: (-sum(by_post[pk].values()), pk))[:TOP_ITEMS]
    posts = Post.objects.only(
        "pk", "kind", "title", "body", "community_id", "author_id", "accepted_answer_id"
    ).in_bulk(top)
    titles = ItemTitles(viewer)
    for pk in top:
        post = posts.get(pk)
        if post is None:
            continue
        person = people.get(post_person[pk])
        c = by_post[pk]
        table.rows.append(
            [
                titles.link(
                    title=Truncator(post.display_title).chars(90),
                    url=post.get_absolute_url(),
                    community_id=post.community_id,
                ),
                _kind_label(post, post_person[pk]),
                person.name if person else "",
                *(c[name] for name in SOURCES),
                sum(c.values()),
            ]
        )
    return table


def _people_table(people: dict[int, Person], content: Content, by_person: Counter[int]) -> Table:
    columns = [
        Column("Former colleague", TEXT),
        Column("Department", TEXT),
        Column("Left on", DATE),
        Column("Posts", INT),
        Column("Answers", INT),
        Column("Accepted answers", INT),
        Column("Uses after they left", INT),
    ]
    table = Table(
        "people", f"Former colleagues whose knowledge is used (top {TOP_PEOPLE})", columns
    )
    ranked = sorted(
        (p for p in people.values() if content.posts[p.pk] or content.answers[p.pk]),
        key=lambda p: (-by_person[p.pk], -content.answers[p.pk] - content.posts[p.pk], p.name),
    )
    for p in ranked[:TOP_PEOPLE]:
        table.rows.append(
            [
                p.name,
                p.department,
                p.left_label if p.source != "recorded" else p.left_on,
                content.posts[p.pk],
                content.answers[p.pk],
                content.accepted[p.pk],
                by_person[p.pk],
            ]
        )
    return table


def headlines(period: DateRange) -> list[Figure]:
    """The index page's and the weekly e-mail's figures (counts only: no grouping)."""
    uses = sum(source.rows.count() for source in sources(period))
    former = User.objects.filter(is_active=False).count()
    return [
        Figure("Former colleagues", former, INT, "people who have left"),
        Figure("Uses of their knowledge", uses, INT, "after they left"),
    ]
