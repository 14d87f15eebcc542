"""Retained knowledge: what the company still knows thanks to people who have left, and how
much colleagues still use it after they left.

An item of retained knowledge is a live post by a former colleague, or a live question whose
accepted answer is by one (the answer is what people come back for). A use is, after the day
its person left and within the report's range: a view (a colleague opening it, once a day),
a like (of their post, or of any answer of theirs), a download of their draft, a click on it
in search results or typeahead, and a deflection (a click on it as a similar question while
asking: a question not asked again).

Every figure is a GROUP BY (item, day) in the database, driven by the (indexed) ids of
former colleagues' content; whether a use came after its person left, and the folding of
days into months, items and people, happen in Python over those rows.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.db import connection
from django.db.models import BigIntegerField, CharField, Count, F, Lookup, Q, QuerySet, Value
from django.utils.text import Truncator

from profiles.models import User, former_q
from questions.models import Answer, DraftDownload, Like, Post, PostView
from reports import charts
from reports.people import UNKNOWN, Person, former_colleagues
from reports.periods import EPOCH, DateRange, LocalDay, day_to_date, month_label, month_of
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
# Up to this many item ids are passed as a list (one index probe each); beyond it, as one
# array parameter on PostgreSQL and as a subquery on SQLite. Thousands of parameters cost
# more to build and send than the subquery costs to run: at 100,000 posts with 250 former
# colleagues (about 7,000 ids a list), lists of up to 30,000 took the cold report to 1.1 s
# on PostgreSQL and 0.46 s on SQLite, subqueries to 0.56 s and 0.30 s
# (bench/reports_bench.py's data). On PostgreSQL each use table then repeated the
# subqueries' joins (about 100 ms each); one array of the ids already read: 0.87 -> 0.59 s.
MAX_LISTED_IDS = 1_000


class _InArray(Lookup[Any]):
    """``column = ANY(array)``: membership in one array parameter, not thousands of them."""

    lookup_name = "in_array"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", [*lhs_params, *rhs_params]


def _among(key: str, owners: dict[int, Owner], subquery: QuerySet[Any]) -> Q | _InArray:
    """`key` is one of the items: their ids as a list up to MAX_LISTED_IDS; beyond, one
    array parameter on PostgreSQL (the ids are already read, and the subquery's joins cost
    about 100 ms at 100,000 posts each time a use table repeated them), the subquery on
    SQLite."""
    if len(owners) <= MAX_LISTED_IDS:
        return Q(**{f"{key}__in": list(owners)})
    if connection.vendor == "postgresql":
        ids = Value(list(owners), output_field=ArrayField(BigIntegerField()))
        return _InArray(F(key), ids)
    return Q(**{f"{key}__in": subquery.values("pk")})


def _former() -> QuerySet[User]:
    return User.objects.filter(former_q())


Owner = tuple[int, int]  # (the post shown for an item, the person whose knowledge it is)


@dataclass(frozen=True)
class Source:
    """One kind of use: its rows within the range about former colleagues' items (posts, or
    answers for likes of answers), grouped by item and day; `owners` maps each item to its
    post and person. Whether a use came after the person left is decided here, from the
    day they left: the database only counts rows, on the use table's item index."""

    name: str  # a key of SOURCES, or "search": clicks and deflections, told apart by `kind`
    rows: QuerySet[Any]  # annotated with `ev`, the LocalDay of the use
    key: str  # "post_id" or "answer_id"
    owners: dict[int, Owner]
    kind: str = ""  # a column whose value names the use (search clicks' source)

    def name_of(self, kind: str | None) -> str:
        if not self.kind:
            return self.name
        return "deflections" if kind == SearchClick.Source.SIMILAR else "clicks"

    def uses(self, cuts: dict[int, int]) -> Iterator[tuple[int, int, str, int, int]]:
        """(post, day, use, person, count) of uses after the person left (`cuts`: the
        LocalDay each former colleague left on)."""
        fields: list[Any] = [self.key, "ev", self.kind or Value("", output_field=CharField())]
        for key, ev, kind, n in self.rows.values_list(*fields).annotate(n=Count("pk")).order_by():
            owner = self.owners.get(key)
            if owner is not None and ev > cuts.get(owner[1], UNKNOWN):
                yield owner[0], ev, self.name_of(kind), owner[1], n


def departure_days(people: dict[int, Person]) -> dict[int, int]:
    """The LocalDay each former colleague left on (UNKNOWN when not known)."""
    return {pk: (p.left_on - EPOCH).days if p.left_on else UNKNOWN for pk, p in people.items()}


@dataclass
class Items:
    """Former colleagues' items, read once through the author and accepted-answer indexes:
    their live posts, the live questions whose accepted answer is theirs, and their live
    answers (for likes of answers), each with whose knowledge it is."""

    former: list[int]
    posts: dict[int, tuple[int, str]]  # post -> (author, kind)
    accepted: dict[int, tuple[int, int]]  # question -> (accepted answer's author, asker)
    answers: dict[int, tuple[int, int]]  # answer -> (post, author)

    @classmethod
    def read(cls) -> Items:
        former = list(_former().values_list("pk", flat=True))
        posts = Post.objects.alive().filter(author_id__in=former)
        accepted = (
            Post.objects.alive()
            .questions()
            .filter(accepted_answer__author_id__in=former, accepted_answer__deleted_at__isnull=True)
        )
        answers = Answer.objects.filter(
            author_id__in=former, deleted_at__isnull=True, post__deleted_at__isnull=True
        )
        return cls(
            former,
            {pk: (a, k) for pk, a, k in posts.order_by().values_list("pk", "author_id", "kind")},
            {
                pk: (a, asker)
                for pk, a, asker in accepted.order_by().values_list(
                    "pk", "accepted_answer__author_id", "author_id"
                )
            },
            {
                pk: (p, a)
                for pk, p, a in answers.order_by().values_list("pk", "post_id", "author_id")
            },
        )


def sources(period: DateRange, items: Items | None = None) -> list[Source]:
    """Every kind of use within `period` of former colleagues' items.

    Each use table is probed by item id (the items are read once, by Items), so the work
    follows the former colleagues' content, not the size of the use tables."""
    items = items or Items.read()
    by_day = {"day__gte": period.start, "day__lte": period.end}
    by_time = {"created_at__gte": period.start_at, "created_at__lt": period.end_at}
    gone = set(items.former)
    authored = {pk: (pk, author) for pk, (author, _) in items.posts.items()}
    # A question by a former colleague counts as theirs, not as their answerer's.
    answered = {
        pk: (pk, person) for pk, (person, asker) in items.accepted.items() if asker not in gone
    }
    answers = {pk: (post, person) for pk, (post, person) in items.answers.items()}

    former = items.former  # a list: the database then reads the author indexes
    former_posts = Post.objects.alive().filter(author_id__in=former)
    answered_posts = (
        Post.objects.alive()
        .questions()
        .filter(accepted_answer__author_id__in=former, accepted_answer__deleted_at__isnull=True)
        .exclude(author_id__in=former)
    )
    former_answers = Answer.objects.filter(
        author_id__in=former, deleted_at__isnull=True, post__deleted_at__isnull=True
    )

    def rows(
        model: Any, key: str, owners: dict[int, Owner], subquery: QuerySet[Any], field: str
    ) -> QuerySet[Any]:
        """`model`'s rows within the period whose `key` is one of `owners`' items."""
        is_date = field == "day"
        return model.objects.filter(
            _among(key, owners, subquery), **(by_day if is_date else by_time)
        ).annotate(ev=LocalDay(field, within=period, is_date=is_date))

    found: list[Source] = []
    for owners, subquery in ((authored, former_posts), (answered, answered_posts)):
        views = rows(PostView, "post_id", owners, subquery, "day")
        clicks = rows(SearchClick, "post_id", owners, subquery, "created_at")
        found.append(Source("views", views, "post_id", owners))
        found.append(Source("search", clicks, "post_id", owners, kind="source"))
    downloads = rows(DraftDownload, "post_id", authored, former_posts, "day")
    post_likes = rows(Like, "post_id", authored, former_posts, "created_at")
    answer_likes = rows(Like, "answer_id", answers, former_answers, "created_at")
    found += [
        Source("downloads", downloads, "post_id", authored),
        Source("likes", post_likes, "post_id", authored),
        Source("likes", answer_likes, "answer_id", answers),
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
    def of(cls, items: Items) -> Content:
        posts: Counter[int] = Counter()
        by_kind: Counter[str] = Counter()
        for author, kind in items.posts.values():
            posts[author] += 1
            by_kind[kind] += 1
        answers = Counter(author for _, author in items.answers.values())
        accepted = Counter(author for author, _ in items.accepted.values())
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
    months_of: dict[int, date] = {}
    people = former_colleagues()
    cuts = departure_days(people)
    items = Items.read()
    for source in sources(period, items):
        for post_id, ev, name, person_id, n in source.uses(cuts):
            month = months_of.get(ev)
            if month is None:
                month = months_of[ev] = month_of(day_to_date(ev))
            by_month[month][name] += n
            by_post[post_id][name] += n
            by_person[person_id] += n
            post_person.setdefault(post_id, person_id)
    content = Content.of(items)
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
    """The index page's and the weekly e-mail's figures."""
    people = former_colleagues()
    cuts = departure_days(people)
    uses = sum(use[4] for source in sources(period) for use in source.uses(cuts))
    former = len(people)
    return [
        Figure("Former colleagues", former, INT, "people who have left"),
        Figure("Uses of their knowledge", uses, INT, "after they left"),
    ]
