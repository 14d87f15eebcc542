"""Reading, for pages: the standards a viewer may see, grouped and described in words,
with their trend and the badges of a post page.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date

from intranet.lib.dates import format_when
from intranet.lib.excerpts import plain_excerpt
from questions.models import Answer, ItemKey, Post, Standard, StandingSnapshot
from questions.permissions import Viewer, visible_posts
from questions.standards import config
from questions.standards.config import SPARKLINE_DAYS

if TYPE_CHECKING:
    from questions.fragments import AnswerRow


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
        f"{_plural(recent, 'new sign')} of support in the last {config.THRESHOLDS.window_days} "
        f"days, {previous} in the {config.THRESHOLDS.window_days} before"
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


def attach_badges(post: Post, answers: Iterable[Answer | AnswerRow]) -> list[Standard]:
    """Badges of a post page (one query): sets `standard_badges` on each answer and returns
    the post's own. The post is already known to be visible to the viewer."""
    rows = list(Standard.objects.badges().filter(post=post).select_related("tag"))
    for answer in answers:
        answer.standard_badges = [r for r in rows if r.answer_id == answer.pk]  # type: ignore[union-attr]
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
