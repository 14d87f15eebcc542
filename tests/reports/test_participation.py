"""Participation, share of voice and sentiment trends against a hand-made week and months."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from questions.actions import set_like
from questions.models import Like, Post
from reports import participation
from reports.periods import DateRange, week_of


@pytest.fixture
def week(make_user, make_department, make_question, make_answer, move, make_community):
    """Last week: Ann and Ben post, Cat answers, Ann also likes; a private community's post."""
    eng, sales = make_department("Engineering"), make_department("Sales")
    ann = make_user("ann", department=eng)
    ben = make_user("ben", department=sales)
    cat = make_user("cat", department=eng)
    monday = week_of(timezone.localdate()) - timedelta(days=7)
    platform = make_community("Platform", owner=ann)
    q1 = make_question(author=ann, title="One", community=platform)
    q2 = make_question(author=ben, title="Two")
    answer = make_answer(post=q1, author=cat)
    set_like(user=ann, post=q2, liked=True)
    for obj in (q1, q2, answer, Like.objects.get(user=ann)):
        move(obj, monday + timedelta(days=2))
    return {"monday": monday}


def period() -> DateRange:
    today = timezone.localdate()
    return DateRange(today - timedelta(days=27), today)


def test_weekly_people_are_distinct_per_role(week):
    weeks = {w.monday: w for w in participation.weekly(period())}
    w = weeks[week["monday"]]
    assert (w.active, w.posters, w.answerers, w.likers) == (3, 2, 1, 1)
    assert (w.posts, w.answers) == (2, 1)
    assert sum(x.active for x in weeks.values()) == 3


def test_share_of_voice_by_department_and_community(week, staff):
    report = participation.build(period(), staff)
    departments = {row[0]: row for row in report.table("departments").rows}
    assert departments["Engineering"][1:] == [1, 1, 50.0, 100.0]
    assert departments["Sales"][1:] == [1, 0, 50.0, 0.0]
    communities = {row[0]: row for row in report.table("communities").rows}
    assert communities["Platform"][1:3] == [1, 1]
    assert communities["No community"][1:3] == [1, 0]


def _month_back(day: date) -> date:
    return (day.replace(day=1) - timedelta(days=1)).replace(day=15)


def test_biggest_sentiment_change_is_said_in_words(
    make_user, make_question, make_community, move, staff
):
    """#kubernetes: three posts at 0.31 average last month, three at 0.05 this month."""
    owner = make_user("owner")
    make_community("Platform", owner=owner)
    today = timezone.localdate()
    this_month = today.replace(day=1)
    last_month = _month_back(today)
    for i, (when, value) in enumerate(
        [(last_month, 0.3), (last_month, 0.33), (last_month, 0.3)]
        + [(this_month, 0.05), (this_month, 0.0), (this_month, 0.1)]
    ):
        post = make_question(author=owner, title=f"K {i}", tags=["kubernetes"])
        Post.objects.filter(pk=post.pk).update(sentiment=value)
        move(post, when)
    report = participation.build(DateRange(last_month.replace(day=1), today), staff)
    assert "#kubernetes sentiment fell from 0.31 to 0.05 this month" in report.callouts
    rows = [r for r in report.table("sentiment").rows if r[0] == "#kubernetes"]
    assert [r[2] for r in rows] == [3, 3]
    assert rows[1][3] == pytest.approx(0.05) and rows[1][4] == pytest.approx(-0.26)


def test_months_with_too_few_items_have_no_point(make_user, make_question, move, staff):
    author = make_user("writer")
    post = make_question(author=author, title="Lonely", tags=["rare"])
    Post.objects.filter(pk=post.pk).update(sentiment=0.9)
    report = participation.build(period(), staff)
    rows = [r for r in report.table("sentiment").rows if r[0] == "#rare"]
    assert rows and rows[0][2] == 1 and rows[0][3] is None


def test_page_has_charts_callouts_and_tables(week, staff, client_for):
    page = client_for(staff).get(reverse("reports:participation")).content.decode()
    assert page.count("<svg") >= 4
    assert "Share of voice by department" in page
