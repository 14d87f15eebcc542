"""Anonymising a person for a legal request: explicit, logged, content kept."""

from __future__ import annotations

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from profiles.actions import (
    anonymise_person,
    mark_returned,
    set_availability,
    set_declared_topics,
)
from profiles.models import DeclaredTopic, PeopleLog, Profile, User
from questions import actions as questions
from questions.models import Answer, Like, Post
from search import service
from search.indexing import reindex_people

pytestmark = pytest.mark.django_db
REASON = "Erasure request ER-2026-17 of 3 Nov"


@pytest.fixture
def boss(make_user):
    return make_user("boss", display_name="Alex Admin", is_staff=True)


@pytest.fixture
def ana(make_user, make_department):
    ana = make_user(
        "ana",
        email="ana.silva@example.com",
        display_name="Ana Silva",
        title="Release Engineer",
        department=make_department("Platform"),
        location="Lisbon",
    )
    ana.first_name, ana.last_name = "Ana", "Silva"
    ana.save()
    set_availability(user=ana, away_until=timezone.localdate() + timedelta(days=2), note="Off")
    set_declared_topics(user=ana, topics="release, signing")
    SocialAccount.objects.create(user=ana, provider="sso", uid="ana-123")
    return ana


def test_anonymising_needs_a_reason(boss, ana):
    with pytest.raises(ValidationError) as error:
        anonymise_person(by=boss, user=ana, reason="   ")
    assert "reason" in error.value.message_dict
    assert Profile.objects.get(user=ana).display_name == "Ana Silva"
    assert not PeopleLog.objects.exists()


def test_only_staff_anonymise(make_user, ana):
    with pytest.raises(PermissionDenied):
        anonymise_person(by=make_user(), user=ana, reason=REASON)
    assert User.objects.get(pk=ana.pk).username == "ana"


def test_anonymising_removes_what_identifies_them_and_keeps_their_content(
    boss, ana, make_user, make_question, make_answer
):
    rita = make_user("rita")
    post = make_question(author=ana, title="How do we sign release builds?")
    answer = make_answer(post=make_question(author=rita), author=ana, accepted=True)
    questions.set_like(user=ana, post=make_question(author=rita), liked=True)
    counts = (
        Post.objects.filter(author=ana).count(),
        Answer.objects.filter(author=ana).count(),
        Like.objects.filter(user=ana).count(),
    )
    anonymise_person(by=boss, user=ana, reason=f"  {REASON} ")

    user = User.objects.get(pk=ana.pk)
    profile = Profile.objects.select_related("department").get(user=user)
    name = f"Former colleague #{ana.pk}"
    assert (user.username, user.email, user.first_name, user.last_name) == (
        f"former-colleague-{ana.pk}",
        "",
        "",
        "",
    )
    assert not user.has_usable_password() and not user.is_active
    assert profile.display_name == name
    assert (profile.title, profile.location, profile.away_note, profile.away_until) == (
        "",
        "",
        "",
        None,
    )
    assert profile.department is not None and profile.department.name == "Platform"  # kept
    assert profile.departed_at is not None and profile.anonymised_at is not None
    assert not DeclaredTopic.objects.filter(user=user).exists()
    assert not EmailAddress.objects.filter(user=user).exists()
    assert not SocialAccount.objects.filter(user=user).exists()
    assert counts == (
        Post.objects.filter(author=user).count(),
        Answer.objects.filter(author=user).count(),
        Like.objects.filter(user=user).count(),
    )
    assert Post.objects.get(pk=post.pk).author_id == user.pk
    assert Answer.objects.get(pk=answer.pk).author_id == user.pk
    logged = PeopleLog.objects.filter(user=user).order_by("pk")
    assert [(e.action, e.by, e.detail.get("reason")) for e in logged] == [
        ("departed", boss, None),
        ("anonymised", boss, REASON),
    ]
    assert "Ana" not in str(list(logged.values_list("detail", flat=True)))


def test_anonymised_posts_are_reindexed_under_the_anonymous_name(
    boss, ana, make_user, make_question, django_capture_on_commit_callbacks
):
    reader = make_user("reader")
    with django_capture_on_commit_callbacks(execute=True):
        # Ana joined in the fixture's own (never committed) transaction: index her as the
        # commit of her sign-up would have.
        reindex_people(ana.pk)
        make_question(author=ana, title="Signing release builds with cosign")
    assert service.search(reader, "Ana Silva").results  # her person document, and her post
    with django_capture_on_commit_callbacks(execute=True):
        anonymise_person(by=boss, user=ana, reason=REASON)
    assert not service.search(reader, "Silva").results
    page = service.search(reader, "cosign")
    assert [r.post.title for r in page.results if r.post] == ["Signing release builds with cosign"]
    assert page.results[0].former


def test_anonymising_twice_changes_nothing_and_they_cannot_return(boss, ana):
    anonymise_person(by=boss, user=ana, reason=REASON)
    anonymise_person(by=boss, user=ana, reason="again")
    assert PeopleLog.objects.filter(action="anonymised").count() == 1
    with pytest.raises(ValidationError, match="anonymised"):
        mark_returned(by=boss, user=User.objects.get(pk=ana.pk))


def test_the_page_asks_for_the_reason_first(boss, ana, client_for):
    client = client_for(boss)
    page = client.get("/staff/people/ana/anonymise/").content.decode()
    assert "Anonymise Ana Silva?" in page and 'name="reason"' in page
    response = client.post("/staff/people/ana/anonymise/", {"reason": ""})
    assert response.status_code == 400
    assert "Give the reason" in response.content.decode()
    assert User.objects.get(pk=ana.pk).username == "ana"


def test_the_page_anonymises_and_shows_the_log(boss, ana, client_for):
    client = client_for(boss)
    response = client.post("/staff/people/ana/anonymise/", {"reason": REASON}, follow=True)
    text = response.content.decode()
    new = f"former-colleague-{ana.pk}"
    assert response.redirect_chain[-1][0] == f"/staff/people/{new}/"
    assert f"Former colleague #{ana.pk}" in text and f"anonymised them. Reason: {REASON}" in text
    assert "Ana Silva" not in text
    profile_page = client.get(f"/people/{new}/").content.decode()
    assert "Former colleague" in profile_page and "Ana Silva" not in profile_page
