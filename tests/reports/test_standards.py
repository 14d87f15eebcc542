"""De facto standards: scoring, the promote / hold / demote state machine, thresholds,
competing items, privacy, and links counted as support."""

from __future__ import annotations

import io
import itertools
from datetime import datetime, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from questions import actions
from questions.models import Answer, Community, Post, Standard, StandingSnapshot
from reports.standards import Thresholds, recompute_standards
from tests.support.standards import download_on, like_at, set_thresholds


@pytest.fixture(autouse=True)
def likes_are_enough(monkeypatch):
    """The state machine is exercised with likes; reuse has its own test below."""
    set_thresholds(monkeypatch, min_reuse=0)


@pytest.fixture
def start() -> datetime:
    """Day 0: shortly after now, so that content the test writes exists by then. Signals
    are dated from day 0 on, and each run looks at a later moment, as the days go by."""
    return timezone.now() + timedelta(minutes=10)


@pytest.fixture
def crowd(make_user, make_department):
    """People spread round-robin over the given departments."""
    counter = itertools.count(1)

    def make(n, departments=("Engineering", "Sales", "Design")):
        return [
            make_user(
                f"fan{next(counter)}", department=make_department(departments[i % len(departments)])
            )
            for i in range(n)
        ]

    return make


def run(start, day, **kwargs):
    return recompute_standards(now=start + timedelta(days=day), **kwargs)


def row_for(tag, *, post=None, answer=None):
    rows = Standard.objects.filter(tag__name=tag)
    if answer is not None:
        return rows.filter(answer=answer).first()
    return rows.filter(post=post, answer__isnull=True).first()


def status_of(tag, **item):
    row = row_for(tag, **item)
    return row.status if row else None


@pytest.fixture
def two_answers(make_user, make_question):
    """Two answers in #python, on two questions, by two experts."""
    asker = make_user("asker")
    first = make_question(author=asker, title="How do we pin dependencies?", tags=["python"])
    second = make_question(author=asker, title="Which lockfile tool?", tags=["python"])
    a = actions.post_answer(post=first, author=make_user("ada"), body="Use uv with a lockfile.")
    b = actions.post_answer(post=second, author=make_user("bo"), body="pip-tools, compiled.")
    return a, b


def test_sustained_leader_is_promoted_held_then_demoted_after_grace(start, crowd, two_answers):
    a, b = two_answers
    for person in crowd(6):
        like_at(start, person, answer=a)
    like_at(start, crowd(1)[0], answer=b)
    for day in range(21):
        run(start, day)
    # Leading for 20 days is not yet sustained (SUSTAINED_DAYS = 21)...
    assert status_of("python", answer=a) == "emerging"
    summary = run(start, 21)
    # ...21 days is.
    row = row_for("python", answer=a)
    assert row.status == "standard"
    assert row.led_since == timezone.localdate(start)
    assert row.since == timezone.localdate(start + timedelta(days=21))
    assert summary.promoted == [f"#python: answer {a.pk} to post {a.post_id}"]
    assert row.evidence["people"] == 6 and row.evidence["departments"] == 3
    for day in range(22, 25):
        run(start, day)
        assert status_of("python", answer=a) == "standard"

    # A challenger overtakes on day 25.
    for person in crowd(12):
        like_at(start + timedelta(days=25), person, answer=b)
    for day in range(25, 31):
        run(start, day)
        # Within the grace period the standard holds, challenged; the riser is emerging.
        assert status_of("python", answer=a) == "standard"
        assert status_of("python", answer=b) == "emerging"
    assert row_for("python", answer=a).evidence["last_led"] == str(
        timezone.localdate(start + timedelta(days=24))
    )
    summary = run(start, 31)  # seven days without leading (GRACE_DAYS)
    former = row_for("python", answer=a)
    assert former.status == "former"
    assert "led for 7 days" in former.evidence["demoted_because"]
    assert summary.demoted == [f"#python: answer {a.pk} to post {a.post_id}"]
    for day in range(32, 46):
        run(start, day)
    assert status_of("python", answer=b) == "emerging"
    run(start, 46)  # the challenger has led for 21 days
    assert status_of("python", answer=b) == "standard"
    assert status_of("python", answer=a) == "former"


def test_leader_without_enough_departments_never_becomes_standard(start, crowd, two_answers):
    a, _b = two_answers
    for person in crowd(9, departments=("Engineering",)):
        like_at(start, person, answer=a)
    for day in range(0, 40, 2):
        run(start, day, thresholds=Thresholds(sustained_days=10, min_reuse=0))
    assert StandingSnapshot.objects.filter(answer=a, rank=1).count() == 20
    assert status_of("python", answer=a) != "standard"
    assert not Standard.objects.filter(status="standard").exists()


def test_leader_with_too_few_people_never_becomes_standard(start, crowd, make_user, make_draft):
    draft = make_draft(author=make_user(), title="Service template", tags=["templates"])
    fans = crowd(4, departments=("Engineering", "Sales", "Design", "Legal"))
    for person in fans:  # each supports it twice: still four people
        like_at(start, person, post=draft)
        download_on(timezone.localdate(start), person, draft)
    for day in range(0, 30):
        run(start, day)
    row = row_for("templates", post=draft)
    assert row is not None and row.status == "emerging"
    assert row.evidence["people"] == 4 and row.evidence["departments"] == 4
    assert row.evidence["likes"] == 4 and row.evidence["downloaders"] == 4

    # One more colleague, and the leadership it already had counts.
    like_at(start + timedelta(days=30), crowd(1)[0], post=draft)
    run(start, 30)
    assert status_of("templates", post=draft) == "standard"


def test_support_falling_below_thresholds_demotes_at_once(start, crowd, two_answers, monkeypatch):
    set_thresholds(monkeypatch, sustained_days=2)
    a, _b = two_answers
    fans = crowd(5)
    for person in fans:
        like_at(start, person, answer=a)
    for day in range(3):
        run(start, day)
    assert status_of("python", answer=a) == "standard"
    actions.set_like(user=fans[0], answer=a, liked=False)
    run(start, 3)
    row = row_for("python", answer=a)
    assert row.status == "former"
    assert row.evidence["demoted_because"] == "its support fell below the thresholds"


def test_fastest_grower_is_emerging_not_the_biggest(start, crowd, make_user, make_question):
    author = make_user("author")
    old = make_question(author=author, title="Old favourite", tags=["ci"])
    new = make_question(author=author, title="New idea", tags=["ci"])
    for person in crowd(10):
        like_at(start, person, post=old)
    for person in crowd(4):
        like_at(start + timedelta(days=40), person, post=new)
    run(start, 45)
    assert status_of("ci", post=new) == "emerging"
    row = row_for("ci", post=new)
    assert row.evidence["recent"] == 4 and row.evidence["previous"] == 0
    assert status_of("ci", post=old) is None


def test_close_top_two_compete_side_by_side(start, crowd, make_user, make_draft):
    first = make_draft(author=make_user(), title="ADR template", tags=["templates"])
    second = make_draft(author=make_user(), title="Design doc template", tags=["templates"])
    for person in crowd(8):
        download_on(timezone.localdate(start), person, first)
    for person in crowd(6):
        download_on(timezone.localdate(start), person, second)
    run(start, 1)
    a, b = row_for("templates", post=first), row_for("templates", post=second)
    assert a.competing and b.competing
    assert a.evidence["competing_with"] == [second.pk, 0]
    assert (a.evidence["rank"], b.evidence["rank"]) == (1, 2)

    # A clear lead ends the competition.
    for person in crowd(10):
        like_at(start + timedelta(days=2), person, post=first)
    run(start, 2)
    assert not Standard.objects.filter(competing=True).exists()


def test_private_community_items_never_become_standards(
    start, crowd, make_user, make_community, make_question
):
    owner = make_user("owner")
    fans = crowd(8)
    secret = make_community("M&A", owner=owner, private=True, members=fans)
    post = make_question(author=owner, title="Deal structure?", tags=["legal"], community=secret)
    for person in fans:
        like_at(start, person, post=post)
    for day in range(30):
        run(start, day)
    assert not Standard.objects.exists()
    assert not StandingSnapshot.objects.exists()


def test_community_turning_private_or_item_deleted_removes_it(
    start, crowd, make_user, make_community, make_question, monkeypatch
):
    set_thresholds(monkeypatch, sustained_days=1)
    owner = make_user("owner")
    club = make_community("Guild", owner=owner)
    in_club = make_question(author=owner, title="Guild rules", tags=["guild"], community=club)
    loose = make_question(author=owner, title="Open rules", tags=["open"])
    for person in crowd(5):
        like_at(start, person, post=in_club)
        like_at(start, person, post=loose)
    for day in range(2):
        run(start, day)
    assert status_of("guild", post=in_club) == "standard"
    assert status_of("open", post=loose) == "standard"
    Community.objects.filter(pk=club.pk).update(visibility="private")
    actions.delete_post(post=loose, by=owner)
    assert not Standard.objects.shown().filter(post=loose).exists()
    run(start, 2)
    assert not Standard.objects.exists()


def test_deleted_answers_and_links_from_deleted_posts_do_not_count(
    start, crowd, make_user, make_question, two_answers
):
    a, b = two_answers
    for person in crowd(3):
        like_at(start, person, answer=a)
    linker = make_user("linker")
    source = make_question(
        author=linker, title="See this", body=f"[pin]({a.post.get_absolute_url()}#answer-{a.pk})"
    )
    run(start, 0)
    assert row_for("python", answer=a).evidence["links"] == 1
    actions.delete_post(post=source, by=linker)
    run(start, 0)
    assert row_for("python", answer=a).evidence["links"] == 0
    actions.delete_answer(answer=a, by=a.author)
    run(start, 0)
    assert row_for("python", answer=a) is None
    assert not StandingSnapshot.objects.filter(answer=a, day=timezone.localdate(start)).exists()


def test_accepted_answer_counts_for_the_answer_with_the_asker_as_supporter(
    start, make_user, make_question
):
    asker = make_user("asker")
    question = make_question(author=asker, title="Which logger?", tags=["logging"])
    answer = actions.post_answer(post=question, author=make_user(), body="structlog")
    actions.accept_answer(post=question, answer=answer, by=asker)
    run(start, 0)
    snapshot = StandingSnapshot.objects.get(tag__name="logging")
    assert snapshot.answer_id == answer.pk and snapshot.supporters == 1


def test_same_day_rerun_replaces_the_snapshot_and_old_ones_are_pruned(start, crowd, two_answers):
    a, _b = two_answers
    for person in crowd(3):
        like_at(start, person, answer=a)
    run(start, 0)
    run(start, 0)
    assert StandingSnapshot.objects.filter(answer=a).count() == 1
    run(start, 200)
    assert set(StandingSnapshot.objects.values_list("day", flat=True)) == {
        timezone.localdate(start + timedelta(days=200))
    }


def test_only_top_n_per_tag_are_snapshotted(start, crowd, make_user, make_question):
    author = make_user()
    fans = crowd(1)
    for _ in range(14):
        post = make_question(author=author, tags=["busy"])
        like_at(start, fans[0], post=post)
    run(start, 0, thresholds=Thresholds(top_n=10, min_reuse=0))
    assert StandingSnapshot.objects.count() == 10


def test_signals_after_now_are_ignored(start, crowd, two_answers):
    a, _b = two_answers
    for person in crowd(3):
        like_at(start + timedelta(days=5), person, answer=a)
    run(start, 4)
    assert not StandingSnapshot.objects.exists()
    run(start, 5)
    assert StandingSnapshot.objects.get().supporters == 3


def test_command_prints_progress_and_summary(start, crowd, two_answers):
    a, _b = two_answers
    Post.objects.update(created_at=start - timedelta(days=5))
    Answer.objects.update(created_at=start - timedelta(days=5))
    for person in crowd(3):
        like_at(start - timedelta(days=3), person, answer=a)
    out, err = io.StringIO(), io.StringIO()
    call_command("recompute_standards", "--backfill", "2", stdout=out, stderr=err)
    assert "Standards as of" in out.getvalue()
    assert "1 emerging" in out.getvalue()
    assert StandingSnapshot.objects.values("day").distinct().count() == 3


def test_command_rejects_a_bad_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("recompute_standards", "--date", "yesterday", stdout=io.StringIO())


def test_links_count_as_support_from_the_linking_author(
    start, make_user, make_department, make_question
):
    expert = make_user("expert")
    target = make_question(author=expert, title="Pinning", tags=["python"])
    for i in range(3):
        writer = make_user(f"w{i}", department=make_department(f"D{i}"))
        actions.ask_question(author=writer, title=f"Q{i}", body=f"[see](/q/{target.pk}/)")
    run(start, 0)
    snapshot = StandingSnapshot.objects.get(tag__name="python")
    assert (snapshot.supporters, snapshot.departments) == (3, 3)
    row = row_for("python", post=target)
    assert row.status == "emerging" and row.evidence["links"] == 3


def test_likes_alone_never_make_a_standard_until_the_item_is_reused(
    monkeypatch, start, crowd, two_answers
):
    set_thresholds(monkeypatch, min_reuse=1)
    a, _ = two_answers
    for person in crowd(8):
        like_at(start, person, answer=a)
    for day in range(23):
        run(start, day)
    assert status_of("python", answer=a) != "standard"  # popular, but nobody reused it
    # Another post links to it: reused once, and it has led for long enough already.
    link = f"http://testserver/q/{a.post_id}/#answer-{a.pk}"
    actions.post_status(author=crowd(1)[0], body=f"We follow this: {link}", tags=["python"])
    run(start, 23)
    assert status_of("python", answer=a) == "standard"
