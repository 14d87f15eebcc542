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
