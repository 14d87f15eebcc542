"""Responsiveness figures against questions answered at known times."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from reports import responsiveness
from reports.periods import DateRange
from reports.responsiveness import Stats, percentile
from tests.reports.conftest import days_ago, noon


@pytest.fixture
def world(make_user, make_department, make_question, make_answer, move, make_community):
    """Four questions asked three days ago at noon: answered after 1 h, 3 h and 30 h, and
    one answered only by its asker. Two accepted answers, written after 1 h and 5 h."""
    sales = make_department("Sales")
    asker = make_user("asker", department=sales)
    helper, other = make_user("helper"), make_user("other")
    platform = make_community("Platform", owner=asker)
    asked = noon(days_ago(3))
    questions = []
    for i, (hours, tags) in enumerate(((1, ["vpn"]), (3, ["vpn"]), (30, ["billing"]))):
        q = make_question(author=asker, title=f"Question {i}", tags=tags, community=platform)
        move(q, asked)
        move(make_answer(post=q, author=helper), asked + timedelta(hours=hours))
        questions.append(q)
    # The first is accepted at its first answer (1 h); the second's accepted answer is a
    # later one (5 h).
    first = questions[0].answers.get()
    from questions.actions import accept_answer

    accept_answer(post=questions[0], answer=first, by=asker)
    later = make_answer(post=questions[1], author=other)
    move(later, asked + timedelta(hours=5))
    accept_answer(post=questions[1], answer=later, by=asker)
    lonely = make_question(author=asker, title="Is anyone there?", tags=["vpn"])
    move(lonely, asked - timedelta(days=1))
    move(make_answer(post=lonely, author=asker, body="Bump."), asked)
    return {"asker": asker, "lonely": lonely}


def period() -> DateRange:
    today = timezone.localdate()
    return DateRange(today - timedelta(days=30), today)


def test_percentiles_are_nearest_rank():
    assert percentile([1, 3, 30], 0.9) == 30
    assert percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9) == 9
    assert percentile([], 0.9) is None


def test_overall_figures(world, staff):
    stats = Stats.of(responsiveness.read_questions(period()))
    assert stats.asked == 4
    assert stats.answered == 3  # the asker's own answer does not count
    assert stats.median_first == pytest.approx(3.0)
    assert stats.p90_first == pytest.approx(30.0)
    assert stats.median_accepted == pytest.approx(3.0)  # of 1 h and 5 h
    assert stats.p90_accepted == pytest.approx(5.0)
    assert stats.within == {1: 25.0, 2: 25.0, 24: 50.0}


def test_breakdowns_by_community_tag_and_department(world, staff):
    report = responsiveness.build(period(), staff)
    communities = {row[0]: row for row in report.table("communities").rows}
    assert communities["Platform"][1:4] == [3, 3, 0]
    assert communities["No community"][1:4] == [1, 0, 1]
    tags = {row[0]: row for row in report.table("tags").rows}
    assert tags["#vpn"][1:4] == [3, 2, 1]
    assert tags["#vpn"][4] == pytest.approx(2.0)  # median of 1 h and 3 h
    assert tags["#billing"][1:4] == [1, 1, 0]
    departments = {row[0]: row for row in report.table("departments").rows}
    assert departments["Sales"][1] == 4


def test_weekly_trend_and_oldest_unanswered(world, staff):
    report = responsiveness.build(period(), staff)
    weeks = report.table("weeks").rows
    assert sum(row[1] for row in weeks) == 4
    assert sum(row[3] for row in weeks) == 1
    waiting = report.table("unanswered").rows
    assert [row[0].text for row in waiting] == ["Is anyone there?"]
    assert waiting[0][0].url == world["lonely"].get_absolute_url()
    assert waiting[0][1] == days_ago(4)


def test_page_says_how_accepted_times_are_measured(world, staff, client_for):
    page = client_for(staff).get(reverse("reports:responsiveness")).content.decode()
    assert "no record of when an answer was accepted" in page
    assert page.count("<svg") >= 2
    assert 'href="' + world["lonely"].get_absolute_url() + '"' in page


def test_a_question_outside_the_range_is_not_counted(world, staff):
    today = timezone.localdate()
    stats = Stats.of(responsiveness.read_questions(DateRange(today - timedelta(days=2), today)))
    assert stats.asked == 0
