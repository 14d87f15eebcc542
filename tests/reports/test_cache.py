"""Built reports are cached per range and per view of private communities; warm_reports
builds the default ranges in advance."""

from __future__ import annotations

import io

from django.core.management import call_command
from django.urls import reverse

from questions.models import PostView
from reports.cache import report_key, visibility_key
from reports.catalog import CATALOG
from reports.periods import default_range
from tests.reports.conftest import days_ago


def views_figure(client) -> str:
    page = client.get(reverse("reports:retained")).content.decode()
    return page.split("Share of all views", 1)[1][:200]


def test_a_report_is_served_from_the_cache_until_it_expires(
    settings, staff, client_for, make_user, make_question
):
    settings.REPORTS_CACHE_SECONDS = 600
    client = client_for(staff)
    post = make_question(author=make_user())
    before = views_figure(client)
    PostView.objects.create(post=post, user=staff, day=days_ago(1))
    assert views_figure(client) == before  # cached
    settings.REPORTS_CACHE_SECONDS = 0
    assert views_figure(client) != before


def test_members_of_private_communities_get_their_own_copy(
    settings, staff, make_user, make_community
):
    other_staff = make_user("insider", is_staff=True)
    make_community("Falcon", owner=make_user(), private=True, members=[other_staff])
    assert visibility_key(staff) != visibility_key(other_staff)
    period = default_range()
    assert report_key("retained", period, staff) != report_key("retained", period, other_staff)


def test_warm_reports_fills_the_cache(settings, staff):
    from django.core.cache import cache

    settings.REPORTS_CACHE_SECONDS = 600
    out = io.StringIO()
    call_command("warm_reports", "--quiet", stdout=out)
    assert f"Reports ready: {len(CATALOG)} for 1 view" in out.getvalue()
    for entry in CATALOG:
        assert cache.get(report_key(entry.slug, entry.default_range(), staff)) is not None


def former_colleagues(client, path: str = "reports:retained") -> str:
    page = client.get(reverse(path)).content.decode()
    return page.split("Former colleagues", 1)[1][:120]


def test_recording_a_departure_or_return_shows_in_the_cached_reports_at_once(
    settings, staff, client_for, make_user, make_question, django_capture_on_commit_callbacks
):
    from profiles.actions import mark_departed, mark_returned

    settings.REPORTS_CACHE_SECONDS = 600
    client = client_for(staff)
    leaver = make_user("leaver")
    make_question(author=leaver, title="How do we sign builds?")
    before = former_colleagues(client)
    people_csv = reverse("reports:retained_csv") + "?table=people"
    assert leaver.profile.display_name not in client.get(people_csv).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        mark_departed(by=staff, user=leaver)
    assert former_colleagues(client) != before
    assert leaver.profile.display_name in client.get(people_csv).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        mark_returned(by=staff, user=leaver)
    assert former_colleagues(client) == before


def test_anonymising_a_person_clears_the_cached_reports(
    settings, staff, make_user, django_capture_on_commit_callbacks
):
    from profiles.actions import anonymise_person
    from reports.cache import generation

    settings.REPORTS_CACHE_SECONDS = 600
    person = make_user("legal")
    first = generation()
    with django_capture_on_commit_callbacks(execute=True):
        anonymise_person(by=staff, user=person, reason="GDPR request 42")
    assert generation() != first


def test_staff_refresh_now_rebuilds_the_report_from_current_data(
    settings, staff, client_for, make_user, make_question
):
    settings.REPORTS_CACHE_SECONDS = 600
    client = client_for(staff)
    post = make_question(author=make_user())
    page = reverse("reports:retained") + "?from=&to="
    before = views_figure(client)
    assert "Refresh now" in client.get(reverse("reports:retained")).content.decode()
    PostView.objects.create(post=post, user=staff, day=days_ago(1))
    assert views_figure(client) == before  # still the cached copy
    response = client.post(reverse("reports:refresh"), {"next": page})
    assert response.status_code == 302 and response["Location"] == page
    assert views_figure(client) != before


def test_refresh_now_is_for_staff_only_and_goes_back_only_to_report_pages(
    staff, client_for, make_user
):
    assert client_for(make_user()).post(reverse("reports:refresh")).status_code == 404
    away = client_for(staff).post(reverse("reports:refresh"), {"next": "https://evil.example/"})
    assert away["Location"] == reverse("reports:index")
