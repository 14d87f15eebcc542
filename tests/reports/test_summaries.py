"""The daily and weekly summaries give exactly what reading every row live gives, whatever
the range and however far the summaries reach; refreshing is incremental, and a full
refresh takes in what changed on earlier days."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from django.utils import timezone

from questions.actions import set_like
from questions.models import Answer, Like, Post
from reports import participation, summaries
from reports.models import DaySummary, SummaryState, WeekPerson
from reports.periods import DateRange

TODAY_OFFSETS = range(0, 75)


@pytest.fixture
def history(make_user, make_department, make_question, make_answer, make_community, move):
    """Ten weeks of posts, answers and likes by six people of two departments, in two
    communities and a handful of tags, with sentiment, on pseudo-random days."""
    rng = random.Random(7)  # noqa: S311  (test data)
    eng, sales = make_department("Engineering"), make_department("Sales")
    people = [make_user(f"p{i}", department=eng if i % 2 else sales) for i in range(6)]
    platform = make_community("Platform", owner=people[0])
    today = timezone.localdate()
    tags = ["k8s", "python", "sales", "hiring"]
    for i in range(40):
        author = rng.choice(people)
        question = make_question(
            author=author,
            title=f"Question {i}",
            tags=rng.sample(tags, rng.randint(0, 2)),
            community=platform if i % 3 == 0 else None,
        )
        asked = today - timedelta(days=rng.choice(TODAY_OFFSETS))
        move(question, asked)
        Post.objects.filter(pk=question.pk).update(sentiment=rng.uniform(-1, 1))
        for _ in range(rng.randint(0, 3)):
            answer = make_answer(post=question, author=rng.choice(people))
            move(answer, asked + timedelta(days=rng.randint(0, 3)))
            Answer.objects.filter(pk=answer.pk).update(sentiment=rng.uniform(-1, 1))
        liker = rng.choice([p for p in people if p != author])
        set_like(user=liker, post=question, liked=True)
        move(Like.objects.get(user=liker, post=question), asked + timedelta(days=1))
    return today


def snapshot(period: DateRange, staff) -> tuple:
    report = participation.build(period, staff)
    return (
        [(f.label, f.value) for f in report.figures],
        [(t.slug, t.rows) for t in report.tables],
        report.callouts,
        participation.headlines(period),
    )


def ranges(today: date) -> list[DateRange]:
    wednesday = today - timedelta(days=today.weekday() - 2 + 35)
    return [
        DateRange(today - timedelta(days=80), today),  # everything
        DateRange(wednesday, today - timedelta(days=9)),  # mid-week to mid-week, in the past
        DateRange(wednesday, wednesday + timedelta(days=3)),  # inside one week
        DateRange(today - timedelta(days=3), today),  # mostly live
    ]


@pytest.mark.parametrize("through_days_ago", [1, 10, 40])
def test_summaries_and_live_rows_give_the_same_report(history, staff, through_days_ago):
    live = [snapshot(period, staff) for period in ranges(history)]
    done = summaries.refresh(today=history - timedelta(days=through_days_ago - 1))
    assert done.rows > 0
    assert summaries.through() == history - timedelta(days=through_days_ago)
    assert [snapshot(period, staff) for period in ranges(history)] == live


def test_summarised_weeks_are_read_from_the_summary(history, staff, django_assert_num_queries):
    summaries.refresh(today=history)
    period = DateRange(history - timedelta(days=70), history - timedelta(days=1))
    assert WeekPerson.objects.exists()
    # Two live edges at most, three tables each: the whole weeks cost one query.
    parts = summaries.split_weeks(period, summaries.through())
    assert parts.weeks is not None
    with django_assert_num_queries(1 + 1 + 3 * len(parts.live)):
        summaries.week_counts(period)


def test_refresh_is_incremental(history, staff):
    first = summaries.refresh(today=history - timedelta(days=5))
    assert first.days > 0
    assert summaries.refresh(today=history - timedelta(days=5)).days == 0
    later = summaries.refresh(today=history)
    assert (later.start, later.end, later.days) == (
        history - timedelta(days=5),
        history - timedelta(days=1),
        5,
    )
    everything = DateRange(history - timedelta(days=80), history)
    before = snapshot(everything, staff)
    summaries.refresh(today=history, full=True)
    assert snapshot(everything, staff) == before


def test_a_full_refresh_takes_in_a_deleted_post(history, staff):
    summaries.refresh(today=history)
    period = DateRange(history - timedelta(days=80), history - timedelta(days=1))
    written = summaries.tally(period).written()
    post = Post.objects.filter(created_at__lt=timezone.now() - timedelta(days=2)).first()
    assert post is not None
    answers = Answer.objects.filter(post=post).count()
    Post.objects.filter(pk=post.pk).update(deleted_at=timezone.now())
    # Until the nightly rebuild the summary still counts it...
    assert summaries.tally(period).written() == written
    summaries.refresh(today=history, full=True)
    assert summaries.tally(period).written() == written - 1 - answers


def test_an_empty_site_is_summarised_up_to_yesterday(db):
    assert summaries.refresh().days == 0
    assert summaries.through() == timezone.localdate() - timedelta(days=1)
    assert not DaySummary.objects.exists()
    assert SummaryState.objects.count() == 1
