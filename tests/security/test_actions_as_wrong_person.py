"""Every action that takes an acting person refuses the wrong one, by itself.

The views check first, but a command, the admin, a task or a future API calls the actions
directly: each action must refuse a stranger (otto, outside the private community), a
former colleague (dora, marked departed) and anonymous visitors, with nothing written and
nobody notified. Hidden things are NotVisible (404), visible things the person may not
change NotAllowed (403).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from taggit.models import Tag

from intranet.lib.access import NotAllowed, NotVisible, Refused
from notifications import actions as notifying
from profiles import actions as people
from profiles.models import User
from questions import actions
from reports.actions import request_handover
from reports.people import Person
from tests.security.conftest import World

# What an action may have written: every row of the apps' own tables.
WATCHED_APPS = ("profiles", "questions", "reports")


def snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every row of the apps' tables, for comparing before and after a refused call."""
    rows: dict[str, list[dict[str, Any]]] = {}
    for label in WATCHED_APPS:
        for model in apps.get_app_config(label).get_models():
            rows[model._meta.label] = list(model._default_manager.order_by("pk").values())
    rows["taggit.Tag"] = list(Tag.objects.order_by("pk").values())
    return rows


def changed_tables(before: dict[str, list[dict[str, Any]]]) -> list[str]:
    after = snapshot()
    return [label for label in before if before[label] != after[label]]


Call = Callable[[World, Any], object]


def _file() -> io.BytesIO:
    return io.BytesIO(b"# Version two\n")


def _person(user: User) -> Person:
    return Person(user.pk, user.username, user.username, "", None, "unknown")


# (name, call as `actor`) for things in the private community: a stranger must not learn
# they exist (NotVisible); a former colleague who was a member may do nothing (NotAllowed).
PRIVATE_CALLS: list[tuple[str, Call]] = [
    (
        "edit_post",
        lambda w, a: actions.edit_post(
            post=w.private_question, editor=a, title="Defaced", body="x", tags=""
        ),
    ),
    ("delete_post", lambda w, a: actions.delete_post(post=w.private_question, by=a)),
    (
        "edit_answer",
        lambda w, a: actions.edit_answer(answer=w.private_answer, editor=a, body="Defaced"),
    ),
    ("delete_answer", lambda w, a: actions.delete_answer(answer=w.private_answer, by=a)),
    (
        "post_answer",
        lambda w, a: actions.post_answer(post=w.private_question, author=a, body="Hello"),
    ),
    (
        "accept_answer",
        lambda w, a: actions.accept_answer(post=w.private_question, answer=None, by=a),
    ),
    (
        "set_like post",
        lambda w, a: actions.set_like(user=a, post=w.private_question, liked=True),
    ),
    (
        "set_like answer",
        lambda w, a: actions.set_like(user=a, answer=w.private_answer, liked=True),
    ),
    (
        "set_bookmark post",
        lambda w, a: actions.set_bookmark(user=a, post=w.private_question, saved=True),
    ),
    (
        "set_bookmark answer",
        lambda w, a: actions.set_bookmark(user=a, answer=w.private_answer, saved=True),
    ),
    (
        "upload_version",
        lambda w, a: actions.upload_version(
            post=w.private_draft, uploader=a, file=_file(), filename="plan.md"
        ),
    ),
    (
        "set_feedback_wanted",
        lambda w, a: actions.set_feedback_wanted(post=w.private_draft, by=a, wanted=False),
    ),
    (
        "record_download",
        lambda w, a: actions.record_download(version=w.private_version, user=a),
    ),
    ("record_view", lambda w, a: actions.record_view(post=w.private_question, user=a)),
    (
        "join_community",
        lambda w, a: actions.join_community(user=a, community=w.private_community),
    ),
    (
        "add_member",
        lambda w, a: actions.add_member(by=a, community=w.private_community, user=w.otto),
    ),
    (
        "ask_question in it",
        lambda w, a: actions.ask_question(
            author=a, title="Sneaky?", body="", community=w.private_community
        ),
    ),
    (
        "post_status in it",
        lambda w, a: actions.post_status(author=a, body="Sneaky", community=w.private_community),
    ),
    (
        "share_draft in it",
        lambda w, a: actions.share_draft(
            author=a,
            title="Sneaky",
            body="",
            file=_file(),
            filename="plan.md",
            community=w.private_community,
        ),
    ),
]

# Things everyone sees that only their author, owner or staff may change: a colleague who
# is not one of them is NotAllowed; a former colleague and anonymous are refused as well.
OTHERS_CALLS: list[tuple[str, Call]] = [
    (
        "edit_post",
        lambda w, a: actions.edit_post(
            post=w.public_question, editor=a, title="Defaced", body="x", tags=""
        ),
    ),
    ("delete_post", lambda w, a: actions.delete_post(post=w.public_question, by=a)),
    (
        "edit_answer",
        lambda w, a: actions.edit_answer(answer=w.public_answer, editor=a, body="Defaced"),
    ),
    ("delete_answer", lambda w, a: actions.delete_answer(answer=w.public_answer, by=a)),
    (
        "accept_answer",
        lambda w, a: actions.accept_answer(post=w.public_question, answer=None, by=a),
    ),
    (
        "upload_version",
        lambda w, a: actions.upload_version(
            post=w.public_draft, uploader=a, file=_file(), filename="plan.md"
        ),
    ),
    (
        "set_feedback_wanted",
        lambda w, a: actions.set_feedback_wanted(post=w.public_draft, by=a, wanted=False),
    ),
    (
        "add_member",
        lambda w, a: actions.add_member(by=a, community=w.public_community, user=w.mia),
    ),
    (
        "update_profile",
        lambda w, a: people.update_profile(
            by=a,
            profile=w.olga.profile,
            display_name="Defaced",
            title="",
            department=None,
            location="",
        ),
    ),
    ("mark_departed", lambda w, a: people.mark_departed(by=a, user=w.mia)),
    ("mark_returned", lambda w, a: people.mark_returned(by=a, user=w.mia)),
    (
        "set_leaving_date",
        lambda w, a: people.set_leaving_date(by=a, user=w.mia, leaving_on=None),
    ),
    (
        "ask_for_handover",
        lambda w, a: people.ask_for_handover(by=a, person=w.mia, successors=[], tags=["x"]),
    ),
    ("request_handover", lambda w, a: request_handover(by=a, person=_person(w.mia))),
]

# Things a person does for themselves: a former colleague (or anonymous) may do none.
OWN_CALLS: list[tuple[str, Call]] = [
    (
        "set_like public",
        lambda w, a: actions.set_like(user=a, post=w.public_question, liked=True),
    ),
    (
        "set_bookmark public",
        lambda w, a: actions.set_bookmark(user=a, post=w.public_question, saved=True),
    ),
    (
        "post_answer public",
        lambda w, a: actions.post_answer(post=w.public_question, author=a, body="Hi"),
    ),
    ("ask_question", lambda w, a: actions.ask_question(author=a, title="Hi?", body="")),
    ("post_status", lambda w, a: actions.post_status(author=a, body="Hi")),
    (
        "create_community",
        lambda w, a: actions.create_community(creator=a, name="Ghosts"),
    ),
    (
        "join_community",
        lambda w, a: actions.join_community(user=a, community=w.public_community),
    ),
    (
        "leave_community",
        lambda w, a: actions.leave_community(user=a, community=w.private_community),
    ),
    (
        "record_download public",
        lambda w, a: actions.record_download(version=w.public_version, user=a),
    ),
    (
        "set_follow_person",
        lambda w, a: people.set_follow_person(follower=a, person=w.mia, following=True),
    ),
    (
        "set_follow_tag",
        lambda w, a: people.set_follow_tag(
            follower=a, tag=Tag.objects.get(name="release"), following=True
        ),
    ),
    ("set_preferences", lambda w, a: notifying.set_preferences(user=a, in_app=set(), email=set())),
    ("mark_notifications_read", lambda w, a: notifying.mark_notifications_read(user=a)),
    ("set_availability", lambda w, a: people.set_availability(user=a, away_until=None)),
    ("set_theme", lambda w, a: people.set_theme(user=a, theme="dark")),
    ("set_declared_topics", lambda w, a: people.set_declared_topics(user=a, topics="ghosts")),
]


@pytest.fixture
def departed(world: World) -> User:
    """dora, a member of the private community, marked departed by staff."""
    people.mark_departed(by=world.stan, user=world.dora)
    return User.objects.select_related("profile").get(pk=world.dora.pk)


def refused(call: Call, world: World, actor: Any, expected: type[Refused]) -> None:
    before = snapshot()
    with pytest.raises(expected):
        call(world, actor)
    assert changed_tables(before) == [], "a refused call wrote something"


@pytest.mark.parametrize(("name", "call"), PRIVATE_CALLS, ids=[n for n, _ in PRIVATE_CALLS])
def test_a_stranger_is_not_told_a_private_communitys_things_exist(
    world: World, name: str, call: Call
) -> None:
    refused(call, world, world.otto, NotVisible)


@pytest.mark.parametrize(("name", "call"), PRIVATE_CALLS, ids=[n for n, _ in PRIVATE_CALLS])
def test_a_former_member_can_do_nothing_in_the_private_community(
    world: World, departed: User, name: str, call: Call
) -> None:
    refused(call, world, departed, NotAllowed)


@pytest.mark.parametrize(("name", "call"), OTHERS_CALLS, ids=[n for n, _ in OTHERS_CALLS])
def test_a_colleague_cannot_change_what_is_someone_elses(
    world: World, name: str, call: Call
) -> None:
    refused(call, world, world.otto, NotAllowed)


@pytest.mark.parametrize(
    ("name", "call"), OTHERS_CALLS + OWN_CALLS, ids=[n for n, _ in OTHERS_CALLS + OWN_CALLS]
)
def test_a_former_colleague_can_do_nothing(
    world: World, departed: User, name: str, call: Call
) -> None:
    refused(call, world, departed, NotAllowed)


EVERY_CALL = [
    (f"{group} {name}", call)
    for group, calls in (("private", PRIVATE_CALLS), ("others'", OTHERS_CALLS), ("own", OWN_CALLS))
    for name, call in calls
    if name != "record_view"  # an anonymous view is not counted, nor refused: below
]


@pytest.mark.parametrize(("name", "call"), EVERY_CALL, ids=[n for n, _ in EVERY_CALL])
def test_an_anonymous_visitor_can_do_nothing(world: World, name: str, call: Call) -> None:
    refused(call, world, AnonymousUser(), NotAllowed)


def test_an_anonymous_view_is_not_counted(world: World) -> None:
    before = snapshot()
    assert actions.record_view(post=world.public_question, user=AnonymousUser()) is False
    assert changed_tables(before) == []


def test_someone_elses_private_bookmark_is_not_admitted_to_exist(world: World) -> None:
    for stranger in (world.otto, world.stan):
        refused(
            lambda w, a: actions.set_bookmark_privacy(
                by=a, bookmark=w.olga_bookmark, is_private=False
            ),
            world,
            stranger,
            NotVisible,
        )
    actions.set_bookmark_privacy(by=world.olga, bookmark=world.olga_bookmark, is_private=False)
    world.olga_bookmark.refresh_from_db()
    assert world.olga_bookmark.is_private is False


def test_an_owner_cannot_add_a_former_colleague(world: World, departed: User) -> None:
    before = snapshot()
    with pytest.raises(ValidationError, match="Former colleagues"):
        actions.add_member(by=world.olga, community=world.public_community, user=departed)
    assert changed_tables(before) == []


def test_the_right_people_still_can(world: World) -> None:
    """The guards let through who the product lets: authors, staff on others' posts (that
    they see), owners adding members, anyone liking what they see."""
    actions.edit_post(
        post=world.public_question, editor=world.stan, title="Signing builds?", body="", tags=""
    )
    actions.edit_answer(answer=world.private_answer, editor=world.mia, body="Pangolin again")
    actions.set_like(user=world.otto, post=world.public_question, liked=True)
    actions.add_member(by=world.olga, community=world.private_community, user=world.otto)
    actions.set_like(user=world.otto, post=world.private_question, liked=True)
    actions.delete_post(post=world.private_question, by=world.olga)
    world.private_question.refresh_from_db()
    assert world.private_question.is_deleted
