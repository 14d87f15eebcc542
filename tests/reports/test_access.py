"""Reports are for staff only: everyone else gets 404 on every report URL, CSV and button
(anonymous visitors are sent to sign in). URLs are enumerated from the reports URLconf, so
a new report is covered without editing this test."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, reverse

from reports import urls as report_urls

SAMPLE_KWARGS = {"username": "boss"}


def report_urls_list() -> list[tuple[str, str]]:
    found = []
    for entry in report_urls.urlpatterns:
        assert isinstance(entry, URLPattern)
        kwargs = {k: SAMPLE_KWARGS[k] for k in entry.pattern.converters}
        found.append((entry.name or "", reverse(f"reports:{entry.name}", kwargs=kwargs)))
    return found


URLS = report_urls_list()


def test_every_report_has_a_page_and_a_csv_url():
    names = {name for name, _ in URLS}
    for name in ("retained", "risk", "responsiveness", "participation", "standards_report"):
        assert name in names and f"{name}_csv" in names
    assert all(url.startswith("/staff/reports/") for _, url in URLS)


@pytest.mark.parametrize(("name", "url"), URLS)
def test_anonymous_visitors_are_sent_to_sign_in(client, staff, name, url):
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(("name", "url"), URLS)
def test_colleagues_who_are_not_staff_get_404(make_user, client_for, staff, name, url):
    client = client_for(make_user("curious"))
    assert client.get(url).status_code == 404
    assert client.get(url, {"format": "csv"}).status_code == 404
    assert client.post(url).status_code == 404


@pytest.mark.parametrize(("name", "url"), URLS)
def test_staff_can_open_every_report_and_csv(client_for, staff, name, url):
    response = client_for(staff).get(url)
    if name.endswith("handover") or name == "refresh":
        assert response.status_code == 405  # a button: POST only
    else:
        assert response.status_code == 200, response.content[:500]


def test_the_user_menu_links_to_reports_for_staff_only(client_for, staff, make_user):
    assert reverse("reports:index") in client_for(staff).get("/").content.decode()
    assert reverse("reports:index") not in client_for(make_user()).get("/").content.decode()


def test_index_links_every_report_with_its_figures(client_for, staff):
    page = client_for(staff).get(reverse("reports:index")).content.decode()
    for name in ("retained", "risk", "responsiveness", "participation", "standards_report"):
        assert reverse(f"reports:{name}") in page
    assert "Former colleagues" in page and "Questions asked" in page
