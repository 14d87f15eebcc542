"""A staff member reads the knowledge-retention reports in a real browser: from the user
menu to the index, then each report with its chart and table, and a CSV download each."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone
from taggit.models import Tag

from profiles.models import Expertise, Profile, User
from questions.models import PostView, Standard

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REPORTS = [
    "Retained knowledge",
    "Knowledge at risk",
    "Responsiveness",
    "Participation and sentiment",
    "De facto standards",
]


def test_staff_reads_every_report_and_downloads_its_csv(
    page_for, live_server, make_user, make_question, make_answer
):
    boss = make_user("boss", display_name="Alex Admin", is_staff=True)
    dave, reader = make_user("dave", display_name="Dave Departed"), make_user("reader")
    question = make_question(author=dave, title="How do we rotate the VPN keys?", tags=["vpn"])
    make_answer(post=question, author=reader, body="Thanks, this is great!")
    User.objects.filter(pk=dave.pk).update(
        is_active=False, last_login=timezone.now() - timedelta(days=20)
    )
    PostView.objects.create(post=question, user=reader, day=timezone.localdate())
    Standard.objects.create(
        tag=Tag.objects.get(name="vpn"),
        post=question,
        status=Standard.Status.STANDARD,
        since=timezone.localdate() - timedelta(days=5),
        evidence={"led_days": 25},
    )
    # The reader, the only expert on #vpn, leaves in ten days.
    Profile.objects.filter(user=reader).update(leaving_on=timezone.localdate() + timedelta(days=10))
    now = timezone.now()
    Expertise.objects.create(
        user=reader, tag=Tag.objects.get(name="vpn"), score=5, last_evidence_at=now, computed_at=now
    )

    page = page_for(boss)
    page.goto(live_server.url + "/")
    page.locator("details.user-menu summary").click()
    page.get_by_role("link", name="Reports").click()
    page.get_by_role("heading", name="Knowledge-retention reports").wait_for()
    for title in REPORTS:
        page.goto(live_server.url + "/staff/reports/")
        page.locator("h2").get_by_role("link", name=title).click()
        page.get_by_role("heading", name=title, level=1).wait_for()
        chart = page.locator("figure.chart svg[role=img]").first
        assert chart.is_visible()
        assert chart.locator(":scope > title").text_content()
        table = page.locator("table.data-table").first
        assert table.locator("tbody tr").count() >= 1
        with page.expect_download() as info:
            page.get_by_role("link", name="Download CSV").first.click()
        download = info.value
        assert download.suggested_filename.endswith(".csv")
        with open(download.path(), encoding="utf-8-sig") as file:
            rows = list(csv.reader(io.StringIO(file.read())))
        assert len(rows) >= 2, title
        if title == "Retained knowledge":
            assert rows[0][0] == "Month"
            assert sum(int(row[-1]) for row in rows[1:]) == 1  # the view after he left


def test_changing_the_range_updates_the_report_in_place(page_for, live_server, make_user):
    boss = make_user("boss", is_staff=True)
    page = page_for(boss)
    page.goto(live_server.url + "/staff/reports/responsiveness/")
    page.get_by_label("From", exact=True).fill("2025-01-06")
    page.get_by_label("To", exact=True).fill("2025-01-19")
    page.get_by_role("button", name="Show this period").click()
    page.get_by_text("6 Jan 2025 – 19 Jan 2025").wait_for()
    assert "from=2025-01-06" in page.url  # htmx pushed the address: the view can be shared
    page.get_by_label("From", exact=True).fill("2025-01-19")
    page.get_by_label("To", exact=True).fill("2025-01-06")
    page.get_by_role("button", name="Show this period").click()
    page.get_by_text("The end comes before the start").wait_for()
