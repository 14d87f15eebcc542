"""De facto standards over time, from Standard rows and daily leader snapshots."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from questions.models import Standard, StandingSnapshot
from reports import defacto
from reports.periods import DateRange
from tests.reports.conftest import days_ago


@pytest.fixture
def world(make_user, make_question):
    author = make_user("writer")
    k8s = Tag.objects.create(name="kubernetes", slug="kubernetes")
    helm = Tag.objects.create(name="helm", slug="helm")
    a = make_question(author=author, title="Drain nodes like this")
    b = make_question(author=author, title="Old helm chart layout")
    c = make_question(author=author, title="New helm chart layout")
    standard = Standard.objects.create(
        tag=k8s, post=a, status="standard", since=days_ago(10), evidence={"led_days": 31}
    )
    former = Standard.objects.create(
        tag=helm,
        post=b,
        status="former",
        since=days_ago(3),
        evidence={"standard_since": str(days_ago(40)), "demoted_because": "support fell"},
    )
    emerging = Standard.objects.create(tag=helm, post=c, status="emerging", since=days_ago(2))
    # Leaders of #helm: b for days 9..5, then c from day 4 on: one change, 4 days ago.
    for n in range(9, 0, -1):
        leader = b if n > 4 else c
        StandingSnapshot.objects.create(
            tag=helm,
            post=leader,
            day=days_ago(n),
            score=1,
            rank=1,
            supporters=1,
            departments=1,
            communities=1,
        )
    return {"standard": standard, "former": former, "emerging": emerging, "helm": helm}


def period(days: int = 60) -> DateRange:
    return DateRange(timezone.localdate() - timedelta(days=days), timezone.localdate())


def test_established_standards_per_week(world):
    rows = list(Standard.objects.all())
    today = timezone.localdate()
    # 50 days ago, so that its week ends before #helm became the standard (40 days ago)
    # whatever weekday today is.
    weeks = [today - timedelta(days=50), today - timedelta(days=20), today - timedelta(days=7)]
    # 50 days ago: none; 20 days ago: #helm's old standard; a week ago: #kubernetes (and
    # #helm's, demoted 3 days ago, still stood at the end of that week).
    counts = defacto.established_per_week(rows, [w - timedelta(days=w.weekday()) for w in weeks])
    assert counts[0] == 0 and counts[1] == 1
    assert counts[2] in (1, 2)


def test_leader_changes_per_tag(world):
    per_week, per_tag = defacto.leader_changes(period())
    assert per_tag == {world["helm"].pk: 1}
    assert sum(per_week.values()) == 1


def test_changes_of_standing_in_the_period(world, staff):
    report = defacto.build(period(), staff)
    changes = [(row[0], row[1], row[2]) for row in report.table("changes").rows]
    assert (days_ago(10), "#kubernetes", "became the standard") in changes
    assert (days_ago(40), "#helm", "became the standard") in changes
    assert (days_ago(3), "#helm", "lost its standing: support fell") in changes
    assert (days_ago(2), "#helm", "started rising (emerging)") in changes
    figures = {f.label: f.value for f in report.figures}
    assert figures == {
        "Topics with a standard": 1,
        "Emerging items": 1,
        "New standards": 2,
        "Changes of leader": 1,
    }


def test_topics_table(world, staff):
    rows = {row[0]: row for row in defacto.build(period(), staff).table("topics").rows}
    assert rows["#kubernetes"][1].text == "Drain nodes like this"
    assert rows["#kubernetes"][2:4] == [days_ago(10), 31]
    assert rows["#helm"][1] is None and rows["#helm"][4].text == "New helm chart layout"
    assert rows["#helm"][6:] == [1, 1]


def test_page(world, staff, client_for):
    page = client_for(staff).get(reverse("reports:standards_report")).content.decode()
    assert "<svg" in page and "Drain nodes like this" in page
