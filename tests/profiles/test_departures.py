"""Leaving and departed people: leaving dates, departures and returns, deletions refused for
people with content, handover requests, and what colleagues see of a former colleague."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db.models import Q
from django.utils import timezone

from intranet.lib.dates import format_when
from notifications.events import notification_text, notification_url
from notifications.models import Notification
from profiles.actions import (
    PersonHasContent,
    ask_for_handover,
    delete_person,
    mark_departed,
    mark_returned,
    set_leaving_date,
)
from profiles.models import HandoverRequest, PeopleLog, Profile, User
from profiles.permissions import can_edit_profile
from questions import actions as questions
from questions.models import Answer, DraftDownload, DraftVersion, Like, Post, VersionDownload
from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def boss(make_user):
    return make_user("boss", display_name="Alex Admin", is_staff=True)


def content_rows(user: User) -> dict[str, int]:
    return {
        "posts": Post.objects.filter(author=user).count(),
        "answers": Answer.objects.filter(author=user).count(),
        "likes": Like.objects.filter(user=user).count(),
        "versions": DraftVersion.objects.filter(uploaded_by=user).count(),
        "draft downloads": DraftDownload.objects.filter(user=user).count(),
        "version downloads": VersionDownload.objects.filter(user=user).count(),
    }


@pytest.fixture
def expert_with_content(make_user, make_question, make_answer, make_draft):
    """Ken asked, answered (accepted, liked), liked, shared a draft and downloaded one."""
    ken = make_user("ken", display_name="Ken Okafor", title="SRE")
    rita, fan = make_user("rita"), make_user("fan")
    make_question(author=ken, tags=["kubernetes"])
    answer = make_answer(post=make_question(author=rita), author=ken, accepted=True)
    questions.set_like(user=fan, answer=answer, liked=True)
    questions.set_like(user=ken, post=make_question(author=rita), liked=True)
    make_draft(author=ken)
    rita_draft = make_draft(author=rita)
    questions.record_download(user=ken, version=rita_draft.current_version)
    return ken


# --- Leaving dates ---------------------------------------------------------------------


def test_leaving_date_must_be_today_or_later(boss, make_user):
    ana = make_user("ana")
    with pytest.raises(ValidationError) as error:
        set_leaving_date(by=boss, user=ana, leaving_on=timezone.localdate() - timedelta(days=1))
    assert error.value.message_dict == {"leaving_on": ["Choose today or a later date."]}
    set_leaving_date(by=boss, user=ana, leaving_on=timezone.localdate())
    assert Profile.objects.get(user=ana).leaving_on == timezone.localdate()


def test_clearing_the_leaving_date_is_logged_with_the_previous_one(boss, make_user):
    ana = make_user("ana")
    day = timezone.localdate() + timedelta(days=30)
    set_leaving_date(by=boss, user=ana, leaving_on=day)
    set_leaving_date(by=boss, user=ana, leaving_on=day)  # unchanged: not logged again
    set_leaving_date(by=boss, user=ana, leaving_on=None)
    assert Profile.objects.get(user=ana).leaving_on is None
    logged = list(
        PeopleLog.objects.filter(user=ana).order_by("pk").values("by", "action", "detail")
    )
    assert logged == [
        {
            "by": boss.pk,
            "action": "leaving_date",
            "detail": {"leaving_on": day.isoformat(), "previous": None},
        },
        {
            "by": boss.pk,
            "action": "leaving_date",
            "detail": {"leaving_on": None, "previous": day.isoformat()},
        },
    ]


def test_only_staff_change_leaving_and_departure(make_user):
    colleague, ana = make_user(), make_user("ana")
    with pytest.raises(PermissionDenied):
        set_leaving_date(by=colleague, user=ana, leaving_on=timezone.localdate())
    with pytest.raises(PermissionDenied):
        mark_departed(by=colleague, user=ana)
    with pytest.raises(PermissionDenied):
        mark_returned(by=colleague, user=ana)
    assert not PeopleLog.objects.exists()
    assert User.objects.get(pk=ana.pk).is_active


def test_a_departed_person_gets_no_leaving_date(boss, make_user):
    ana = make_user("ana", display_name="Ana Silva")
    mark_departed(by=boss, user=ana)
    with pytest.raises(ValidationError, match="Ana Silva has left already"):
        set_leaving_date(by=boss, user=ana, leaving_on=timezone.localdate())


# --- Departed --------------------------------------------------------------------------


def test_marking_departed_keeps_every_row_of_their_content(boss, expert_with_content):
    ken = expert_with_content
    before = content_rows(ken)
    assert all(before.values()), before
    set_leaving_date(by=boss, user=ken, leaving_on=timezone.localdate() + timedelta(days=3))
    mark_departed(by=boss, user=ken)
    assert content_rows(ken) == before
    profile = Profile.objects.select_related("user").get(user=ken)
    assert profile.departed_at is not None and profile.leaving_on is None
    assert not profile.user.is_active
    assert profile.title == "SRE"  # last title stays
    assert Post.objects.filter(author=ken, accepted_answer__isnull=True).exists()


def test_marking_departed_is_idempotent_and_logged_once(boss, make_user):
    ana = make_user("ana")
    first = mark_departed(by=boss, user=ana).departed_at
    again = mark_departed(by=boss, user=ana).departed_at
    assert first == again
    assert list(PeopleLog.objects.filter(user=ana).values_list("action", flat=True)) == ["departed"]


def test_nobody_marks_themselves_departed(boss):
    with pytest.raises(ValidationError, match="yourself"):
        mark_departed(by=boss, user=boss)


def test_a_departed_person_cannot_sign_in_and_their_session_ends(
    boss, make_user, client, client_for
):
    ana = make_user("ana", email="ana@example.com")
    signed_in = client_for(ana)
    assert signed_in.get("/").status_code == 200
    mark_departed(by=boss, user=ana)
    assert signed_in.get("/").status_code == 302  # the session no longer authenticates
    response = client.post(
        "/accounts/login/", {"login": "ana@example.com", "password": TEST_PASSWORD}
    )
    assert "_auth_user_id" not in client.session
    assert response.status_code == 302 and "/accounts/login/" not in response.headers["Location"]
    assert client.get("/").status_code == 302  # still not signed in


def test_marking_departed_reindexes_their_person_document(boss, make_user, monkeypatch):
    from search import indexing

    queued: list[str] = []
    monkeypatch.setattr(indexing, "reindex_on_commit", lambda keys: queued.extend(keys))
    ana = make_user("ana")
    queued.clear()
    mark_departed(by=boss, user=ana)
    assert queued == [f"person:{ana.pk}"]


@pytest.mark.django_db(transaction=True)
async def test_marking_departed_closes_their_open_sockets(make_user):
    from tests.notifications.test_notification_socket import open_socket, signed_in, until_ready

    boss = await sync_to_async(make_user)("boss", is_staff=True)
    ana = await sync_to_async(make_user)("ana")
    communicator, connected, _ = await open_socket((await signed_in(ana))[1])
    assert connected
    await until_ready(communicator)
    await sync_to_async(mark_departed)(by=boss, user=ana)
    output = await communicator.receive_output(timeout=3)
    assert output["type"] == "websocket.close"


def test_marking_returned_lets_them_sign_in_again(boss, make_user, client):
    ana = make_user("ana", email="ana@example.com")
    mark_departed(by=boss, user=ana)
    mark_returned(by=boss, user=ana)
    mark_returned(by=boss, user=ana)  # a current colleague: nothing to do
    profile = Profile.objects.select_related("user").get(user=ana)
    assert profile.departed_at is None and profile.user.is_active
    client.post("/accounts/login/", {"login": "ana@example.com", "password": TEST_PASSWORD})
    assert client.session["_auth_user_id"] == str(ana.pk)
    actions = PeopleLog.objects.filter(user=ana).order_by("pk").values_list("action", flat=True)
    assert list(actions) == ["departed", "returned"]


def test_the_departed_profile_shows_former_colleague_with_last_title_and_department(
    boss, make_user, make_department, make_question, client_for
):
    ana = make_user(
        "ana",
        display_name="Ana Silva",
        title="Release Engineer",
        department=make_department("Platform"),
    )
    make_question(author=ana, title="How do we sign release builds?")
    mark_departed(by=boss, user=ana)
    text = client_for(make_user()).get("/people/ana/").content.decode()
    assert "Former colleague" in text
    assert "<dt>Last title</dt><dd>Release Engineer</dd>" in text
    assert "<dt>Last department</dt><dd>Platform</dd>" in text
    assert "How do we sign release builds?" in text  # their board stays
    assert "mailto:" not in text


def test_a_leaving_date_shows_on_the_profile_to_everyone(boss, make_user, client_for):
    ana = make_user("ana", display_name="Ana Silva")
    day = timezone.localdate() + timedelta(days=30)
    set_leaving_date(by=boss, user=ana, leaving_on=day)
    text = client_for(make_user()).get("/people/ana/").content.decode()
    assert f'Leaving on <time datetime="{day.isoformat()}"' in text
    assert f">{format_when(day)}</time>" in text
    assert "Leaving and departure" not in text  # the staff link is for staff
    assert "Leaving and departure" in client_for(boss).get("/people/ana/").content.decode()


def test_only_staff_may_edit_a_departed_profile(boss, make_user):
    ana = make_user("ana")
    assert can_edit_profile(ana, ana.profile)
    mark_departed(by=boss, user=ana)
    profile = Profile.objects.select_related("user").get(user=ana)
    assert not can_edit_profile(profile.user, profile)
    assert not can_edit_profile(make_user(), profile)
    assert can_edit_profile(boss, profile)


# --- Deleting --------------------------------------------------------------------------


def test_deleting_a_person_with_content_is_refused_and_logged(boss, expert_with_content):
    ken = expert_with_content
    before = content_rows(ken)
    with pytest.raises(PersonHasContent) as error:
        delete_person(by=boss, user=ken)
    message = error.value.messages[0]
    assert message.startswith("Ken Okafor has 2 posts, 1 answer, 1 like")
    assert "cannot be deleted: mark them departed instead, or anonymise them" in message
    assert User.objects.filter(pk=ken.pk).exists() and content_rows(ken) == before
    refused = PeopleLog.objects.get(user=ken)
    assert refused.action == "delete_refused" and refused.by == boss
    assert refused.detail["counts"]["posts"] == 2


def test_a_person_without_content_can_be_deleted(boss, make_user, monkeypatch):
    from search import indexing

    queued: list[str] = []
    monkeypatch.setattr(indexing, "reindex_on_commit", lambda keys: queued.extend(keys))
    newcomer = make_user("newcomer")
    pk = newcomer.pk
    delete_person(by=boss, user=newcomer)
    assert not User.objects.filter(pk=pk).exists()
    assert not Profile.objects.filter(user_id=pk).exists()
    assert f"person:{pk}" in queued  # leaves the search index
    logged = PeopleLog.objects.get(action="deleted")
    assert logged.user is None and logged.detail == {"user_id": pk} and logged.by == boss


def test_only_staff_delete_people(make_user):
    with pytest.raises(PermissionDenied):
        delete_person(by=make_user(), user=make_user())


def test_admin_refuses_to_delete_a_person_with_content(make_user, client_for, expert_with_content):
    superuser = make_user("root", is_staff=True, is_superuser=True)
    ken = expert_with_content
    before = content_rows(ken)
    client = client_for(superuser)
    url = f"/admin/profiles/user/{ken.pk}/delete/"
    response = client.get(url, follow=True)
    text = response.content.decode()
    assert "Ken Okafor has 2 posts, 1 answer" in text and "cannot be deleted" in text
    assert response.redirect_chain[0][0] == f"/admin/profiles/user/{ken.pk}/change/"
    # Opening the page writes nothing (a GET could come from a link on another site)...
    assert not PeopleLog.objects.filter(user=ken).exists()
    client.post(url, {"post": "yes"})
    assert User.objects.filter(pk=ken.pk).exists() and content_rows(ken) == before
    # ...asking for the deletion is logged as refused.
    assert PeopleLog.objects.get(user=ken).action == "delete_refused"


def test_admin_bulk_delete_deletes_nobody_when_one_has_content(
    make_user, client_for, expert_with_content
):
    superuser = make_user("root", is_staff=True, is_superuser=True)
    newcomer = make_user("newcomer")
    ken = expert_with_content
    client = client_for(superuser)
    data = {"action": "delete_selected", "_selected_action": [ken.pk, newcomer.pk], "post": "yes"}
    response = client.post("/admin/profiles/user/", data, follow=True)
    text = response.content.decode()
    assert "Ken Okafor has 2 posts" in text and "Nobody was deleted." in text
    assert User.objects.filter(pk__in=[ken.pk, newcomer.pk]).count() == 2


def test_admin_deletes_a_person_without_content(make_user, client_for):
    superuser = make_user("root", is_staff=True, is_superuser=True)
    newcomer = make_user("newcomer")
    client = client_for(superuser)
    assert client.get(f"/admin/profiles/user/{newcomer.pk}/delete/").status_code == 200
    data = {"action": "delete_selected", "_selected_action": [newcomer.pk]}
    assert client.post("/admin/profiles/user/", data).status_code == 200  # confirmation page
    client.post("/admin/profiles/user/", {**data, "post": "yes"})
    assert not User.objects.filter(pk=newcomer.pk).exists()


def test_admin_marks_departed_and_sets_leaving_dates_through_the_actions(make_user, client_for):
    superuser = make_user("root", is_staff=True, is_superuser=True)
    ana, ben = make_user("ana"), make_user("ben")
    client = client_for(superuser)
    data = {"action": "mark_selected_departed", "_selected_action": [ana.pk]}
    client.post("/admin/profiles/user/", data)
    assert Profile.objects.get(user=ana).departed_at is not None
    assert not User.objects.get(pk=ana.pk).is_active
    # Re-activating a departed person in the admin is marking them returned (logged).
    data = {"action": "mark_selected_returned", "_selected_action": [ana.pk]}
    client.post("/admin/profiles/user/", data)
    assert User.objects.get(pk=ana.pk).is_active
    assert list(PeopleLog.objects.filter(user=ana).values_list("action", flat=True)) == [
        "returned",
        "departed",
    ]
    assert not PeopleLog.objects.filter(user=ben).exists()


# --- Handover --------------------------------------------------------------------------


def test_handover_notifies_the_person_and_successors_once_a_day(boss, make_user, client_for):
    from taggit.models import Tag

    ana = make_user("ana", display_name="Ana Silva")
    ken, priya = make_user("ken"), make_user("priya")
    helm = Tag.objects.create(name="helm")
    outcome = ask_for_handover(
        by=boss, person=ana, successors=[ken, priya, ana], tags=["kubernetes", helm]
    )
    assert outcome.created and outcome.notified == 3
    assert (
        outcome.message == "Asked Ana Silva and 2 colleagues for a handover of #kubernetes, #helm."
    )
    rows = {n.recipient.username: n for n in Notification.objects.filter(verb="handover")}
    assert sorted(rows) == ["ana", "ken", "priya"]
    assert (
        notification_text(rows["ana"])
        == "Alex Admin asked you for a handover of #kubernetes, #helm"
    )
    assert notification_text(rows["ken"]) == (
        "Alex Admin asked you for a handover of #kubernetes, #helm from Ana Silva"
    )
    assert notification_url(rows["ken"]) == "/people/ana/"
    assert (
        "asked you for a handover of #kubernetes, #helm"
        in client_for(ana).get("/notifications/").content.decode()
    )

    again = ask_for_handover(by=boss, person=ana, successors=[ken], tags=["terraform"])
    assert not again.created and again.request == outcome.request
    assert again.message == "You already asked Ana Silva for a handover today."
    assert Notification.objects.filter(verb="handover").count() == 3
    logged = PeopleLog.objects.get(user=ana, action="handover")
    assert logged.detail == {
        "tags": ["kubernetes", "helm"],
        "successors": [ken.pk, priya.pk],
        "request": outcome.request.pk,
    }


def test_handover_may_be_asked_again_another_day(boss, make_user):
    ana, ken = make_user("ana"), make_user("ken")
    first = ask_for_handover(by=boss, person=ana, successors=[ken], tags=["helm"])
    HandoverRequest.objects.filter(pk=first.request.pk).update(
        day=timezone.localdate() - timedelta(days=1)
    )
    assert ask_for_handover(by=boss, person=ana, successors=[ken], tags=["helm"]).created


def test_handover_needs_staff_and_a_topic(boss, make_user):
    ana = make_user("ana")
    with pytest.raises(PermissionDenied):
        ask_for_handover(by=make_user(), person=ana, successors=[], tags=["helm"])
    with pytest.raises(ValidationError) as error:
        ask_for_handover(by=boss, person=ana, successors=[], tags=[])
    assert "tags" in error.value.message_dict
    assert not Notification.objects.exists()


def test_handover_requests_are_a_notification_setting_and_in_the_digest(
    boss, make_user, client_for, mailoutbox
):
    ana = make_user("ana", email="ana@example.com")
    assert (
        "Asked you for a handover"
        in client_for(ana).get("/notifications/settings/").content.decode()
    )
    ask_for_handover(by=boss, person=ana, successors=[], tags=["helm"])
    call_command("send_digests", stdout=io.StringIO(), stderr=io.StringIO())
    assert [m.to for m in mailoutbox] == [["ana@example.com"]]
    assert "asked you for a handover of #helm" in mailoutbox[0].body
    assert "/people/ana/" in mailoutbox[0].body


# --- Demo ------------------------------------------------------------------------------


def test_demo_departures_leave_the_sign_ins_alone_and_run_once(db):
    from demo import people as profiles_demo
    from demo.departures import DEPARTED, LEAVING, LEAVING_IN_DAYS, seed_departures

    profiles_demo.seed(people=len(profiles_demo.CORE_PEOPLE), progress=lambda n: None)
    assert seed_departures() == {"people departed": 2, "people leaving": 1}
    assert seed_departures() == {"people departed": 0, "people leaving": 0}
    departed = Profile.objects.filter(departed_at__isnull=False)
    assert sorted(departed.values_list("user__username", flat=True)) == sorted(DEPARTED)
    long_ago = timezone.now() - timedelta(days=30)
    assert all(p.departed_at and p.departed_at < long_ago for p in departed)
    leaving = Profile.objects.get(leaving_on__isnull=False)
    assert leaving.user.username == LEAVING
    assert leaving.leaving_on == timezone.localdate() + timedelta(days=LEAVING_IN_DAYS)
    sign_ins = User.objects.filter(username__in=["maria", "ken", "admin"])
    assert sign_ins.count() == 3 and all(u.is_active for u in sign_ins)
    assert not Profile.objects.filter(
        Q(departed_at__isnull=False) | Q(leaving_on__isnull=False),
        user__username__in=["maria", "ken", "admin"],
    ).exists()


def test_admin_change_form_sets_the_leaving_date_through_the_action(make_user, client_for):
    superuser = make_user("root", is_staff=True, is_superuser=True)
    ana = make_user("ana", display_name="Ana Silva")
    client = client_for(superuser)
    url = f"/admin/profiles/user/{ana.pk}/change/"
    form = client.get(url).context["adminform"].form
    day = timezone.localdate() + timedelta(days=10)
    data = {
        "username": "ana",
        "email": ana.email,
        "is_active": "on",
        "date_joined_0": f"{form.initial['date_joined']:%Y-%m-%d}",
        "date_joined_1": f"{form.initial['date_joined']:%H:%M:%S}",
        "profile-TOTAL_FORMS": "1",
        "profile-INITIAL_FORMS": "1",
        "profile-MIN_NUM_FORMS": "0",
        "profile-MAX_NUM_FORMS": "1",
        "profile-0-id": ana.profile.pk,
        "profile-0-user": ana.pk,
        "profile-0-display_name": "Ana Silva",
        "profile-0-title": "Release Engineer",
        "profile-0-leaving_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
    }
    response = client.post(url, data)
    assert (
        response.status_code == 200 and "Choose today or a later date." in response.content.decode()
    )
    response = client.post(url, {**data, "profile-0-leaving_on": day.isoformat()})
    assert response.status_code == 302
    profile = Profile.objects.get(user=ana)
    assert (profile.title, profile.leaving_on) == ("Release Engineer", day)
    logged = PeopleLog.objects.get(user=ana)
    assert (logged.action, logged.by, logged.detail["leaving_on"]) == (
        "leaving_date",
        superuser,
        day.isoformat(),
    )
