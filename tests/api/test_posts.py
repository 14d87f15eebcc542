"""Posts, answers, accepting and likes through the API: the actions' rules, cursor pages,
pinned query counts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from notifications.models import Notification
from profiles.models import User
from questions.models import Answer, Community, Like, Post
from tests.api.conftest import ApiClient

pytestmark = pytest.mark.django_db


def test_ask_answer_accept_and_like_a_question(
    make_user: Callable[..., User], api_for: Callable[..., ApiClient]
) -> None:
    ann, bob = make_user("ann"), make_user("bob")
    asker, answerer = api_for(ann), api_for(bob)
    asked = asker.post(
        "/questions",
        {"title": "How do we sign release builds?", "body": "Ask @bob", "tags": ["release"]},
    )
    assert asked.status_code == 201
    question = asked.json()
    assert question["kind"] == "question" and question["tags"] == ["release"]
    assert question["author"] == {"username": "ann", "display_name": "Person 1", "former": False}
    assert Notification.objects.filter(recipient=bob, verb="mentioned").exists()

    answered = answerer.post(f"/posts/{question['id']}/answers", {"body": "With the HSM."})
    assert answered.status_code == 201
    answer_id = answered.json()["id"]
    assert Post.objects.get(pk=question["id"]).answer_count == 1

    # Only the asker accepts.
    assert (
        answerer.post(f"/posts/{question['id']}/accept", {"answer_id": answer_id}).status_code
        == 403
    )
    accepted = asker.post(f"/posts/{question['id']}/accept", {"answer_id": answer_id})
    assert accepted.status_code == 200 and accepted.json()["accepted_answer_id"] == answer_id
    answers = asker.get(f"/posts/{question['id']}/answers").json()["items"]
    assert [(a["id"], a["accepted"]) for a in answers] == [(answer_id, True)]

    liked = asker.call("PUT", f"/answers/{answer_id}/like")
    assert liked.json() == {"liked": True, "like_count": 1}
    assert asker.call("PUT", f"/answers/{answer_id}/like").json()["like_count"] == 1  # idempotent
    assert asker.call("DELETE", f"/answers/{answer_id}/like").json()["like_count"] == 0
    own = asker.call("PUT", f"/posts/{question['id']}/like")
    assert own.status_code == 422 and not Like.objects.filter(post_id=question["id"]).exists()
    assert answerer.call("PUT", f"/posts/{question['id']}/like").json()["like_count"] == 1


def test_edit_changes_only_the_fields_sent(
    make_user: Callable[..., User],
    make_question: Callable[..., Post],
    api_for: Callable[..., ApiClient],
) -> None:
    ann = make_user("ann")
    question = make_question(author=ann, title="Old title", body="Old body", tags=["release"])
    response = api_for(ann).call("PATCH", f"/posts/{question.pk}", {"title": "New title"})
    assert response.status_code == 200
    body = response.json()
    assert (body["title"], body["body"], body["tags"]) == ("New title", "Old body", ["release"])
    assert body["edited_at"] is not None


def test_status_update_in_a_community(
    make_user: Callable[..., User],
    make_community: Callable[..., Community],
    api_for: Callable[..., ApiClient],
) -> None:
    ann, outsider = make_user("ann"), make_user("out")
    make_community("Backstage", owner=ann, private=True)
    response = api_for(ann).post(
        "/status-updates", {"body": "Working on the signing docs", "community": "backstage"}
    )
    assert response.status_code == 201
    assert response.json()["community"] == {
        "slug": "backstage",
        "name": "Backstage",
        "private": True,
    }
    # A community one cannot see is as unknown as one that does not exist.
    refused = api_for(outsider).post("/status-updates", {"body": "Hi", "community": "backstage"})
    assert refused.status_code == 404
    assert Post.objects.count() == 1


def test_list_filters_and_cursor_pages(
    make_user: Callable[..., User],
    make_question: Callable[..., Post],
    api_for: Callable[..., ApiClient],
) -> None:
    ann, bob = make_user("ann"), make_user("bob")
    made = [make_question(author=ann, title=f"Question {n}", tags=["release"]) for n in range(5)]
    make_question(author=bob, title="About builds", tags=["builds"])
    api = api_for(ann)
    seen: list[int] = []
    cursor = None
    while True:
        page = api.get("/posts", tag="release", limit=2, **({"cursor": cursor} if cursor else {}))
        body = page.json()
        seen += [item["id"] for item in body["items"]]
        cursor = body["next"]
        if cursor is None:
            break
    assert seen == [p.pk for p in reversed(made)]
    assert [i["title"] for i in api.get("/posts", author="bob").json()["items"]] == ["About builds"]
    assert api.get("/posts", kind="status").json()["items"] == []
    assert api.get("/posts", author="nobody").status_code == 404
    assert api.get("/posts", kind="poll").status_code == 422


def test_list_and_read_query_counts_do_not_grow_with_the_page(
    make_user: Callable[..., User],
    make_question: Callable[..., Post],
    make_answer: Callable[..., Answer],
    api_for: Callable[..., ApiClient],
    django_assert_max_num_queries: Any,
) -> None:
    ann = make_user("ann")
    people = [make_user(f"p{n}") for n in range(4)]
    for n, person in enumerate(people * 3):
        question = make_question(author=person, title=f"Question {n}", tags=["a", f"t{n}"])
        make_answer(post=question, author=ann, body="Answer")
    api = api_for(ann)
    api.get("/posts")  # the token's last use is recorded once a minute, not per request
    with django_assert_max_num_queries(5):
        assert len(api.get("/posts", limit=12).json()["items"]) == 12
    with django_assert_max_num_queries(4):
        assert api.get(f"/posts/{question.pk}").status_code == 200
    with django_assert_max_num_queries(5):
        assert len(api.get(f"/posts/{question.pk}/answers").json()["items"]) == 1
