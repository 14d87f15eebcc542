"""Dates in the reader's time zone: their setting, else their browser's (the `tz` cookie),
else the site's."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError

from profiles.actions import update_profile
from profiles.models import Profile
from questions.models import Post

ASKED = datetime(2026, 12, 7, 13, 5, tzinfo=UTC)


@pytest.fixture
def asked(make_user, make_question) -> Post:
    post = make_question(author=make_user("rita"), title="How do we sign release builds?")
    Post.objects.filter(pk=post.pk).update(created_at=ASKED)
    return post


def _shown_time(client, post: Post, **cookies: str) -> str:
    for name, value in cookies.items():
        client.cookies[name] = value
    text = client.get(post.get_absolute_url()).content.decode()
    assert 'datetime="2026-12-07T' in text
    return text


def _set_zone(user, zone: str) -> None:
    Profile.objects.filter(user=user).update(time_zone=zone)


def test_without_a_setting_or_cookie_the_site_zone_applies(settings, asked, make_user, client_for):
    assert settings.TIME_ZONE == "UTC"
    text = _shown_time(client_for(make_user()), asked)
    assert ">7 Dec 2026, 13:05</time>" in text


def test_the_browser_zone_cookie_is_used_when_there_is_no_setting(asked, make_user, client_for):
    text = _shown_time(client_for(make_user()), asked, tz="Asia/Tokyo")
    assert ">7 Dec 2026, 22:05</time>" in text
    assert "(Asia/Tokyo)" in text


@pytest.mark.parametrize("bad", ["Mars/Olympus", "../../etc/passwd", "x" * 300, "UTC; drop"])
def test_a_bad_zone_cookie_is_ignored(asked, make_user, client_for, bad):
    client = client_for(make_user())
    client.cookies["tz"] = bad
    response = client.get(asked.get_absolute_url())
    assert response.status_code == 200
    assert ">7 Dec 2026, 13:05</time>" in response.content.decode()


def test_the_persons_setting_wins_over_the_browser_cookie(asked, make_user, client_for):
    reader = make_user()
    _set_zone(reader, "America/New_York")
    text = _shown_time(client_for(reader), asked, tz="Asia/Tokyo")
    assert ">7 Dec 2026, 08:05</time>" in text


def test_the_zone_does_not_stay_active_after_the_request(asked, make_user, client_for):
    from django.utils import timezone

    reader = make_user()
    _set_zone(reader, "Asia/Tokyo")
    _shown_time(client_for(reader), asked)
    assert timezone.get_current_timezone_name() == "UTC"


def _profile_form(**changes: str) -> dict[str, str]:
    return {"display_name": "Ana Lopez", "title": "", "location": "Porto", **changes}


def test_choosing_a_time_zone_in_the_profile_form_saves_it(make_user, client_for):
    ana = make_user("ana")
    client = client_for(ana)
    page = client.get("/people/me/edit/").content.decode()
    assert '<select name="time_zone"' in page
    assert '<option value="Europe/Lisbon">Europe/Lisbon</option>' in page
    response = client.post("/people/me/edit/", _profile_form(time_zone="Europe/Lisbon"))
    assert response.status_code == 302
    assert Profile.objects.get(user=ana).time_zone == "Europe/Lisbon"
    response = client.post("/people/me/edit/", _profile_form(time_zone=""))
    assert Profile.objects.get(user=ana).time_zone == ""  # back to automatic


def test_an_unknown_time_zone_is_refused_with_a_clear_error_and_the_text_kept(
    make_user, client_for
):
    ana = make_user("ana", display_name="Ana Lopez")
    _set_zone(ana, "Europe/Lisbon")
    response = client_for(ana).post(
        "/people/me/edit/", _profile_form(time_zone="Mars/Olympus", location="Porto <b>HQ</b>")
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "Choose a time zone from the list, e.g. Europe/Paris." in text
    assert 'value="Porto &lt;b&gt;HQ&lt;/b&gt;"' in text
    assert Profile.objects.get(user=ana).time_zone == "Europe/Lisbon"


def test_the_action_refuses_an_unknown_time_zone(make_user):
    ana = make_user("ana")
    with pytest.raises(ValidationError):
        update_profile(
            by=ana,
            profile=ana.profile,
            display_name="Ana",
            title="",
            department=None,
            location="",
            time_zone="Europe/Atlantis",
        )
    assert Profile.objects.get(user=ana).time_zone == ""
