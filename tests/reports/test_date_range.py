"""Every report takes a date range; bad input is shown with the form, never a 500."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from reports.catalog import CATALOG
from reports.periods import DateRange, default_range

PAGES = [entry.url_name for entry in CATALOG]


def test_default_range_is_the_last_twelve_months():
    period = default_range(date(2025, 3, 14))
    assert (period.start.isoformat(), period.end.isoformat()) == ("2024-04-01", "2025-03-14")
    assert len(period.months()) == 12


def test_weeks_and_previous_range():
    period = DateRange(date(2025, 3, 5), date(2025, 3, 18))
    assert [w.isoformat() for w in period.weeks()] == ["2025-03-03", "2025-03-10", "2025-03-17"]
    previous = period.previous()
    assert (previous.start.isoformat(), previous.end.isoformat()) == ("2025-02-19", "2025-03-04")


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"from": "2025-03-10", "to": "2025-03-01"}, "The end comes before the start"),
        ({"from": "yesterday"}, "Enter a valid date"),
        ({"from": "2000-01-01", "to": "2010-01-01"}, "Choose at most five years"),
        ({"from": "1969-01-01", "to": "1969-02-01"}, "Choose a day from 1 January 2000 on"),
    ],
)
def test_bad_ranges_are_shown_with_the_form(client_for, staff, name, params, message):
    response = client_for(staff).get(reverse(name), params)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert f'value="{params["from"]}"' in page  # what was typed is kept


@pytest.mark.parametrize("name", PAGES)
def test_bad_range_in_a_csv_is_a_plain_400(client_for, staff, name):
    response = client_for(staff).get(reverse(name + "_csv"), {"from": "2025-13-01"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert b"Enter a valid date" in response.content


def test_future_end_is_refused_except_for_leaving_dates(client_for, staff):
    ahead = (timezone.localdate() + timedelta(days=30)).isoformat()
    client = client_for(staff)
    response = client.get(reverse("reports:retained"), {"to": ahead})
    assert response.status_code == 400 and "The end is in the future" in response.content.decode()
    assert client.get(reverse("reports:risk"), {"to": ahead}).status_code == 200


def test_htmx_gets_the_page_part_with_errors(client_for, staff):
    client = client_for(staff)
    response = client.get(
        reverse("reports:responsiveness"),
        {"from": "2025-03-10", "to": "2025-03-01"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200  # htmx swaps only successful responses
    page = response.content.decode()
    assert "The end comes before the start" in page and "<html" not in page
    ok = client.get(reverse("reports:responsiveness"), HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in ok and "Questions asked" in ok


def test_a_chosen_range_is_used(client_for, staff):
    page = client_for(staff).get(
        reverse("reports:participation"), {"from": "2025-01-06", "to": "2025-01-19"}
    )
    assert "6 Jan 2025 – 19 Jan 2025" in page.content.decode()
