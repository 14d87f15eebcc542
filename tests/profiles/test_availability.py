"""Away until a date: the action and the form. (The compose box's notice with suggestions:
tests/questions/test_away_notice.py.)"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from intranet.lib.dates import format_when
from profiles.actions import set_availability
from profiles.models import Profile


def today():
    return timezone.localdate()


# --- The action ----------------------------------------------------------------------


def test_set_availability_marks_away_until_a_date_with_a_note(make_user):
    ana = make_user("ana")
    profile = set_availability(user=ana, away_until=today(), note="  At the   offsite ")
    assert profile.is_away and profile.away_note == "At the offsite"
    assert Profile.objects.get(user=ana).away_until == today()


def test_past_dates_and_long_notes_are_refused(make_user):
    ana = make_user("ana")
    with pytest.raises(ValidationError) as past:
        set_availability(user=ana, away_until=today() - timedelta(days=1), note="")
    assert past.value.message_dict == {"away_until": ["Choose today or a later date."]}
    with pytest.raises(ValidationError) as long:
        set_availability(user=ana, away_until=today(), note="x" * 201)
    assert "away_note" in long.value.message_dict
    assert Profile.objects.get(user=ana).away_until is None


def test_back_clears_date_and_note(make_user, make_away):
    ana = make_away(make_user("ana"))
    profile = set_availability(user=ana, away_until=None, note="ignored")
    assert (profile.away_until, profile.away_note, profile.is_away) == (None, "", False)


def test_yesterdays_away_date_means_available(make_user):
    ana = make_user("ana")
    Profile.objects.filter(user=ana).update(away_until=today() - timedelta(days=1))
    assert not Profile.objects.get(user=ana).is_away


# --- The form ------------------------------------------------------------------------


def test_anonymous_cannot_set_availability(client, make_user):
    response = client.post("/people/me/availability/", {"away_until": today().isoformat()})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/login/")


def test_past_date_keeps_the_form_with_what_was_typed(make_user, client_for):
    ana = make_user("ana")
    response = client_for(ana).post(
        "/people/me/availability/",
        {"away_until": (today() - timedelta(days=2)).isoformat(), "away_note": "Back <soon>"},
    )
    text = response.content.decode()
    assert response.status_code == 400
    assert "Choose today or a later date." in text
    assert 'value="Back &lt;soon&gt;"' in text
    assert not Profile.objects.get(user=ana).is_away


def test_setting_away_shows_on_the_profile(make_user, client_for):
    ana = make_user("ana", display_name="Ana Lopez")
    until = today() + timedelta(days=5)
    response = client_for(ana).post(
        "/people/me/availability/", {"away_until": until.isoformat(), "away_note": "Parental"}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/people/ana/"
    text = client_for(make_user()).get("/people/ana/").content.decode()
    assert f'Away until <time datetime="{until.isoformat()}"' in text
    assert f">{format_when(until)}</time>" in text
    assert "Parental" in text


def test_im_back_clears_away(make_user, make_away, client_for):
    ana = make_away(make_user("ana"))
    client = client_for(ana)
    assert "I'm back" in client.get("/people/me/edit/").content.decode()
    response = client.post("/people/me/availability/", {"back": "1"})
    assert response.status_code == 302
    assert not Profile.objects.get(user=ana).is_away


def test_mention_autocomplete_says_who_is_away(make_user, make_away, client_for):
    make_away(make_user("ana", display_name="Ana Lopez"), days=2)
    make_user("anton", display_name="Anton Berg")
    results = client_for(make_user()).get("/people/suggest/?q=an").json()["results"]
    away = {r["value"]: r["away"] for r in results}
    assert away == {"ana": True, "anton": False}
    assert "away until" in next(r["detail"] for r in results if r["value"] == "ana")
