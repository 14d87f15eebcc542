"""The state machine: which item of a tag is its standard, former standard, emerging
item or contender after a run, from today's ranking and the daily leaders before it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from questions.models import Answer, ItemKey, Post, Standard, StandingSnapshot, TaggedPost
from questions.standards.config import Thresholds
from reports.standards.scoring import ItemStats, Scorer

Pair = tuple[int, ItemKey]  # (tag id, item)
# What a row remembers of its past; everything else in `evidence` is today's.
HISTORY_KEYS = ("standard_since", "demoted_because", "last_led")
SUPPORT_FELL = "its support fell below the thresholds"


@dataclass
class Wanted:
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


class History:
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


def find_risers(
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


def decide(
    ranked: dict[int, list[ItemKey]],
    items: dict[ItemKey, ItemStats],
    by_tag: dict[int, dict[ItemKey, Standard]],
    risers: dict[int, list[ItemKey]],
    history: History,
    today: date,
    t: Thresholds,
) -> dict[Pair, Wanted]:
    """The state machine, for every tag with support today."""
    standard, former = Standard.Status.STANDARD, Standard.Status.FORMER
    wanted: dict[Pair, Wanted] = {}

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
        mine: dict[ItemKey, Wanted] = {}
        leader = keys[0]
        old = rows.get(leader)
        led_since = history.led_since(tag_id, leader, old.led_since if old else None)
        # The leader is promoted after leading long enough, and held while supported.
        if old is not None and old.status == standard:
            mine[leader] = (
                Wanted(standard)
                if supported(leader)
                else Wanted(
                    former,
                    evidence={"demoted_because": SUPPORT_FELL, "standard_since": str(old.since)},
                )
            )
        elif (
            led_since is not None
            and (today - led_since).days >= t.sustained_days
            and supported(leader)
        ):
            mine[leader] = Wanted(standard)
        # A standard that no longer leads keeps its status for the grace period.
        for key, row in rows.items():
            if row.status != standard or key == leader or key not in position:
                continue  # (one with no support left in the tag: see keep_unranked)
            last = history.last_led(tag_id, key)
            evidence: dict[str, Any] = {"last_led": str(last) if last else None}
            if not supported(key):
                reason = SUPPORT_FELL
            elif last is None or (today - last).days >= t.grace_days:
                reason = f"another item has led for {t.grace_days} days or more"
            else:
                mine[key] = Wanted(standard, evidence=evidence)
                continue
            evidence |= {"demoted_because": reason, "standard_since": str(row.since)}
            mine[key] = Wanted(former, evidence=evidence)
        riser = next(
            (k for k in risers.get(tag_id, ()) if k not in mine or mine[k].status != standard), None
        )
        if riser is not None:
            want = mine.setdefault(riser, Wanted(Standard.Status.EMERGING))
            want.status = Standard.Status.EMERGING  # (rather than former)
        # The top two compete when both are strong and the second is close.
        if len(keys) > 1:
            first, second = items[keys[0]], items[keys[1]]
            close = second.score * 100 >= t.competing_percent * first.score
            if close and min(first.supporters, second.supporters) >= t.min_people:
                for key, other in ((keys[0], keys[1]), (keys[1], keys[0])):
                    want = mine.setdefault(key, Wanted(Standard.Status.CONTENDER))
                    if want.status == former:
                        want.status = Standard.Status.CONTENDER
                    want.competing = True
                    want.evidence["competing_with"] = list(other)
        # Former standards stay as history.
        for key, row in rows.items():
            if row.status == former and key in position:
                mine.setdefault(key, Wanted(former, evidence=_history_of(row)))
        for key, want in mine.items():
            if key == leader:
                want.led_since = led_since
            want.evidence = _evidence(items[key], position[key] + 1) | want.evidence
            if want.led_since is not None:
                want.evidence["led_days"] = (today - want.led_since).days
            wanted[(tag_id, key)] = want
    return wanted


def keep_unranked(
    existing: dict[Pair, Standard], wanted: dict[Pair, Wanted], scorer: Scorer
) -> dict[Pair, Wanted]:
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
    kept: dict[Pair, Wanted] = {}
    for row in rows:
        if (row.tag_id, row.post_id) not in tagged:
            continue
        if row.answer_id and row.answer_id not in alive_answers:
            continue
        evidence = _history_of(row)
        if row.status == Standard.Status.STANDARD:
            evidence |= {"demoted_because": SUPPORT_FELL, "standard_since": str(row.since)}
        kept[(row.tag_id, row.item_key)] = Wanted(Standard.Status.FORMER, evidence=evidence)
    return kept
