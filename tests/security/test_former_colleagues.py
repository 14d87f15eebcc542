"""One definition of a former colleague (profiles: User.is_former, former_q), the same on
every page, in search, in the reports and in what people may do; and the admin cannot make
a person half-gone (an account switched off with no departure recorded)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.urls import reverse

from profiles.models import PeopleLog, Profile, User
from reports.people import former_colleagues
from reports.risk import find_person
from search.service import search, suggest
from tests.security.conftest import World, body_of, signed_in
from tests.security.test_admin_goes_through_actions import admin_form_data

Capture = Callable[..., AbstractContextManager[Any]]


def shown_as_former(world: World, person: User) -> dict[str, bool]:
    """Where a colleague (otto) and the reports see `person` as a former colleague."""
    otto = signed_in(world.otto)
    profile_page = body_of(otto.get(reverse("person", args=[person.username])))
    directory = body_of(otto.get("/people/?q=" + person.username))
    answer_page = body_of(otto.get(world.public_question.get_absolute_url(), follow=True))
    results = [r for r in search(world.otto, "HSM").results if r.post is not None]
    typeahead = [s.detail for s in suggest(world.otto, "Mia")]
    return {
        "profile page": "Former colleague" in profile_page,
        "directory": "Former colleague" in directory,
        "answer badge": "former colleague" in answer_page,
        "search": any(r.former for r in search(world.otto, "Mia").results),
        "search answer": bool(results),  # found either way: departure never hides anything
        "typeahead": any("former colleague" in d for d in typeahead),
        "reports": person.pk in former_colleagues([person.pk]),
        "risk what-if": find_person(person.username) is None,  # only current colleagues
    }


EVERYWHERE = {
    "profile page": True,
    "directory": True,
    "answer badge": True,
    "search": True,
    "search answer": True,
    "typeahead": True,
    "reports": True,
    "risk what-if": True,
}


def test_a_current_colleague_is_former_nowhere(world: World) -> None:
    seen = shown_as_former(world, world.mia)
    assert seen == {**{k: False for k in EVERYWHERE}, "search answer": True}


def test_a_recorded_departure_makes_a_former_colleague_everywhere(world: World) -> None:
    """Older data recorded a departure without switching the account off: the profile said
    "former", reports and search did not. One definition: former everywhere."""
    Profile.objects.filter(user=world.mia).update(departed_at=world.mia.date_joined)
    assert shown_as_former(world, world.mia) == EVERYWHERE


def test_an_account_switched_off_without_a_departure_is_a_former_colleague_everywhere(
    world: World,
) -> None:
    User.objects.filter(pk=world.mia.pk).update(is_active=False)
    assert shown_as_former(world, world.mia) == EVERYWHERE


@pytest.mark.parametrize("recorded", ["departed_at", "is_active"])
def test_a_former_colleague_is_not_mentioned_nor_added(world: World, recorded: str) -> None:
    from questions import actions

    if recorded == "departed_at":
        Profile.objects.filter(user=world.mia).update(departed_at=world.mia.date_joined)
    else:
        User.objects.filter(pk=world.mia.pk).update(is_active=False)
    post = actions.ask_question(author=world.olga, title="Who knows HSM?", body="@mia?")
    assert not post.mentions.exists()
    response = signed_in(world.olga).post(
        world.public_community.get_absolute_url() + "members/", {"username": "mia"}
    )
    assert response.status_code in (302, 400)
    assert not world.public_community.memberships.filter(user=world.mia).exists()


def test_unticking_active_in_the_admin_marks_the_person_departed(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    staff = signed_in(world.stan)
    url = f"/admin/profiles/user/{world.mia.pk}/change/"
    data = admin_form_data(staff, url)
    data.pop("is_active")
    data.pop("password", None)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(url, data)
    assert response.status_code == 302, response.content[:3000]
    mia = User.objects.select_related("profile").get(pk=world.mia.pk)
    assert not mia.is_active and mia.profile.departed_at is not None and mia.is_former
    assert PeopleLog.objects.filter(
        user=mia, by=world.stan, action=PeopleLog.Action.DEPARTED
    ).exists()
    assert shown_as_former(world, mia) == EVERYWHERE

    data["is_active"] = "on"
    with django_capture_on_commit_callbacks(execute=True):
        assert staff.post(url, data).status_code == 302
    mia = User.objects.select_related("profile").get(pk=world.mia.pk)
    assert mia.is_active and mia.profile.departed_at is None and not mia.is_former
    assert PeopleLog.objects.filter(user=mia, action=PeopleLog.Action.RETURNED).exists()
