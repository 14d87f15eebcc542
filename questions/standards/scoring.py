"""De facto standards: the answer, draft or post that colleagues keep liking, downloading,
accepting and linking to has become the standard for its topic.

Items and their topics
    An item is a post (question, status update, draft) or an answer; its tags are its post's
    tags. Only items in live posts outside private communities are scored, so a standard can
    be shown to everyone and nothing about private content reaches a snapshot or a badge
    (views filter by visibility all the same, in case a community turns private later).
    Deleted posts and answers never count, neither as items nor as sources of links.

Signals (each dated; nothing dated after `now` counts, so past days can be recomputed)
    like                 1 per like
    download             1 per distinct downloader of a draft in each period
    link                 2 per distinct other post linking to it (questions.links)
    accepted answer      3, for the answer only (a question does not earn its accepted
                         answer's acceptance: the answer is the reusable knowledge). There
                         is no acceptance date, so it is dated by the answer's creation.
    Supporters are the likers, downloaders, authors of linking posts and the asker who
    accepted; their distinct departments and (open) communities measure spread.

Score
    Signals are summed per period of age (the recent window W = WINDOW_DAYS, the W
    before it, then 2W..3W, 3W..6W, 6W..12W and older), each period weighted by
    0.5 ** (age / HALF_LIFE_DAYS) at its middle: a stepwise exponential decay
    that SQLite and PostgreSQL compute alike with conditional counts in one GROUP BY.
    The sum is multiplied by the spread factor
        1 + 0.15 * (departments - 1) + 0.05 * (communities - 1), between 1 and 2,
    so that support from across the company outweighs the same support from one team.
    Growth is the recent window's signals minus the previous window's.

States (recompute_standards, run daily; one StandingSnapshot per day for each tag's top
TOP_N and its fastest riser)
    standard   led the tag (rank 1) on every snapshot of the last SUSTAINED_DAYS,
               with MIN_PEOPLE supporters in MIN_DEPARTMENTS departments
               and at least MIN_REUSE signals of reuse (downloaders, links,
               acceptance: likes alone make a popular item, not a standard);
               held until it has not led for GRACE_DAYS or its support falls below
               those thresholds, then it becomes
    former     (kept as history; removed when the item is deleted or turns private).
    emerging   the tag's fastest-growing item other than its standard, with positive growth
               and EMERGING_MIN_PEOPLE supporters; recomputed every day.
    contender  one of two competing items that is neither of the above.
    competing  (a flag) the tag's top two when the second scores at least
               COMPETING_PERCENT of the leader and both have MIN_PEOPLE
               supporters: they are shown side by side.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import connection, transaction
from django.db.models import BigIntegerField, Count, Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.dateparse import parse_date
from taggit.models import Tag

from intranet.lib.dates import format_when
from intranet.lib.excerpts import plain_excerpt
from profiles.models import Profile
from questions.models import (
    Answer,
    Community,
    DraftDownload,
    ItemLink,
    Like,
    Membership,
    Post,
    Standard,
    StandingSnapshot,
    TaggedPost,
)
from questions.permissions import Viewer, visible_posts

ItemKey = tuple[int, int]  # (post id, answer id or 0 for the post itself)
Progress = Callable[[str], object]

LIKE_WEIGHT = 1.0
DOWNLOAD_WEIGHT = 1.0
LINK_WEIGHT = 2.0
ACCEPTED_WEIGHT = 3.0
DEPARTMENT_SPREAD = 0.15
COMMUNITY_SPREAD = 0.05
MAX_SPREAD = 2.0
# Period boundaries in windows of WINDOW_DAYS: [0, 1), [1, 2), [2, 3), [3, 6),
# [6, 12), [12, ...). Period 0 is the recent window, period 1 the previous one.
PERIOD_EDGES = (0, 1, 2, 3, 6, 12)
SPARKLINE_DAYS = 60


# The algorithm's thresholds (see the module's docstring). They belong to the algorithm, not
# to a deployment: they change here, with the tests, like the weights above.
SUSTAINED_DAYS = 21  # leading every daily snapshot this long makes the standard...
MIN_PEOPLE = 5  # ...with this many supporters...
MIN_DEPARTMENTS = 2  # ...in this many departments...
MIN_REUSE = 1  # ...reused this often (downloads, links, acceptance): likes alone are not enough
GRACE_DAYS = 7  # a standard not leading this long is demoted
EMERGING_MIN_PEOPLE = 3  # supporters an emerging item needs
COMPETING_PERCENT = 70  # the second competes when it scores this share of the leader
WINDOW_DAYS = 30  # the recent window, and the previous one before it
HALF_LIFE_DAYS = 90  # support weighs half as much after this long
TOP_N = 10  # each tag's top items are snapshotted daily...
SNAPSHOT_DAYS = 120  # ...and the snapshots kept this long


@dataclass(frozen=True)
class Thresholds:
    sustained_days: int = SUSTAINED_DAYS
    grace_days: int = GRACE_DAYS
    min_people: int = MIN_PEOPLE
    min_departments: int = MIN_DEPARTMENTS
    min_reuse: int = MIN_REUSE
    emerging_min_people: int = EMERGING_MIN_PEOPLE
    competing_percent: int = COMPETING_PERCENT
    window_days: int = WINDOW_DAYS
    half_life_days: int = HALF_LIFE_DAYS
    top_n: int = TOP_N
    snapshot_days: int = SNAPSHOT_DAYS

    @property
    def lookback_days(self) -> int:
        """How far back the rank-1 history is read to decide promotion and demotion."""
        return self.sustained_days + self.grace_days + 1

    def period_weights(self) -> list[float]:
        middles = [
            (low + high) / 2 for low, high in zip(PERIOD_EDGES, PERIOD_EDGES[1:], strict=False)
        ]
        middles.append(PERIOD_EDGES[-1] * 1.5)
        return [0.5 ** (m * self.window_days / self.half_life_days) for m in middles]


# What recompute_standards and the pages use (tests replace it to try other thresholds).
THRESHOLDS = Thresholds()


@dataclass(slots=True)
class ItemStats:
    """One item's support as of a day. Kept small (slots, no per-period lists): a run holds
    one for every supported post and answer, hundreds of thousands at scale."""

    decayed: float = 0.0  # weighted signals, each period's weighted by its decay
    recent: float = 0.0  # weighted signals of the recent window
    previous: float = 0.0  # ... and of the one before
    recent_count: int = 0  # plain signals (likes, downloaders, links, acceptances)
    previous_count: int = 0
    likes: int = 0
    downloaders: int = 0
    links: int = 0
    accepted: bool = False
    supporters: int = 0
    departments: int = 0
    communities: int = 0
    score: float = 0.0

    def add(self, period: int, count: int, weight: float, decay: Sequence[float]) -> None:
        self.decayed += count * weight * decay[period]
        if period == 0:
            self.recent += count * weight
            self.recent_count += count
        elif period == 1:
            self.previous += count * weight
            self.previous_count += count

    @property
    def growth(self) -> float:
        return self.recent - self.previous

    @property
    def spread(self) -> float:
        factor = (
            1
            + DEPARTMENT_SPREAD * max(0, self.departments - 1)
            + COMMUNITY_SPREAD * max(0, self.communities - 1)
        )
        return min(MAX_SPREAD, factor)

    @property
    def reuse(self) -> int:
        """Signals of reuse rather than approval: downloaders, links, an acceptance."""
        return self.downloaders + self.links + int(self.accepted)

    def finish(self) -> None:
        self.score = round(self.decayed * self.spread, 4)


@dataclass
class RecomputeSummary:
    day: date
    items: int = 0
    tags: int = 0
    snapshots: int = 0
    standards: int = 0
    emerging: int = 0
    contenders: int = 0
    former: int = 0
    promoted: list[str] = field(default_factory=list)
    demoted: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def lines(self) -> list[str]:
        head = (
            f"Standards as of {self.day}: {self.items:,} items scored in {self.tags:,} tags, "
            f"{self.snapshots:,} snapshots; {self.standards} standards, {self.emerging} "
            f"emerging, {self.contenders} contenders, {self.former} former "
            f"({self.seconds:.1f} s)."
        )
        return (
            [head]
            + [f"  promoted: {what}" for what in self.promoted]
            + [f"  demoted: {what}" for what in self.demoted]
        )


# --- Scoring -------------------------------------------------------------------------


class _Scorer:
    """The set-based queries of one run, as of `now`."""

    def __init__(self, now: datetime, thresholds: Thresholds) -> None:
        self.now = now
        self.today = timezone.localdate(now)
        self.t = thresholds
        self.private_ids = list(
            Community.objects.filter(visibility=Community.Visibility.PRIVATE).values_list(
                "pk", flat=True
            )
        )
        self.items: dict[ItemKey, ItemStats] = defaultdict(ItemStats)
        self.decay = thresholds.period_weights()

    # Eligibility -----------------------------------------------------------------------

    def post_ok(self, prefix: str) -> Q:
        """A live post, created by `now`, outside private communities."""
        q = Q(**{f"{prefix}deleted_at__isnull": True, f"{prefix}created_at__lte": self.now})
        if self.private_ids:
            q &= ~Q(**{f"{prefix}community_id__in": self.private_ids})
        return q

    def answer_ok(self, prefix: str, *, optional: bool = False) -> Q:
        q = Q(**{f"{prefix}deleted_at__isnull": True, f"{prefix}created_at__lte": self.now})
        return Q(**{f"{prefix}isnull": True}) | q if optional else q

    # Period filters --------------------------------------------------------------------

    def _edges(self) -> list[int]:
        return [edge * self.t.window_days for edge in PERIOD_EDGES]

    def periods_by_time(self, field_name: str, counted: str, *, distinct: bool) -> dict[str, Any]:
        days = self._edges()
        out: dict[str, Any] = {}
        for i, low in enumerate(days):
            q = Q(**{f"{field_name}__lte": self.now - timedelta(days=low)})
            if i + 1 < len(days):
                q &= Q(**{f"{field_name}__gt": self.now - timedelta(days=days[i + 1])})
            out[f"p{i}"] = Count(counted, filter=q, distinct=distinct)
        return out

    def periods_by_day(self, field_name: str, counted: str) -> dict[str, Any]:
        days = self._edges()
        out: dict[str, Any] = {}
        for i, low in enumerate(days):
            q = Q(**{f"{field_name}__lte": self.today - timedelta(days=low)})
            if i + 1 < len(days):
                q &= Q(**{f"{field_name}__gt": self.today - timedelta(days=days[i + 1])})
            out[f"p{i}"] = Count(counted, filter=q, distinct=True)
        return out

    def period_of(self, moment: datetime) -> int:
        """The period a moment falls in, as the conditional counts would put it."""
        age = (self.now - moment).total_seconds() / 86400
        return max(i for i, low in enumerate(self._edges()) if age >= low or i == 0)

    def _add_periods(self, key: ItemKey, row: dict[str, Any], weight: float) -> int:
        stats = self.items[key]
        total = 0
        for i in range(len(PERIOD_EDGES)):
            count = row[f"p{i}"]
            if count:
                stats.add(i, count, weight, self.decay)
                total += count
        return total

    # Signal queries (one GROUP BY each) -------------------------------------------------

    def post_likes(self) -> QuerySet[Like]:
        return Like.objects.filter(
            self.post_ok("post__"), post__isnull=False, created_at__lte=self.now
        ).order_by()

    def answer_likes(self) -> QuerySet[Like]:
        return Like.objects.filter(
            self.post_ok("answer__post__"),
            self.answer_ok("answer__"),
            answer__isnull=False,
            created_at__lte=self.now,
        ).order_by()

    def downloads(self) -> QuerySet[DraftDownload]:
        return DraftDownload.objects.filter(self.post_ok("post__"), day__lte=self.today).order_by()

    def links(self) -> QuerySet[ItemLink]:
        return (
            ItemLink.objects.filter(
                self.post_ok("target_post__"),
                self.answer_ok("target_answer__", optional=True),
                self.post_ok("source_post__"),
                self.answer_ok("source_answer__", optional=True),
                created_at__lte=self.now,
            )
            .exclude(source_post=F("target_post"))
            .order_by()
        )

    def acceptances(self) -> QuerySet[Post]:
        return (
            Post.objects.filter(
                self.post_ok(""),
                self.answer_ok("accepted_answer__"),
                accepted_answer__isnull=False,
            )
            .exclude(author_id=F("accepted_answer__author_id"))
            .order_by()
        )

    def score_signals(self) -> None:
        """Likes, downloaders, links and acceptances per item and period."""
        by_time = self.periods_by_time
        post_likes = self.post_likes().values("post_id")
        for row in post_likes.annotate(**by_time("created_at", "id", distinct=False)):
            key = (row["post_id"], 0)
            self.items[key].likes += self._add_periods(key, row, LIKE_WEIGHT)
        answer_likes = self.answer_likes().values("answer__post_id", "answer_id")
        for row in answer_likes.annotate(**by_time("created_at", "id", distinct=False)):
            key = (row["answer__post_id"], row["answer_id"])
            self.items[key].likes += self._add_periods(key, row, LIKE_WEIGHT)
        downloads = self.downloads().values("post_id")
        for row in downloads.annotate(
            total=Count("user_id", distinct=True), **self.periods_by_day("day", "user_id")
        ):
            key = (row["post_id"], 0)
            self._add_periods(key, row, DOWNLOAD_WEIGHT)
            self.items[key].downloaders = row["total"]
        links = self.links().values("target_post_id", "target_answer_id")
        for row in links.annotate(
            total=Count("source_post_id", distinct=True),
            **by_time("created_at", "source_post_id", distinct=True),
        ):
            key = (row["target_post_id"], row["target_answer_id"] or 0)
            self._add_periods(key, row, LINK_WEIGHT)
            self.items[key].links = row["total"]
        accepted = self.acceptances().values_list(
            "pk", "accepted_answer_id", "accepted_answer__created_at"
        )
        for post_id, answer_id, answered_at in accepted:
            stats = self.items[(post_id, answer_id)]
            stats.accepted = True
            stats.add(self.period_of(answered_at), 1, ACCEPTED_WEIGHT, self.decay)

    def score_support(self) -> None:
        """Distinct supporters, their departments and open communities per item: one
        GROUP BY over the UNION of (item, person) pairs of every signal."""
        zero = Value(0, output_field=BigIntegerField())
        parts: list[QuerySet[Any]] = [
            self.post_likes().values(p=F("post_id"), a=zero, u=F("user_id")),
            self.answer_likes().values(p=F("answer__post_id"), a=F("answer_id"), u=F("user_id")),
            self.downloads().values(p=F("post_id"), a=zero, u=F("user_id")),
            self.links().values(
                p=F("target_post_id"),
                a=Coalesce("target_answer_id", zero, output_field=BigIntegerField()),
                u=Coalesce(
                    "source_answer__author_id",
                    "source_post__author_id",
                    output_field=BigIntegerField(),
                ),
            ),
            self.acceptances().values(p=F("pk"), a=F("accepted_answer_id"), u=F("author_id")),
        ]
        compiled = [part.query.sql_with_params() for part in parts]
        quote = connection.ops.quote_name
        # Only quoted table names are formatted in; every value goes as a parameter.
        sql = (
            "SELECT s.p, s.a, COUNT(DISTINCT s.u), COUNT(DISTINCT pr.department_id), "  # noqa: S608
            "COUNT(DISTINCT m.community_id) "
            f"FROM ({' UNION '.join(part_sql for part_sql, _ in compiled)}) s "
            f"LEFT JOIN {quote(Profile._meta.db_table)} pr ON pr.user_id = s.u "
            f"LEFT JOIN {quote(Membership._meta.db_table)} m ON m.user_id = s.u "
            f"AND m.community_id IN (SELECT id FROM {quote(Community._meta.db_table)} "
            "WHERE visibility = %s) "
            "GROUP BY s.p, s.a"
        )
        params = [param for _, part_params in compiled for param in part_params]
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, Community.Visibility.OPEN])
            for post_id, answer_id, people, departments, communities in cursor.fetchall():
                stats = self.items.get((post_id, answer_id or 0))
                if stats is not None:
                    stats.supporters, stats.departments = people, departments
                    stats.communities = communities

    def tags_of_posts(self) -> dict[int, list[int]]:
        rows = TaggedPost.objects.filter(self.post_ok("content_object__")).values_list(
            "content_object_id", "tag_id"
        )
        posts = {key[0] for key in self.items}
        tags: dict[int, list[int]] = defaultdict(list)
        for post_id, tag_id in rows.order_by():
            if post_id in posts:
                tags[post_id].append(tag_id)
        return tags

    def rank(self) -> dict[int, list[ItemKey]]:
        """Every tag's items, best first."""
        for stats in self.items.values():
            stats.finish()
        by_post: dict[int, list[ItemKey]] = defaultdict(list)
        for key, stats in self.items.items():
            if stats.score > 0:
                by_post[key[0]].append(key)
        by_tag: dict[int, list[ItemKey]] = defaultdict(list)
        for post_id, tag_ids in self.tags_of_posts().items():
            for key in by_post.get(post_id, ()):
                for tag_id in tag_ids:
                    by_tag[tag_id].append(key)
        for keys in by_tag.values():
            keys.sort(key=self.order)
        return by_tag

    def order(self, key: ItemKey) -> tuple[float, int, int, int, int]:
        s = self.items[key]
        return (-s.score, -s.supporters, -s.departments, key[0], key[1])


# --- States ----------------------------------------------------------------------------

Pair = tuple[int, ItemKey]  # (tag id, item)
# What a row remembers of its past; everything else in `evidence` is today's.
HISTORY_KEYS = ("standard_since", "demoted_because", "last_led")
SUPPORT_FELL = "its support fell below the thresholds"


@dataclass
class _Wanted:
    """The row a (tag, item) should have after this run."""

    status: str
    competing: bool = False
    led_since: date | None = None
    evidence: dict[str, Any] = field(default_factory=dict)


def _evidence(stats: ItemStats, rank: int) -> dict[str, Any]:
    return {
        "score": round(stats.score, 2),
        "rank": rank,
        "likes": stats.likes,
        "downloaders": stats.downloaders,
        "links": stats.links,
        "accepted": stats.accepted,
        "people": stats.supporters,
        "departments": stats.departments,
        "communities": stats.communities,
        "recent": stats.recent_count,
        "previous": stats.previous_count,
        "growth": round(stats.growth, 2),
    }


def _history_of(row: Standard) -> dict[str, Any]:
    return {k: row.evidence[k] for k in HISTORY_KEYS if k in row.evidence}


class _History:
    """Who led each tag on each day a run stored snapshots, within the lookback."""

    def __init__(self, today: date, thresholds: Thresholds) -> None:
        start = today - timedelta(days=thresholds.lookback_days)
        window = StandingSnapshot.objects.filter(day__gte=start, day__lte=today).order_by()
        self.days = sorted(set(window.values_list("day", flat=True).distinct()), reverse=True)
        self.leaders: dict[int, dict[date, ItemKey]] = defaultdict(dict)
        for tag_id, day, post_id, answer_id in window.filter(rank=1).values_list(
            "tag_id", "day", "post_id", "answer_id"
        ):
            self.leaders[tag_id][day] = (post_id, answer_id or 0)

    def led_since(self, tag_id: int, key: ItemKey, known: date | None) -> date | None:
        """First day of the unbroken run of days up to today on which `key` led the tag."""
        since: date | None = None
        leaders = self.leaders.get(tag_id, {})
        for day in self.days:
            if leaders.get(day) != key:
                return since
            since = day
        # It led on every run day of the lookback: an earlier start already known holds.
        if since is not None and known is not None and known < since:
            return known
        return since

    def last_led(self, tag_id: int, key: ItemKey) -> date | None:
        leaders = self.leaders.get(tag_id, {})
        return next((day for day in self.days if leaders.get(day) == key), None)


def recompute_standards(
    *,
    now: datetime | None = None,
    thresholds: Thresholds | None = None,
    progress: Progress = lambda stage: None,
) -> RecomputeSummary:
    """Score every item in every tag as of `now` (default: the current time), store that
    day's snapshots of each tag's top items, and move items between the states described
    in this module's docstring. A second run on the same day replaces that day's snapshots;
    runs for past days (oldest first) rebuild the history. Writes in one transaction and
    sends nothing. `progress` is called with the name of each stage."""
    started = time.monotonic()
    t = thresholds or THRESHOLDS
    scorer = _Scorer(now or timezone.now(), t)
    today = scorer.today
    summary = RecomputeSummary(day=today)
    progress("signals")
    scorer.score_signals()
    progress("supporters")
    scorer.score_support()
    progress("ranking")
    ranked = scorer.rank()
    items = scorer.items
    summary.items = sum(1 for stats in items.values() if stats.score > 0)
    summary.tags = len(ranked)
    existing = {(row.tag_id, row.item_key): row for row in Standard.objects.all()}
    by_tag: dict[int, dict[ItemKey, Standard]] = defaultdict(dict)
    for (tag_id, key), row in existing.items():
        by_tag[tag_id][key] = row
    risers = _risers(ranked, items, by_tag, t)
    snapshots = _snapshots(ranked, items, by_tag, risers, today, t)
    summary.snapshots = len(snapshots)
    progress("states")
    with transaction.atomic():
        retention = max(t.snapshot_days, t.lookback_days + 1, SPARKLINE_DAYS)
        StandingSnapshot.objects.filter(day__lt=today - timedelta(days=retention)).delete()
        StandingSnapshot.objects.filter(day=today).delete()
        StandingSnapshot.objects.bulk_create(snapshots, batch_size=1000)
        history = _History(today, t)
        wanted = _decide(ranked, items, by_tag, risers, history, today, t)
        wanted |= _keep_unranked(existing, wanted, scorer)
        _write(existing, wanted, today, scorer.now, summary)
    for want in wanted.values():
        if want.status == Standard.Status.STANDARD:
            summary.standards += 1
        elif want.status == Standard.Status.EMERGING:
            summary.emerging += 1
        elif want.status == Standard.Status.CONTENDER:
            summary.contenders += 1
        else:
            summary.former += 1
    summary.seconds = time.monotonic() - started
    return summary


def _risers(
    ranked: dict[int, list[ItemKey]],
    items: dict[ItemKey, ItemStats],
    by_tag: dict[int, dict[ItemKey, Standard]],
    t: Thresholds,
) -> dict[int, list[ItemKey]]:
    """Each tag's two fastest-growing items with enough supporters, other than its
    standard: the first that is not promoted today is the tag's emerging item."""
    risers: dict[int, list[ItemKey]] = {}
    for tag_id, keys in ranked.items():
        rows = by_tag.get(tag_id, {})
        growing = [
            key
            for key in keys
            if items[key].growth > 0
            and items[key].supporters >= t.emerging_min_people
            and not (key in rows and rows[key].status == Standard.Status.STANDARD)
        ]
        if growing:
            # Stable sort: ties go to the higher-ranked item.
            growing.sort(key=lambda key: -items[key].growth)
            risers[tag_id] = growing[:2]
    return risers


def _snapshots(
    ranked: dict[int, list[ItemKey]],
    items: dict[ItemKey, ItemStats],
    by_tag: dict[int, dict[ItemKey, Standard]],
    risers: dict[int, list[ItemKey]],
    today: date,
    t: Thresholds,
) -> list[StandingSnapshot]:
    """Each tag's top N, its fastest risers and the items it already shows."""
    snapshots: list[StandingSnapshot] = []
    for tag_id, keys in ranked.items():
        keep = set(keys[: t.top_n]) | set(by_tag.get(tag_id, {})) | set(risers.get(tag_id, ()))
        for rank, key in enumerate(keys, start=1):
            if key not in keep:
                continue
            stats = items[key]
            snapshots.append(
                StandingSnapshot(
                    tag_id=tag_id,
                    post_id=key[0],
                    answer_id=key[1] or None,
                    day=today,
                    score=stats.score,
                    rank=rank,
                    supporters=stats.supporters,
                    departments=stats.departments,
                    communities=stats.communities,
                )
            )
    return snapshots


def _decide(
    ranked: dict[int, list[ItemKey]],
    items: dict[ItemKey, ItemStats],
    by_tag: dict[int, dict[ItemKey, Standard]],
    risers: dict[int, list[ItemKey]],
    history: _History,
    today: date,
    t: Thresholds,
) -> dict[Pair, _Wanted]:
    """The state machine, for every tag with support today."""
    standard, former = Standard.Status.STANDARD, Standard.Status.FORMER
    wanted: dict[Pair, _Wanted] = {}

    def supported(key: ItemKey) -> bool:
        stats = items[key]
        return (
            stats.supporters >= t.min_people
            and stats.departments >= t.min_departments
            and stats.reuse >= t.min_reuse
        )

    for tag_id, keys in ranked.items():
        rows = by_tag.get(tag_id, {})
        position = {key: i for i, key in enumerate(keys)}
        mine: dict[ItemKey, _Wanted] = {}
        leader = keys[0]
        old = rows.get(leader)
        led_since = history.led_since(tag_id, leader, old.led_since if old else None)
        # The leader is promoted after leading long enough, and held while supported.
        if old is not None and old.status == standard:
            mine[leader] = (
                _Wanted(standard)
                if supported(leader)
                else _Wanted(
                    former,
                    evidence={"demoted_because": SUPPORT_FELL, "standard_since": str(old.since)},
                )
            )
        elif (
            led_since is not None
            and (today - led_since).days >= t.sustained_days
            and supported(leader)
        ):
            mine[leader] = _Wanted(standard)
        # A standard that no longer leads keeps its status for the grace period.
        for key, row in rows.items():
            if row.status != standard or key == leader or key not in position:
                continue  # (one with no support left in the tag: see _keep_unranked)
            last = history.last_led(tag_id, key)
            evidence: dict[str, Any] = {"last_led": str(last) if last else None}
            if not supported(key):
                reason = SUPPORT_FELL
            elif last is None or (today - last).days >= t.grace_days:
                reason = f"another item has led for {t.grace_days} days or more"
            else:
                mine[key] = _Wanted(standard, evidence=evidence)
                continue
            evidence |= {"demoted_because": reason, "standard_since": str(row.since)}
            mine[key] = _Wanted(former, evidence=evidence)
        riser = next(
            (k for k in risers.get(tag_id, ()) if k not in mine or mine[k].status != standard), None
        )
        if riser is not None:
            want = mine.setdefault(riser, _Wanted(Standard.Status.EMERGING))
            want.status = Standard.Status.EMERGING  # (rather than former)
        # The top two compete when both are strong and the second is close.
        if len(keys) > 1:
            first, second = items[keys[0]], items[keys[1]]
            close = second.score * 100 >= t.competing_percent * first.score
            if close and min(first.supporters, second.supporters) >= t.min_people:
                for key, other in ((keys[0], keys[1]), (keys[1], keys[0])):
                    want = mine.setdefault(key, _Wanted(Standard.Status.CONTENDER))
                    if want.status == former:
                        want.status = Standard.Status.CONTENDER
                    want.competing = True
                    want.evidence["competing_with"] = list(other)
        # Former standards stay as history.
        for key, row in rows.items():
            if row.status == former and key in position:
                mine.setdefault(key, _Wanted(former, evidence=_history_of(row)))
        for key, want in mine.items():
            if key == leader:
                want.led_since = led_since
            want.evidence = _evidence(items[key], position[key] + 1) | want.evidence
            if want.led_since is not None:
                want.evidence["led_days"] = (today - want.led_since).days
            wanted[(tag_id, key)] = want
    return wanted


def _keep_unranked(
    existing: dict[Pair, Standard], wanted: dict[Pair, _Wanted], scorer: _Scorer
) -> dict[Pair, _Wanted]:
    """Standards and former standards with no support left in their tag (every other one
    has a wanted row by now) are kept as former while the item is alive, public and still
    tagged; the others go."""
    rows = [
        row
        for pair, row in existing.items()
        if pair not in wanted and row.status in (Standard.Status.STANDARD, Standard.Status.FORMER)
    ]
    if not rows:
        return {}
    posts = Post.objects.filter(scorer.post_ok(""), pk__in={r.post_id for r in rows})
    alive_posts = set(posts.values_list("pk", flat=True))
    answers = Answer.objects.filter(
        scorer.answer_ok(""), pk__in={r.answer_id for r in rows if r.answer_id}
    )
    alive_answers = set(answers.values_list("pk", flat=True))
    tagged = set(
        TaggedPost.objects.filter(content_object_id__in=alive_posts).values_list(
            "tag_id", "content_object_id"
        )
    )
    kept: dict[Pair, _Wanted] = {}
    for row in rows:
        if (row.tag_id, row.post_id) not in tagged:
            continue
        if row.answer_id and row.answer_id not in alive_answers:
            continue
        evidence = _history_of(row)
        if row.status == Standard.Status.STANDARD:
            evidence |= {"demoted_because": SUPPORT_FELL, "standard_since": str(row.since)}
        kept[(row.tag_id, row.item_key)] = _Wanted(Standard.Status.FORMER, evidence=evidence)
    return kept


def _write(
    existing: dict[Pair, Standard],
    wanted: dict[Pair, _Wanted],
    today: date,
    now: datetime,
    summary: RecomputeSummary,
) -> None:
    gone = [row.pk for pair, row in existing.items() if pair not in wanted]
    if gone:
        Standard.objects.filter(pk__in=gone).delete()
    changed: list[Standard] = []
    new: list[Standard] = []
    promoted: list[Pair] = []
    demoted: list[Pair] = []
    for pair, want in wanted.items():
        row = existing.get(pair)
        if row is None:
            row = Standard(
                tag_id=pair[0], post_id=pair[1][0], answer_id=pair[1][1] or None, since=today
            )
            row.status = ""
            new.append(row)
        else:
            changed.append(row)
        if row.status != want.status:
            row.since = today
            if want.status == Standard.Status.STANDARD:
                promoted.append(pair)
            elif row.status == Standard.Status.STANDARD:
                demoted.append(pair)
        row.status = want.status
        row.competing = want.competing
        row.led_since = want.led_since
        row.evidence = want.evidence
        row.updated_at = now
    Standard.objects.bulk_create(new, batch_size=500)
    fields = ["status", "since", "competing", "led_since", "evidence", "updated_at"]
    Standard.objects.bulk_update(changed, fields, batch_size=500)
    names = dict(
        Tag.objects.filter(pk__in={tag_id for tag_id, _ in promoted + demoted}).values_list(
            "pk", "name"
        )
    )
    summary.promoted = [_describe(names, *pair) for pair in promoted]
    summary.demoted = [_describe(names, *pair) for pair in demoted]


def _describe(tag_names: dict[int, str], tag_id: int, key: ItemKey) -> str:
    what = f"answer {key[1]} to post {key[0]}" if key[1] else f"post {key[0]}"
    return f"#{tag_names.get(tag_id, tag_id)}: {what}"


# --- Reading, for pages --------------------------------------------------------------


def visible_standards(viewer: Viewer) -> QuerySet[Standard]:
    """Rows whose item the viewer may see (never a private community's, even if one turned
    private after the last run), with what a listing shows."""
    # A correlated EXISTS probes each row's post by primary key, where an IN (subquery)
    # would list every visible post first.
    visible = visible_posts(viewer).filter(pk=OuterRef("post_id"))
    return (
        Standard.objects.shown()
        .filter(Exists(visible))
        .select_related("tag", "post__author__profile", "answer__author__profile")
    )


STATUS_ORDER = {
    Standard.Status.STANDARD.value: 0,
    Standard.Status.CONTENDER.value: 1,
    Standard.Status.EMERGING.value: 2,
    Standard.Status.FORMER.value: 3,
}


@dataclass
class Sparkline:
    points: str
    width: int
    height: int
    label: str
    days: int


@dataclass
class Shown:
    """A Standard row as a page shows it: what the item is, and why it stands."""

    row: Standard
    title: str
    url: str
    kind: str
    excerpt: str
    reasons: list[str]
    since: str
    sparkline: Sparkline | None = None


@dataclass
class TagStandards:
    standards: list[Shown] = field(default_factory=list)
    competing: list[Shown] = field(default_factory=list)
    emerging: list[Shown] = field(default_factory=list)
    former: list[Shown] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.standards or self.competing or self.emerging or self.former)


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def reasons(evidence: dict[str, Any]) -> list[str]:
    """The evidence in words: who supports the item and how, never a bare score."""
    out: list[str] = []
    people, departments = evidence.get("people", 0), evidence.get("departments", 0)
    if people:
        where = f" in {_plural(departments, 'department')}" if departments else ""
        out.append(f"{_plural(people, 'person', 'people')}{where}")
    if evidence.get("likes"):
        out.append(f"liked by {evidence['likes']}")
    if evidence.get("downloaders"):
        out.append(f"downloaded by {evidence['downloaders']}")
    if evidence.get("links"):
        out.append(f"linked from {_plural(evidence['links'], 'post')}")
    if evidence.get("accepted"):
        out.append("accepted")
    return out


def _day(iso: str | None) -> str:
    day = parse_date(iso or "")
    return format_when(day) if day else "?"


def _since(row: Standard) -> str:
    e = row.evidence
    day = format_when(row.since)
    if row.status == Standard.Status.STANDARD:
        led = e.get("led_days")
        text = f"Standard since {day}"
        if led is not None and row.led_since is not None:
            text += f"; has led #{row.tag.name} for {_plural(led, 'day')}"
        elif e.get("last_led"):
            text += f"; challenged, last led on {_day(e['last_led'])}"
        return text
    if row.status == Standard.Status.FORMER:
        began = _day(e.get("standard_since"))
        because = e.get("demoted_because", "another item leads")
        return f"Former standard, from {began} to {day}: {because}"
    recent, previous = e.get("recent", 0), e.get("previous", 0)
    return (
        f"{_plural(recent, 'new sign')} of support in the last {THRESHOLDS.window_days} "
        f"days, {previous} in the {THRESHOLDS.window_days} before"
    )


def _plain(body_html: str, limit: int = 180) -> str:
    """Text of stored HTML for an excerpt (the template escapes it again): blocks stay
    apart and a table is summed up, not run into the text (intranet.lib.excerpts)."""
    return plain_excerpt(body_html, limit)


def show(row: Standard) -> Shown:
    post, answer = row.post, row.answer
    if answer is not None:
        kind = f"Answer by {answer.author.profile.display_name}"
        title = f"Answer to “{post.display_title}”"
        url = f"{post.get_absolute_url()}#answer-{answer.pk}"
        excerpt = _plain(answer.body_html)
    else:
        kind = f"{post.get_kind_display()} by {post.author.profile.display_name}"
        title, url = post.display_title, post.get_absolute_url()
        excerpt = _plain(post.body_html) if post.title else ""
    return Shown(
        row=row,
        title=title,
        url=url,
        kind=kind,
        excerpt=excerpt,
        reasons=reasons(row.evidence),
        since=_since(row),
    )


def _group(rows: Iterable[Standard]) -> TagStandards:
    grouped = TagStandards()
    for row in sorted(rows, key=lambda r: (STATUS_ORDER[r.status], r.evidence.get("rank", 0))):
        shown = show(row)
        if row.competing:
            grouped.competing.append(shown)
        elif row.status == Standard.Status.STANDARD:
            grouped.standards.append(shown)
        elif row.status == Standard.Status.EMERGING:
            grouped.emerging.append(shown)
        elif row.status == Standard.Status.FORMER:
            grouped.former.append(shown)
    grouped.competing.sort(key=lambda s: s.row.evidence.get("rank", 0))
    return grouped


def standards_for_tag(viewer: Viewer, tag_id: int) -> TagStandards:
    """The tag page's Standards section, in one query."""
    return _group(visible_standards(viewer).filter(tag_id=tag_id))


def sparkline(values: Sequence[tuple[int, float]], *, days: int, width: int = 160) -> Sparkline:
    """An SVG polyline of (day offset, score) points; the page draws it without script."""
    height, pad = 28, 2
    top = max((v for _, v in values), default=0) or 1
    points = " ".join(
        f"{pad + (width - 2 * pad) * x / max(1, days - 1):.1f},"
        f"{height - pad - (height - 2 * pad) * v / top:.1f}"
        for x, v in values
    )
    first, last = (values[0][1], values[-1][1]) if values else (0, 0)
    label = f"Score over the last {days} days: from {first:.0f} to {last:.0f}"
    return Sparkline(points=points, width=width, height=height, label=label, days=days)


def with_sparklines(shown: list[Shown]) -> None:
    """Attach each item's trend, up to the last run, from the snapshots (one query)."""
    if not shown:
        return
    today = timezone.localdate(max(s.row.updated_at for s in shown))
    start = today - timedelta(days=SPARKLINE_DAYS - 1)
    rows = StandingSnapshot.objects.filter(
        tag_id__in={s.row.tag_id for s in shown},
        post_id__in={s.row.post_id for s in shown},
        day__gte=start,
        day__lte=today,
    ).values_list("tag_id", "post_id", "answer_id", "day", "score")
    series: dict[tuple[int, ItemKey], list[tuple[int, float]]] = defaultdict(list)
    for tag_id, post_id, answer_id, day, score in rows.order_by("day"):
        series[(tag_id, (post_id, answer_id or 0))].append(((day - start).days, score))
    for s in shown:
        values = series.get((s.row.tag_id, s.row.item_key), [])
        s.sparkline = sparkline(values, days=SPARKLINE_DAYS) if len(values) > 1 else None


def attach_badges(post: Post, answers: Iterable[Answer]) -> list[Standard]:
    """Badges of a post page (one query): sets `standard_badges` on each answer and returns
    the post's own. The post is already known to be visible to the viewer."""
    rows = list(Standard.objects.badges().filter(post=post).select_related("tag"))
    for answer in answers:
        answer.standard_badges = [r for r in rows if r.answer_id == answer.pk]  # type: ignore[attr-defined]
    return [r for r in rows if r.answer_id is None]


TAGS_PER_PAGE = 20


@dataclass
class TagSection:
    name: str
    slug: str
    standing: TagStandards


def standards_overview(
    viewer: Viewer, *, page: str | int | None
) -> tuple[Page[Any], list[TagSection]]:
    """The company-wide page: per tag (standards first, TAGS_PER_PAGE a page), its standards,
    competing and emerging items with their trend. Four queries whatever the page holds."""
    rows = visible_standards(viewer).exclude(status=Standard.Status.FORMER)
    # Topics with an established standard first, then those with competing items, then
    # those with only emerging ones; by name within each.
    best: dict[tuple[int, str, str], int] = {}
    for tag_id, name, slug, status, competing in rows.values_list(
        "tag_id", "tag__name", "tag__slug", "status", "competing"
    ):
        order = 0 if status == Standard.Status.STANDARD else 1 if competing else 2
        key = (tag_id, name, slug)
        best[key] = min(order, best.get(key, order))
    tags = sorted(best, key=lambda tag: (best[tag], tag[1]))
    paged = Paginator(list(tags), TAGS_PER_PAGE).get_page(page)
    by_tag: dict[int, list[Standard]] = defaultdict(list)
    for row in rows.filter(tag_id__in=[tag_id for tag_id, _, _ in paged]):
        by_tag[row.tag_id].append(row)
    sections = [
        TagSection(name=name, slug=slug, standing=_group(by_tag[tag_id]))
        for tag_id, name, slug in paged
    ]
    with_sparklines([s for section in sections for s in _all_shown(section.standing)])
    return paged, sections


def _all_shown(standing: TagStandards) -> list[Shown]:
    return [*standing.standards, *standing.competing, *standing.emerging, *standing.former]
