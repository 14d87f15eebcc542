"""Scoring: the set-based queries that sum each item's signals per period of age,
its supporters and their spread, and rank the items of every tag.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import BigIntegerField, Count, F, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from profiles.models import Profile
from questions.models import (
    Community,
    DraftDownload,
    ItemKey,
    ItemLink,
    Like,
    Membership,
    Post,
    TaggedPost,
)
from questions.standards.config import Thresholds
from reports.standards.weights import (
    ACCEPTED_WEIGHT,
    COMMUNITY_SPREAD,
    DEPARTMENT_SPREAD,
    DOWNLOAD_WEIGHT,
    LIKE_WEIGHT,
    LINK_WEIGHT,
    MAX_SPREAD,
    PERIOD_EDGES,
    period_weights,
)


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


class Scorer:
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
        self.decay = period_weights(thresholds)

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
