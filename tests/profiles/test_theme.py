"""Colour theme: light, dark or the device's setting, chosen in the profile settings and
applied by the server on <html> so the first paint already has it."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from intranet.lib.access import NotAllowed
from profiles.actions import mark_departed, set_theme
from profiles.models import Profile


def _html_theme(text: str) -> str:
    found = re.search(r'<html lang="en" data-theme="([a-z]*)">', text)
    assert found, text[:300]
    return found.group(1)


def test_a_new_person_follows_their_device(make_user):
    assert Profile.objects.get(user=make_user("ana")).theme == "system"


def test_set_theme_saves_the_choice(make_user):
    ana = make_user("ana")
    set_theme(user=ana, theme="dark")
    assert Profile.objects.get(user=ana).theme == "dark"


def test_set_theme_refuses_an_unknown_theme_and_keeps_the_old_one(make_user):
    ana = make_user("ana")
    set_theme(user=ana, theme="light")
    with pytest.raises(ValidationError) as refused:
        set_theme(user=ana, theme="sepia")
    assert "theme" in refused.value.message_dict
    assert Profile.objects.get(user=ana).theme == "light"


def test_a_former_colleague_cannot_change_the_theme(make_user):
    boss = make_user("boss", is_staff=True)
    ana = make_user("ana")
    mark_departed(by=boss, user=ana)
    ana.refresh_from_db()
    with pytest.raises(NotAllowed):
        set_theme(user=ana, theme="dark")


def test_anonymous_is_sent_to_sign_in(client, db):
    response = client.post("/people/me/appearance/", {"theme": "dark"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/login/")


def test_the_settings_page_offers_the_three_themes_with_the_current_one_checked(
    make_user, client_for
):
    ana = make_user("ana")
    set_theme(user=ana, theme="light")
    text = client_for(ana).get("/people/me/edit/").content.decode()
    assert 'action="/people/me/appearance/"' in text
    for value in ("system", "light", "dark"):
        assert f'value="{value}"' in text
    assert re.search(r'value="light"[^>]*checked', text)


def test_choosing_dark_saves_it_and_every_page_is_served_dark(make_user, client_for):
    ana = make_user("ana")
    client = client_for(ana)
    assert _html_theme(client.get("/").content.decode()) == "system"
    response = client.post("/people/me/appearance/", {"theme": "dark"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/people/me/edit/#appearance"
    assert Profile.objects.get(user=ana).theme == "dark"
    for url in ("/", "/people/", "/people/me/edit/"):
        assert _html_theme(client.get(url).content.decode()) == "dark", url


def test_a_bad_theme_is_refused_with_a_clear_error_and_nothing_changes(make_user, client_for):
    ana = make_user("ana")
    response = client_for(ana).post("/people/me/appearance/", {"theme": "sepia"})
    text = response.content.decode()
    assert response.status_code == 400
    assert "Select a valid choice" in text
    assert 'class="alert error-summary"' in text
    assert Profile.objects.get(user=ana).theme == "system"


def test_signed_out_pages_follow_the_device(client, db):
    assert _html_theme(client.get("/accounts/login/").content.decode()) == "system"


def test_the_theme_costs_no_extra_query(make_user, client_for):
    ana = make_user("ana")
    client = client_for(ana)
    client.get("/people/")  # warm caches
    with CaptureQueriesContext(connection) as system:
        client.get("/people/")
    set_theme(user=ana, theme="dark")
    with CaptureQueriesContext(connection) as dark:
        client.get("/people/")
    assert len(dark.captured_queries) == len(system.captured_queries)
    assert not any("theme" in q["sql"] and "UPDATE" in q["sql"] for q in dark.captured_queries)
