"""Retained knowledge, checked against a small world computed by hand."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from questions.actions import set_like
from questions.models import DraftDownload, Like, PostView
from reports import retained
from reports.periods import DateRange
from search.models import SearchClick
from tests.reports.conftest import days_ago, noon


@pytest.fixture
def world(make_user, make_question, make_answer, make_draft, make_departed, move, staff):
    """Dave asked a question and answered one (accepted), shared a draft, then left 10 days
    ago. Colleagues use his knowledge before and after he left."""
    dave = make_user("dave", display_name="Dave Departed")
    asker, reader, other = make_user("asker"), make_user("reader"), make_user("other")
    his_question = make_question(author=dave, title="How do we rotate the VPN keys?")
    asked = make_question(author=asker, title="Who owns the billing export?")
    his_answer = make_answer(post=asked, author=dave, accepted=True)
    draft = make_draft(author=dave, title="Release checklist")
    unrelated = make_question(author=other, title="Lunch options near the office?")
    set_like(user=reader, answer=his_answer, liked=True)
    left = days_ago(10)
    make_departed(dave, on=left)
    before, after, later = days_ago(12), days_ago(5), days_ago(2)
    # Views of his question: one before he left (not counted), two after (counted).
    PostView.objects.create(post=his_question, user=reader, day=before)
    PostView.objects.create(post=his_question, user=reader, day=after)
    PostView.objects.create(post=his_question, user=other, day=later)
    # The question he answered (accepted): one view after he left.
    PostView.objects.create(post=asked, user=other, day=later)
    # Views of someone else's question never count.
    PostView.objects.create(post=unrelated, user=reader, day=later)
    # The like on his answer came after he left; a like on his question before.
    move(Like.objects.get(user=reader, answer=his_answer), after)
    early = Like.objects.create(user=other, post=his_question)
    move(early, before)
    DraftDownload.objects.create(post=draft, user=reader, day=after)
    move(SearchClick.objects.create(user=reader, post=his_question, source="results"), after)
    move(SearchClick.objects.create(user=other, post=asked, source="similar"), later)
    move(SearchClick.objects.create(user=other, post=asked, source="similar"), before)
    return {
        "dave": dave,
        "his_question": his_question,
        "asked": asked,
        "draft": draft,
        "left": left,
    }


def last_weeks(days: int = 30) -> DateRange:
    today = timezone.localdate()
    return DateRange(today - timedelta(days=days), today)


def test_uses_after_leaving_are_counted_by_kind(world, staff):
    report = retained.build(last_weeks(), staff)
    items = {row[0].text: row for row in report.table("items").rows}
    question = items["How do we rotate the VPN keys?"]
    # views, likes, downloads, search clicks, deflections, all
    assert question[3:] == [2, 0, 0, 1, 0, 3]
    answered = items["Who owns the billing export?"]
    assert answered[1] == "Accepted answer" and answered[2] == "Dave Departed"
    assert answered[3:] == [1, 1, 0, 0, 1, 3]
    draft = items["Release checklist"]
    assert draft[3:] == [0, 0, 1, 0, 0, 1]
    assert "Lunch options near the office?" not in items


def test_headline_figures(world, staff):
    figures = {f.label: f.value for f in retained.build(last_weeks(), staff).figures}
    assert figures["Former colleagues"] == 1
    # His question, his draft and his answer.
    assert figures["Their posts and answers"] == 3
    assert figures["Uses after they left"] == 7
    # 3 of the 5 views in the period were of his knowledge (one was before he left).
    assert figures["Share of all views"] == 60.0
    headline = {f.label: f.value for f in retained.headlines(last_weeks())}
    assert headline["Uses of their knowledge"] == 7


def test_month_table_adds_up_and_the_range_limits_it(world, staff):
    months = retained.build(last_weeks(), staff).table("months").rows
    assert sum(row[-1] for row in months) == 7
    # A range that ends before he left counts nothing after he left.
    early = DateRange(world["left"] - timedelta(days=30), world["left"])
    assert sum(row[-1] for row in retained.build(early, staff).table("months").rows) == 0


def test_people_table_shows_when_they_left(world, staff):
    rows = retained.build(last_weeks(), staff).table("people").rows
    assert rows == [["Dave Departed", "", world["left"], 2, 1, 1, 7]]


def test_without_a_recorded_departure_the_last_sign_in_counts(world, staff):
    from profiles.models import Profile, User
    from reports.people import profile_field

    if profile_field("departed_at") is None:
        pytest.skip("no departed_at field: the fixture already used the last sign-in")
    Profile.objects.filter(user=world["dave"]).update(departed_at=None)
    User.objects.filter(pk=world["dave"].pk).update(last_login=noon(days_ago(3)))
    report = retained.build(last_weeks(), staff)
    # Only the uses dated two days ago are after his last sign-in.
    assert {f.label: f.value for f in report.figures}["Uses after they left"] == 3
    assert report.table("people").rows[0][2].endswith("(last sign-in)")


def test_private_titles_are_shown_only_to_member_staff(
    world, staff, make_user, make_community, make_question, make_departed
):
    member_staff = make_user("insider", is_staff=True)
    owner = make_user("owner")
    secret = make_community("Falcon", owner=owner, private=True, members=[member_staff])
    author = make_user("leaver")
    from questions.actions import add_member

    add_member(by=owner, community=secret, user=author)
    post = make_question(author=author, title="Falcon price", community=secret)
    make_departed(author, on=days_ago(20))
    PostView.objects.create(post=post, user=owner, day=days_ago(1))
    outsider_titles = [r[0].text for r in retained.build(last_weeks(), staff).table("items").rows]
    assert "Falcon price" not in outsider_titles
    assert "An item in a private community" in outsider_titles
    member_titles = [
        r[0].text for r in retained.build(last_weeks(), member_staff).table("items").rows
    ]
    assert "Falcon price" in member_titles


def test_page_shows_a_chart_and_tables_and_exports_csv(world, staff, client_for):
    client = client_for(staff)
    page = client.get(reverse("reports:retained")).content.decode()
    assert "<svg" in page and "<title" in page and "How do we rotate the VPN keys?" in page
    response = client.get(reverse("reports:retained_csv"), {"table": "items"})
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="retained-items-')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Item", "Item URL", "What"]
    assert rows[1][0] in {"How do we rotate the VPN keys?", "Who owns the billing export?"}


def test_a_use_on_the_day_of_leaving_is_not_yet_a_use_after_leaving(world, staff, make_user):
    PostView.objects.create(
        post=world["his_question"], user=make_user("onlooker"), day=world["left"]
    )
    items = {row[0].text: row for row in retained.build(last_weeks(), staff).table("items").rows}
    assert items["How do we rotate the VPN keys?"][3] == 2  # the two views after, as before
    PostView.objects.create(
        post=world["his_question"], user=make_user("nextday"), day=world["left"] + timedelta(days=1)
    )
    items = {row[0].text: row for row in retained.build(last_weeks(), staff).table("items").rows}
    assert items["How do we rotate the VPN keys?"][3] == 3


def test_many_items_give_the_same_report_as_listed_ids(world, staff, monkeypatch):
    """Past MAX_LISTED_IDS items the report reads uses through one array parameter
    (PostgreSQL) or subqueries (SQLite) instead of id lists; every way must count the same."""
    listed = retained.build(last_weeks(), staff)
    assert listed.table("items").rows  # uses were counted: equality says something
    monkeypatch.setattr(retained, "MAX_LISTED_IDS", 0)
    past_the_list = retained.build(last_weeks(), staff)
    assert [(f.label, f.value) for f in past_the_list.figures] == [
        (f.label, f.value) for f in listed.figures
    ]
    for name in ("months", "items", "people"):
        assert past_the_list.table(name).rows == listed.table(name).rows
