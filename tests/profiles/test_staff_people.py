"""The staff people page (/staff/people/): staff only, leaving dates, departures, returns."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from profiles.actions import mark_departed, set_leaving_date
from profiles.models import PeopleLog, Profile, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def boss(make_user):
    return make_user("boss", display_name="Alex Admin", is_staff=True)


def in_days(n: int):
    return timezone.localdate() + timedelta(days=n)


PAGES = [
    ("get", "/staff/people/"),
    ("get", "/staff/people/ana/"),
    ("get", "/staff/people/ana/depart/"),
    ("get", "/staff/people/ana/anonymise/"),
    ("get", "/staff/people/ana/leaving/"),  # POST-only, but 404 before the method check
    ("post", "/staff/people/ana/leaving/"),
    ("post", "/staff/people/ana/depart/"),
    ("post", "/staff/people/ana/return/"),
    ("post", "/staff/people/ana/anonymise/"),
]


@pytest.mark.parametrize(("method", "url"), PAGES)
def test_anonymous_is_sent_to_sign_in(client, make_user, method, url):
    make_user("ana")
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize(("method", "url"), PAGES)
def test_non_staff_get_404_and_change_nothing(make_user, client_for, method, url):
    ana = make_user("ana")
    data = {"leaving_on": in_days(3).isoformat(), "reason": "Erasure request 42"}
    response = getattr(client_for(make_user()), method)(url, data)
    assert response.status_code == 404
    profile = Profile.objects.select_related("user").get(user=ana)
    assert profile.user.is_active and profile.leaving_on is None and profile.departed_at is None
    assert profile.user.username == "ana"
    assert not PeopleLog.objects.exists()


def test_staff_menu_links_to_the_page_for_staff_only(boss, make_user, client_for):
    assert 'href="/staff/people/"' in client_for(boss).get("/").content.decode()
    assert 'href="/staff/people/"' not in client_for(make_user()).get("/").content.decode()


def test_list_shows_leaving_soonest_first_and_departed(
    boss, make_user, client_for, django_assert_max_num_queries
):
    later = make_user("later", display_name="Later Leaver")
    sooner = make_user("sooner", display_name="Sooner Leaver")
    gone = make_user("gone", display_name="Gone Person")
    make_user("staying", display_name="Staying Person")
    set_leaving_date(by=boss, user=later, leaving_on=in_days(40))
    set_leaving_date(by=boss, user=sooner, leaving_on=in_days(5))
    mark_departed(by=boss, user=gone)
    for i in range(10):
        set_leaving_date(by=boss, user=make_user(), leaving_on=in_days(50 + i))
        mark_departed(by=boss, user=make_user())
    client = client_for(boss)
    with django_assert_max_num_queries(8):
        text = client.get("/staff/people/").content.decode()
    leaving = text.split('id="leaving-heading"')[1].split('id="departed-heading"')[0]
    assert leaving.index("Sooner Leaver") < leaving.index("Later Leaver")
    assert "Gone Person" in text.split('id="departed-heading"')[1]
    assert "Staying Person" not in text


def test_search_by_name_finds_anyone_and_htmx_gets_the_results_only(boss, make_user, client_for):
    gone = make_user("gone", display_name="Gone Person")
    make_user("staying", display_name="Staying Person")
    make_user("other", display_name="Someone Else")
    mark_departed(by=boss, user=gone)
    client = client_for(boss)
    text = client.get("/staff/people/", {"q": "person"}).content.decode()
    assert "Staying Person" in text and "Gone Person" in text and "Someone Else" not in text
    partial = client.get("/staff/people/", {"q": "staying"}, headers={"HX-Request": "true"})
    partial_text = partial.content.decode()
    assert "Staying Person" in partial_text and "<html" not in partial_text


def test_person_page_shows_the_log(boss, make_user, client_for, django_assert_max_num_queries):
    ana = make_user("ana", display_name="Ana Silva")
    ken = make_user("ken", display_name="Ken Okafor")
    from profiles.actions import ask_for_handover

    set_leaving_date(by=boss, user=ana, leaving_on=in_days(30))
    ask_for_handover(by=boss, person=ana, successors=[ken], tags=["helm"])
    client = client_for(boss)
    # 9 content counts (one per kind of content: more kinds, more counts), the log, names.
    with django_assert_max_num_queries(17):
        text = client.get("/staff/people/ana/").content.decode()
    assert f"set the leaving date to {in_days(30).day} {in_days(30):%b %Y}" in text
    assert "asked for a handover of #helm to Ken Okafor" in text
    assert text.count("Alex Admin") >= 2


def test_setting_a_past_leaving_date_keeps_the_form(boss, make_user, client_for):
    ana = make_user("ana")
    past = (timezone.localdate() - timedelta(days=2)).isoformat()
    response = client_for(boss).post("/staff/people/ana/leaving/", {"leaving_on": past})
    text = response.content.decode()
    assert response.status_code == 400
    assert "Choose today or a later date." in text and f'value="{past}"' in text
    assert Profile.objects.get(user=ana).leaving_on is None


def test_setting_and_clearing_the_leaving_date(boss, make_user, client_for):
    ana = make_user("ana", display_name="Ana Silva")
    client = client_for(boss)
    response = client.post("/staff/people/ana/leaving/", {"leaving_on": in_days(20).isoformat()})
    assert response.status_code == 302 and response.headers["Location"] == "/staff/people/ana/"
    assert Profile.objects.get(user=ana).leaving_on == in_days(20)
    assert "Ana Silva is leaving on" in client.get("/staff/people/ana/").content.decode()
    client.post("/staff/people/ana/leaving/", {"clear": "1"})
    assert Profile.objects.get(user=ana).leaving_on is None


def test_mark_departed_asks_first_then_departs(boss, make_user, make_question, client_for):
    ana = make_user("ana", display_name="Ana Silva")
    make_question(author=ana)
    client = client_for(boss)
    confirm = client.get("/staff/people/ana/depart/").content.decode()
    assert "Mark Ana Silva departed?" in confirm and "1 post" in confirm
    assert User.objects.get(pk=ana.pk).is_active  # nothing happened yet
    response = client.post("/staff/people/ana/depart/")
    assert response.status_code == 302
    assert not User.objects.get(pk=ana.pk).is_active
    text = client.get("/staff/people/ana/").content.decode()
    assert "marked departed" in text and "Mark returned" in text
    assert "Mark departed…" not in text


def test_mark_returned_reactivates(boss, make_user, client_for):
    ana = make_user("ana")
    mark_departed(by=boss, user=ana)
    response = client_for(boss).post("/staff/people/ana/return/")
    assert response.status_code == 302
    profile = Profile.objects.select_related("user").get(user=ana)
    assert profile.user.is_active and profile.departed_at is None


def test_staff_cannot_depart_themselves_from_the_page(boss, client_for):
    client = client_for(boss)
    assert "Mark departed…" not in client.get("/staff/people/boss/").content.decode()
    response = client.post("/staff/people/boss/depart/", follow=True)
    assert "You cannot mark yourself departed." in response.content.decode()
    assert User.objects.get(pk=boss.pk).is_active
