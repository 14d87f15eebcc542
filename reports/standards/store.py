"""The daily run: score, snapshot each tag's top items, decide the states and write
them, in one transaction.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone
from taggit.models import Tag

from questions.models import ItemKey, Standard, StandingSnapshot
from questions.standards import config
from questions.standards.config import SPARKLINE_DAYS, Thresholds
from reports.standards.scoring import ItemStats, Scorer
from reports.standards.states import History, Pair, Wanted, decide, find_risers, keep_unranked

Progress = Callable[[str], object]


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


def recompute_standards(
    *,
    now: datetime | None = None,
    thresholds: Thresholds | None = None,
    progress: Progress = lambda stage: None,
) -> RecomputeSummary:
    """Score every item in every tag as of `now` (default: the current time), store that
    day's snapshots of each tag's top items, and move items between the states described
    in reports.standards. A second run on the same day replaces that day's snapshots;
    runs for past days (oldest first) rebuild the history. Writes in one transaction and
    sends nothing. `progress` is called with the name of each stage."""
    started = time.monotonic()
    t = thresholds or config.THRESHOLDS
    scorer = Scorer(now or timezone.now(), t)
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
    risers = find_risers(ranked, items, by_tag, t)
    snapshots = _snapshots(ranked, items, by_tag, risers, today, t)
    summary.snapshots = len(snapshots)
    progress("states")
    with transaction.atomic():
        retention = max(t.snapshot_days, t.lookback_days + 1, SPARKLINE_DAYS)
        StandingSnapshot.objects.filter(day__lt=today - timedelta(days=retention)).delete()
        StandingSnapshot.objects.filter(day=today).delete()
        StandingSnapshot.objects.bulk_create(snapshots, batch_size=1000)
        history = History(today, t)
        wanted = decide(ranked, items, by_tag, risers, history, today, t)
        wanted |= keep_unranked(existing, wanted, scorer)
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


def _write(
    existing: dict[Pair, Standard],
    wanted: dict[Pair, Wanted],
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
