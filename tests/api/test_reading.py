"""Search (the search page's service), similar questions, tags, people, notifications with
the socket's catch-up, and drafts with their download."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from taggit.models import Tag

from notifications.models import Notification
from profiles.models import User
from questions import actions
from questions.models import Post, VersionDownload
from questions.permissions import visible_tags
from search import service
from tests.api.conftest import ApiClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def indexed(django_capture_on_commit_callbacks: Callable[..., Any]) -> Any:
    """Run what actions queue after commit (search indexing), as a server would."""
    return django_capture_on_commit_callbacks(execute=True)


def test_search_answers_as_the_search_page_with_reasons_and_pages(
    make_user: Callable[..., User],
    make_question: Callable[..., Post],
    make_answer: Callable[..., Any],
    api_for: Callable[..., ApiClient],
    indexed: Any,
    settings: Any,
) -> None:
    with indexed:
        ann, bob = make_user("ann"), make_user("bob")
        for n in range(3):
            question = make_question(author=bob, title=f"Signing release builds, part {n}")
            make_answer(post=question, author=ann, body="Use the HSM.", accepted=True)
    api = api_for(ann)
    body = api.get("/search", q="signing release builds").json()
    page = service.search(ann, "signing release builds")
    assert body["total"] == page.total == 3
    assert [i["post_id"] for i in body["items"]] == [r.post.pk for r in page.results if r.post]
    assert [i["reasons"] for i in body["items"]] == [r.reasons for r in page.results]
    assert body["next"] is None
    first = body["items"][0]
    assert first["title"].startswith("Signing release builds, part") and "<" not in first["title"]
    assert "<mark>" in first["title_html"] and "<mark>" not in first["snippet"]
    forged = api.get("/search", q="signing", cursor="forged").json()
    assert forged["status"] == 400
    empty = api.get("/search", q="the").json()
    assert empty["items"] == [] and "common words" in empty["notice"]


def test_search_pages_follow_the_cursor(
    make_user: Callable[..., User],
    make_question: Callable[..., Post],
    api_for: Callable[..., ApiClient],
    indexed: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(service, "PAGE_SIZE", 2)
    with indexed:
        ann = make_user("ann")
        for n in range(5):
            make_question(author=ann, title=f"Kubernetes upgrade notes {n}")
    api = api_for(ann)
    first = api.get("/search", q="kubernetes upgrade").json()
    second = api.get("/search", q="kubernetes upgrade", cursor=first["next"]).json()
    ids = [i["post_id"] for i in first["items"] + second["items"]]
    assert len(ids) == 4 and len(set(ids)) == 4


def test_similar_questions_and_tags(
    make_user: Callable[..., User],
    make_question: Callable[..., Post],
    make_answer: Callable[..., Any],
    api_for: Callable[..., ApiClient],
    indexed: Any,
) -> None:
    with indexed:
        ann, bob = make_user("ann"), make_user("bob")
        question = make_question(
            author=bob, title="How do we sign release builds?", tags=["release"]
        )
        make_answer(post=question, author=ann, body="With the HSM.\nDetails follow.", accepted=True)
    api = api_for(ann)
    similar = api.get("/similar", title="signing release builds").json()
    assert [(s["post_id"], s["accepted"], s["first_line"]) for s in similar] == [
        (question.pk, True, "With the HSM.")
    ]
    assert api.get("/tags", q="rel").json()["items"] == [
        {"name": "release", "slug": "release", "uses": 1}
    ]


def test_people_profile_and_expertise(
    make_user: Callable[..., User], api_for: Callable[..., ApiClient]
) -> None:
    ann = make_user("ann", display_name="Ann Archer")
    make_user("bob", display_name="Bob Builder")
    api = api_for(ann)
    found = api.get("/people", q="Bob").json()
    assert [p["username"] for p in found["items"]] == ["bob"]
    assert api.get("/people/bob").json()["display_name"] == "Bob Builder"
    assert api.get("/people/nobody").status_code == 404
    assert api.get("/people/bob/expertise").json() == []
    everyone = api.get("/people", limit=1).json()
    assert len(everyone["items"]) == 1 and everyone["next"]
    rest = api.get("/people", limit=1, cursor=everyone["next"]).json()
    assert rest["items"][0]["username"] != everyone["items"][0]["username"]


def test_notifications_catch_up_like_the_socket_and_mark_read(
    make_user: Callable[..., User],
    make_question: Callable[..., Post],
    api_for: Callable[..., ApiClient],
) -> None:
    ann, bob, cid = make_user("ann"), make_user("bob"), make_user("cid")
    question = make_question(author=ann, title="Who owns the build farm?")
    first = actions.post_answer(post=question, author=bob, body="Me")
    actions.post_answer(post=question, author=cid, body="And me")
    api, other = api_for(ann), api_for(bob)
    rows = list(Notification.objects.filter(recipient=ann).order_by("pk"))
    assert len(rows) == 2
    listed = api.get("/notifications").json()
    assert [n["id"] for n in listed["items"]] == [rows[1].pk, rows[0].pk]
    assert listed["unread"] == 2
    caught_up = api.get("/notifications", last_id=rows[0].pk).json()
    assert [n["id"] for n in caught_up["items"]] == [rows[1].pk]
    assert caught_up["last_id"] == rows[1].pk and caught_up["more"] is False
    assert caught_up["items"][0]["prev"] == rows[0].pk
    # Someone else's ids change nothing; one's own are marked.
    assert other.post("/notifications/read", {"ids": [rows[0].pk]}).json()["marked"] == 0
    assert api.post("/notifications/read", {"ids": [rows[0].pk]}).json() == {
        "marked": 1,
        "unread": 1,
    }
    assert first.pk  # the answer exists: the notification is about it


def test_draft_metadata_versions_and_counted_download(
    make_user: Callable[..., User],
    make_draft: Callable[..., Post],
    make_question: Callable[..., Post],
    api_for: Callable[..., ApiClient],
) -> None:
    ann, bob = make_user("ann"), make_user("bob")
    content = b"# Plan\n\nOutline.\n"
    draft = make_draft(author=ann, title="Release plan", content=content, filename="plan.md")
    api = api_for(bob)
    body = api.get(f"/drafts/{draft.pk}").json()
    assert body["post"]["title"] == "Release plan"
    (version,) = body["versions"]
    assert version["sha256"] == hashlib.sha256(content).hexdigest()
    response = api.client.get(
        version["download_url"].removeprefix("http://testserver"), headers=api.headers
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content  # type: ignore[attr-defined]
    assert response["Content-Disposition"].startswith("attachment")
    assert VersionDownload.objects.filter(user=bob).count() == 1
    question = make_question(author=ann, title="Not a draft")
    assert api.get(f"/drafts/{question.pk}").status_code == 404


def test_tags_page_by_name_and_hide_a_private_communitys_own(
    make_user: Callable[..., User],
    make_question: Callable[..., Post],
    make_community: Callable[..., Any],
    api_for: Callable[..., ApiClient],
) -> None:
    ann, member = make_user("ann"), make_user("mem")
    secret = make_community("Backroom", owner=member, private=True)
    make_question(author=member, title="Hidden", tags=["b-hidden"], community=secret)
    for name in ("a-one", "c-three", "d-four", "e-five"):
        make_question(author=ann, title=f"About {name}", tags=[name])
    api = api_for(ann)
    names: list[str] = []
    cursor = None
    while True:
        body = api.get("/tags", limit=2, **({"cursor": cursor} if cursor else {})).json()
        names += [t["name"] for t in body["items"]]
        cursor = body["next"]
        if cursor is None:
            break
    assert names == ["a-one", "c-three", "d-four", "e-five"]
    assert "b-hidden" in [t["name"] for t in api_for(member).get("/tags").json()["items"]]


def test_tag_uses_are_visible_tags_counts_for_every_kind_of_tag(
    make_user: Callable[..., User],
    make_question: Callable[..., Post],
    make_community: Callable[..., Any],
    api_for: Callable[..., ApiClient],
    django_assert_max_num_queries: Callable[..., Any],
) -> None:
    """The list counts per tag, visible_tags by one grouped join: both must agree on who
    sees which tag and how often, for shared, private-only, deleted-only and unused tags."""
    ann, mem = make_user("ann"), make_user("mem")
    backroom = make_community("Backroom", owner=mem, private=True)
    open_room = make_community("Lobby", owner=ann)
    make_question(author=ann, title="Public one", tags=["shared", "lobby"], community=open_room)
    make_question(author=ann, title="Public two", tags=["shared"])
    make_question(author=mem, title="Private one", tags=["shared", "secret"], community=backroom)
    gone = make_question(author=ann, title="Deleted one", tags=["shared", "gone"])
    Post.objects.filter(pk=gone.pk).update(deleted_at=timezone.now())
    Tag.objects.create(name="declared", slug="declared")  # a topic on no post yet
    for person in (ann, mem, make_user("cyd")):
        expected = {t.name: t.uses for t in visible_tags(person)}
        api = api_for(person)
        # The token, its use, a batch of names, their counts, the end of the names.
        with django_assert_max_num_queries(5):
            items = api.get("/tags", limit=100).json()["items"]
        assert {t["name"]: t["uses"] for t in items} == expected
        assert [t["name"] for t in items] == sorted(expected)
    seen_by_ann = {t["name"]: t["uses"] for t in api_for(ann).get("/tags").json()["items"]}
    assert seen_by_ann == {"declared": 0, "lobby": 1, "shared": 2}
    seen_by_mem = {t["name"]: t["uses"] for t in api_for(mem).get("/tags").json()["items"]}
    assert seen_by_mem == {"declared": 0, "lobby": 1, "secret": 1, "shared": 3}
