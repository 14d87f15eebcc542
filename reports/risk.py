"""Knowledge at risk: what the company may lose when someone leaves.

For each person with a leaving date in the report's range (and, as a what-if, anyone picked
on the page):

* tags at risk: the tags where they hold at least RISK_SHARE of the expertise score of all
  current colleagues (profiles.expertise; a tag where their own score is below
  MIN_PERSONAL_SCORE, one like or so, is not counted);
* questions only they answered (live questions whose every live answer is theirs);
* drafts only they maintain (live drafts whose every version they uploaded);
* suggested successors: the next available, active experts in the tags at risk (or in their
  strongest tags when none is at risk), never someone who is leaving too.

All of it is read for every person at once: a fixed number of queries per page.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.cache import cache
from django.db.models import Count, Exists, Min, OuterRef, Sum
from django.utils import timezone
from django.utils.text import Truncator
from taggit.models import Tag

from profiles.models import Expertise, Profile, User, current_q
from questions.experts import available_candidates
from questions.models import Answer, Post
from reports import charts
from reports.people import Person, has_leaving_dates, leaving_colleagues, leaving_q
from reports.periods import DateRange
from reports.permissions import ItemTitles
from reports.report import Figure, Report
from reports.tables import DATE, INT, TEXT, Column, Link, Table

SLUG = "risk"
TITLE = "Knowledge at risk"
RISK_SHARE = 0.5
MIN_PERSONAL_SCORE = 2.0
OTHER_TAGS = 5  # strongest tags shown besides those at risk
SUCCESSORS = 3
LISTED = 10  # questions and drafts listed per person
PICKABLE_PEOPLE = 300
PICKABLE_CACHE_SECONDS = 600


def default_range(today: date | None = None) -> DateRange:
    """Leaving dates from a month ago (people not yet marked departed) to a year ahead."""
    day = today or timezone.localdate()
    return DateRange(day - timedelta(days=30), day + timedelta(days=365))


@dataclass(frozen=True)
class TagShare:
    tag_id: int
    name: str
    slug: str
    score: float
    total: float
    holders: int  # current colleagues with expertise in the tag

    @property
    def share(self) -> float:
        return self.score / self.total if self.total else 0.0

    @property
    def percent(self) -> float:
        return round(100 * self.share, 1)

    @property
    def label(self) -> str:
        return f"#{self.name} {self.percent:.0f}%"


@dataclass(frozen=True)
class Successor:
    user_id: int
    username: str
    name: str
    reason: str


@dataclass
class AtRisk:
    person: Person
    what_if: bool = False
    at_risk: list[TagShare] = field(default_factory=list)
    strongest: list[TagShare] = field(default_factory=list)
    sole_questions: list[Link] = field(default_factory=list)
    sole_question_count: int = 0
    sole_drafts: list[Link] = field(default_factory=list)
    sole_draft_count: int = 0
    successors: list[Successor] = field(default_factory=list)

    @property
    def handover_tags(self) -> list[TagShare]:
        """What a handover is asked about: the tags at risk, else the strongest ones."""
        return self.at_risk or self.strongest[:3]


def assess(people: list[Person], viewer: User, *, what_if: int | None = None) -> list[AtRisk]:
    """Everything at risk for each of `people`, in their order."""
    found = {p.pk: AtRisk(p, what_if=p.pk == what_if) for p in people}
    if not found:
        return []
    ids = list(found)
    _tag_shares(found)
    _sole_questions(found, viewer)
    _sole_drafts(found, viewer)
    leaving_ids = set(
        Profile.objects.filter(leaving_q(), current_q(via="user__")).values_list(
            "user_id", flat=True
        )
    )
    _successors(found, exclude=set(ids) | leaving_ids)
    return [found[pk] for pk in ids]


def _tag_shares(found: dict[int, AtRisk]) -> None:
    rows = list(
        Expertise.objects.filter(user_id__in=list(found)).values_list(
            "user_id", "tag_id", "tag__name", "tag__slug", "score"
        )
    )
    totals = {
        tag_id: (total, holders)
        for tag_id, total, holders in Expertise.objects.filter(
            current_q(via="user__"), tag_id__in={row[1] for row in rows}
        )
        .values_list("tag_id")
        .annotate(total=Sum("score"), holders=Count("pk"))
        .order_by()
    }
    for user_id, tag_id, name, slug, score in rows:
        total, holders = totals.get(tag_id, (score, 1))
        share = TagShare(tag_id, name, slug, score, max(total, score), holders)
        item = found[user_id]
        if share.share >= RISK_SHARE and score >= MIN_PERSONAL_SCORE:
            item.at_risk.append(share)
        else:
            item.strongest.append(share)
    for item in found.values():
        item.at_risk.sort(key=lambda s: (-s.share, -s.score, s.name))
        item.strongest.sort(key=lambda s: (-s.score, s.name))
        del item.strongest[OTHER_TAGS:]


def _sole_questions(found: dict[int, AtRisk], viewer: User) -> None:
    """One query over the people's own answers (by the author index): every question whose
    live answers are all theirs, most viewed first."""
    other = Answer.objects.filter(post_id=OuterRef("post_id"), deleted_at__isnull=True).exclude(
        author_id=OuterRef("author_id")
    )
    rows = (
        Answer.objects.filter(
            author_id__in=list(found),
            deleted_at__isnull=True,
            post__kind=Post.Kind.QUESTION,
            post__deleted_at__isnull=True,
        )
        .exclude(Exists(other))
        .values_list(
            "author_id", "post_id", "post__title", "post__community_id", "post__view_count"
        )
        .distinct()
    )
    titles = ItemTitles(viewer)
    for author_id, post_id, title, community_id, _ in sorted(rows, key=lambda r: (-r[4], -r[1])):
        item = found[author_id]
        item.sole_question_count += 1
        if len(item.sole_questions) < LISTED:
            post = Post(pk=post_id, title=title, kind=Post.Kind.QUESTION)
            item.sole_questions.append(
                titles.link(
                    title=Truncator(title).chars(90),
                    url=post.get_absolute_url(),
                    community_id=community_id,
                )
            )


def _sole_drafts(found: dict[int, AtRisk], viewer: User) -> None:
    drafts = (
        Post.objects.alive()
        .filter(kind=Post.Kind.DRAFT, versions__uploaded_by_id__in=list(found))
        .values("pk")
        .annotate(
            uploaders=Count("versions__uploaded_by", distinct=True),
            uploader=Min("versions__uploaded_by"),
        )
        .filter(uploaders=1)
        .values_list("uploader", "pk", "title", "community_id", "download_count")
        .order_by("-download_count", "-pk")
    )
    titles = ItemTitles(viewer)
    for uploader, pk, title, community_id, _ in drafts:
        item = found.get(uploader)
        if item is None:
            continue
        item.sole_draft_count += 1
        if len(item.sole_drafts) < LISTED:
            post = Post(pk=pk, title=title, kind=Post.Kind.DRAFT)
            item.sole_drafts.append(
                titles.link(
                    title=Truncator(title).chars(90),
                    url=post.get_absolute_url(),
                    community_id=community_id,
                )
            )


def _successors(found: dict[int, AtRisk], *, exclude: set[int]) -> None:
    wanted = {s.tag_id for item in found.values() for s in item.handover_tags}
    candidates = available_candidates(sorted(wanted), exclude_ids=exclude, per_tag=SUCCESSORS)
    by_tag = defaultdict(list)
    for candidate in candidates:
        by_tag[candidate.tag_id].append(candidate)
    for item in found.values():
        chosen: dict[int, Successor] = {}
        # Round robin over the tags, strongest candidate first, so that every tag at risk
        # gets someone before any tag gets a second.
        for depth in range(SUCCESSORS):
            for share in item.handover_tags:
                options = by_tag.get(share.tag_id, [])
                if depth < len(options) and len(chosen) < SUCCESSORS:
                    c = options[depth]
                    chosen.setdefault(
                        c.user.pk,
                        Successor(
                            c.user.pk, c.user.username, c.user.profile.display_name, c.reason
                        ),
                    )
        item.successors = list(chosen.values())


def pickable_people() -> list[tuple[str, str]]:
    """(username, label) of the current colleagues with most expertise, for the what-if
    picker; cached, since expertise is recomputed nightly."""
    options = cache.get("reports:risk:pickable")
    if options is None:
        top = (
            Expertise.objects.filter(current_q(via="user__"))
            .values("user_id")
            .annotate(total=Sum("score"))
            .order_by("-total")[:PICKABLE_PEOPLE]
        )
        people = User.objects.filter(pk__in=[row["user_id"] for row in top]).values_list(
            "username", "profile__display_name"
        )
        options = sorted(((u, n or u) for u, n in people), key=lambda option: option[1].lower())
        cache.set("reports:risk:pickable", options, PICKABLE_CACHE_SECONDS)
    return options


def find_person(username: str) -> Person | None:
    """A current colleague by @handle, for the what-if."""
    row = (
        User.objects.filter(current_q(), username=username)
        .values_list("pk", "username", "profile__display_name", "profile__department__name")
        .first()
    )
    if row is None:
        return None
    pk, handle, name, department = row
    leaving_on = None
    if has_leaving_dates():
        leaving_on = Profile.objects.filter(user_id=pk).values_list("leaving_on", flat=True).first()
    return Person(pk, handle, name or handle, department or "", leaving_on, "what-if")


def build(period: DateRange, viewer: User, *, what_if: Person | None = None) -> Report:
    leaving = leaving_colleagues(period)
    people = ([what_if] if what_if else []) + [
        p for p in leaving if not what_if or p.pk != what_if.pk
    ]
    items = assess(people, viewer, what_if=what_if.pk if what_if else None)
    report = Report(SLUG, TITLE, period)
    at_risk_tags = {s.tag_id for item in items if not item.what_if for s in item.at_risk}
    report.figures = [
        Figure("People leaving", len(leaving), INT, f"leaving between {period.label}"),
        Figure(
            "Tags at risk", len(at_risk_tags), INT, "where a leaving person holds most expertise"
        ),
        Figure(
            "Questions only they answered",
            sum(i.sole_question_count for i in items if not i.what_if),
            INT,
        ),
        Figure(
            "Drafts only they maintain",
            sum(i.sole_draft_count for i in items if not i.what_if),
            INT,
        ),
    ]
    bars = sorted(
        ((f"#{s.name} ({i.person.name})", s.percent) for i in items for s in i.at_risk),
        key=lambda bar: -bar[1],
    )[:15]
    report.charts = [
        charts.hbar_chart(
            title="Share of a tag's expertise held by one leaving person",
            items=bars,
            x_label="Share of the tag's expertise score among current colleagues",
            fmt=charts.fmt_pct,
        )
    ]
    report.tables = [_people_table(items)]
    report.extra = {"items": items, "has_leaving_dates": has_leaving_dates()}
    report.notes = [
        f"A tag is at risk when one person holds at least {RISK_SHARE:.0%} of the expertise "
        "score of all current colleagues in it (earned from accepted answers, likes on answers "
        "and draft downloads; older evidence counts less).",
        "Suggested successors are the next available experts in those tags: current "
        "colleagues who are not away and not leaving themselves.",
    ]
    if not has_leaving_dates():
        report.notes.append("Leaving dates are not recorded yet: use the what-if picker.")
    return report


def _people_table(items: list[AtRisk]) -> Table:
    table = Table(
        "people",
        "People leaving and what they know",
        [
            Column("Person", TEXT),
            Column("Department", TEXT),
            Column("Leaving on", DATE),
            Column("Tags at risk", TEXT),
            Column("Questions only they answered", INT),
            Column("Drafts only they maintain", INT),
            Column("Suggested successors", TEXT),
        ],
        empty="Nobody is leaving in this period.",
    )
    for item in items:
        p = item.person
        table.rows.append(
            [
                f"{p.name} (what-if)" if item.what_if else p.name,
                p.department,
                p.left_on,
                ", ".join(s.label for s in item.at_risk),
                item.sole_question_count,
                item.sole_draft_count,
                ", ".join(s.name for s in item.successors),
            ]
        )
    return table


def tags_for_handover(item: AtRisk) -> list[Tag]:
    return list(Tag.objects.filter(pk__in=[s.tag_id for s in item.handover_tags]))


def headlines(period: DateRange) -> list[Figure]:
    """People leaving in the next 90 days and the tags at risk with them."""
    today = timezone.localdate()
    ahead = DateRange(today - timedelta(days=30), today + timedelta(days=90))
    leaving = leaving_colleagues(ahead)
    tags = set()
    if leaving:
        shares: dict[int, AtRisk] = {p.pk: AtRisk(p) for p in leaving}
        _tag_shares(shares)
        tags = {s.tag_id for item in shares.values() for s in item.at_risk}
    return [
        Figure("People leaving soon", len(leaving), INT, "in the next 90 days"),
        Figure("Tags at risk", len(tags), INT, "where they hold most expertise"),
    ]
