"""The admin changes posts, answers and communities through the actions, and search follows.

A staff member turning a community private in the admin's change form must hide its posts
from everyone else's search at once (titles, snippets, counts and facets); editing a post
or an answer in the admin must re-render it and reindex it; deleting is the soft delete;
each staff change to someone else's thing is in the audit log. Every change is made by
POSTing the admin's own form, as a staff member's browser does.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any

import pytest
from django.contrib.admin.models import DELETION, LogEntry
from django.test import Client
from django.utils import timezone

from profiles.models import User
from questions import actions
from questions.models import Answer, Community, Post
from search.integrity import checks as index_checks
from search.service import search, suggest
from tests.security.conftest import World, body_of, signed_in

OPEN_TITLE = "Narwhal rollout plan"
OPEN_TAG = "narwhal-ops"

Capture = Callable[..., AbstractContextManager[Any]]


def admin_form_data(client: Client, url: str) -> dict[str, Any]:
    """The admin change form's fields as the page fills them, inlines included: what the
    browser would send back if nothing were changed."""
    response = client.get(url)
    assert response.status_code == 200, url
    data: dict[str, Any] = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        forms += formset.forms
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            if isinstance(value, datetime):  # the admin's split date and time inputs
                local = timezone.localtime(value)
                data[form.add_prefix(f"{name}_0")] = local.date().isoformat()
                data[form.add_prefix(f"{name}_1")] = local.time().isoformat("seconds")
                continue
            if value is True:
                value = "on"
            elif name == "tags":
                value = ", ".join(getattr(tag, "name", str(tag)) for tag in value)
            data[form.add_prefix(name)] = value
    return data


@pytest.fixture
def open_post(world: World, django_capture_on_commit_callbacks: Capture) -> Post:
    """A question in the open community (olga owns it; otto is not a member), indexed."""
    with django_capture_on_commit_callbacks(execute=True):
        return actions.ask_question(
            author=world.olga,
            title=OPEN_TITLE,
            body="Narwhal goes live in the spring.",
            tags=[OPEN_TAG],
            community=world.public_community,
        )


@pytest.fixture(autouse=True)
def _text_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests count what the text index answers (a stale document would leak there);
    posts close in meaning would join any query's page, so they are left out here. The
    vector path's own visibility is tested in tests/search/test_meaning.py."""
    monkeypatch.setattr("search.meaning.similar_keys", lambda *args, **kwargs: [])


def index_problems() -> list[str]:
    """What `manage.py check_integrity` would report about the search index."""
    return [f"{check.name}: {m}" for check in index_checks() for m in check.find()]


def found_by(user: User, text: str) -> tuple[int, list[str], list[str], list[str]]:
    page = search(user, text)
    titles = [str(r.title) for r in page.results]
    communities = [f.label for f in page.facets.get("community", [])]
    tags = [f.value for f in page.facets.get("tag", [])]
    return page.total, titles, communities, tags


def test_a_community_made_private_in_the_admin_leaves_outsiders_search_at_once(
    world: World, open_post: Post, django_capture_on_commit_callbacks: Capture
) -> None:
    total, titles, communities, tags = found_by(world.otto, "Narwhal")
    assert total == 1 and "Narwhal" in titles[0] and OPEN_TAG in tags  # it was open

    staff = signed_in(world.stan)
    url = f"/admin/questions/community/{world.public_community.pk}/change/"
    data = admin_form_data(staff, url)
    data["visibility"] = Community.Visibility.PRIVATE
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(url, data)
    assert response.status_code == 302, (
        response.context["adminform"].form.errors,
        [f.errors for i in response.context["inline_admin_formsets"] for f in i.formset.forms],
    )
    world.public_community.refresh_from_db()
    assert world.public_community.is_private

    # Nothing of it for a non-member: no title, no count, no facet.
    assert found_by(world.otto, "Narwhal") == (0, [], [], [])
    page = body_of(signed_in(world.otto).get("/search/?q=Narwhal"))
    assert "rollout plan" not in page and "spring" not in page and OPEN_TAG not in page
    # Its owner still finds it; the index agrees with the database.
    assert found_by(world.olga, "Narwhal")[0] == 1
    assert index_problems() == []
    logged = LogEntry.objects.filter(object_id=str(world.public_community.pk), user=world.stan)
    assert "Made the community private." in [e.get_change_message() for e in logged]


def test_a_stale_index_never_shows_a_private_post(world: World, open_post: Post) -> None:
    """Even when the index was not told (a write that bypassed the actions), the rows read
    back from the database are filtered by who may see them."""
    Community.objects.filter(pk=world.public_community.pk).update(
        visibility=Community.Visibility.PRIVATE
    )
    assert found_by(world.otto, "Narwhal")[1] == []
    assert [s.label for s in suggest(world.otto, "Narwh")] == []
    assert [s.label for s in suggest(world.olga, "Narwh")] == [OPEN_TITLE]


def test_editing_a_post_in_the_admin_renders_it_and_search_follows(
    world: World, open_post: Post, django_capture_on_commit_callbacks: Capture
) -> None:
    staff = signed_in(world.stan)
    url = f"/admin/questions/post/{open_post.pk}/change/"
    data = admin_form_data(staff, url)
    data.update(title="Beluga rollout plan", body="**Beluga** goes live; @mia checks it.")
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(url, data)
    assert response.status_code == 302, response.content[:2000]

    open_post.refresh_from_db()
    assert "<strong>Beluga</strong>" in open_post.body_html
    assert open_post.edited_at is not None
    page = body_of(signed_in(world.otto).get(open_post.get_absolute_url(), follow=True))
    assert "<strong>Beluga</strong>" in page and "Narwhal" not in page
    assert open_post.mentions.filter(user=world.mia).exists()
    assert found_by(world.otto, "Beluga")[1] == ["<mark>Beluga</mark> rollout plan"]
    assert found_by(world.otto, "Narwhal")[0] == 0
    assert index_problems() == []
    assert LogEntry.objects.filter(object_id=str(open_post.pk), user=world.stan).count() == 1


def test_a_bad_edit_in_the_admin_is_shown_on_the_form_and_nothing_changes(
    world: World, open_post: Post
) -> None:
    staff = signed_in(world.stan)
    url = f"/admin/questions/post/{open_post.pk}/change/"
    data = admin_form_data(staff, url)
    data.update(title="   ", body="Now with no title")
    response = staff.post(url, data)
    assert response.status_code == 200
    assert "This cannot be empty." in body_of(response)
    open_post.refresh_from_db()
    assert open_post.title == OPEN_TITLE


def test_editing_and_deleting_an_answer_in_the_admin_goes_through_the_actions(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    staff = signed_in(world.stan)
    answer = world.public_answer
    url = f"/admin/questions/answer/{answer.pk}/change/"
    data = admin_form_data(staff, url)
    data.update(body="Use the *new* HSM, Hippogriff.")
    with django_capture_on_commit_callbacks(execute=True):
        assert staff.post(url, data).status_code == 302
    answer.refresh_from_db()
    assert "<em>new</em> HSM, Hippogriff" in answer.body_html
    assert found_by(world.otto, "Hippogriff")[0] == 1

    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(f"/admin/questions/answer/{answer.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    answer.refresh_from_db()
    assert answer.is_deleted and Answer.objects.filter(pk=answer.pk).exists()  # soft
    world.public_question.refresh_from_db()
    assert world.public_question.accepted_answer_id is None
    assert world.public_question.answer_count == 0
    assert found_by(world.otto, "Hippogriff")[0] == 0
    assert LogEntry.objects.filter(
        object_id=str(answer.pk), user=world.stan, action_flag=DELETION
    ).exists()


def test_deleting_a_post_in_the_admin_is_the_soft_delete(
    world: World, open_post: Post, django_capture_on_commit_callbacks: Capture
) -> None:
    staff = signed_in(world.stan)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(f"/admin/questions/post/{open_post.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    open_post.refresh_from_db()
    assert open_post.is_deleted
    assert found_by(world.olga, "Narwhal")[0] == 0


def test_staff_outside_a_private_community_cannot_edit_its_posts_in_the_admin(
    world: World,
) -> None:
    staff = signed_in(world.stan)
    url = f"/admin/questions/post/{world.private_question.pk}/change/"
    data = admin_form_data(staff, url)
    data.update(title="Defaced")
    assert staff.post(url, data).status_code == 404
    world.private_question.refresh_from_db()
    assert world.private_question.title != "Defaced"


def test_posts_and_answers_are_not_added_in_the_admin(world: World) -> None:
    staff = signed_in(world.stan)
    assert staff.get("/admin/questions/post/add/").status_code == 403
    assert staff.get("/admin/questions/answer/add/").status_code == 403


def test_a_former_colleague_is_not_added_to_a_community_in_the_admin(world: World) -> None:
    from profiles.actions import mark_departed

    mark_departed(by=world.stan, user=world.dora)
    staff = signed_in(world.stan)
    community = world.public_community
    url = f"/admin/questions/community/{community.pk}/change/"
    data = admin_form_data(staff, url)
    n = int(data["memberships-TOTAL_FORMS"])
    data.update(
        {
            "memberships-TOTAL_FORMS": str(n + 1),
            f"memberships-{n}-user": str(world.dora.pk),
            f"memberships-{n}-role": "member",
            f"memberships-{n}-community": str(community.pk),
            f"memberships-{n}-created_at_0": timezone.localdate().isoformat(),
            f"memberships-{n}-created_at_1": "09:00:00",
        }
    )
    response = staff.post(url, data)
    assert response.status_code == 200
    assert "Former colleagues cannot be added" in body_of(response)
    assert not community.memberships.filter(user=world.dora).exists()
    data[f"memberships-{n}-user"] = str(world.otto.pk)  # a current colleague is
    assert staff.post(url, data).status_code == 302
    assert community.memberships.filter(user=world.otto).exists()
