"""Bad input answers 4xx problem details (RFC 9457), never a 500, and writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from questions.models import Answer, Post
from tests.api.conftest import ApiClient

pytestmark = pytest.mark.django_db


def problem_of(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["type"] and body["title"]
    return body


@pytest.fixture
def api(make_user: Callable[..., Any], api_for: Callable[..., ApiClient]) -> ApiClient:
    return api_for(make_user("ann"))


def test_malformed_json_is_a_400_problem_and_nothing_is_asked(api: ApiClient) -> None:
    body = problem_of(api.post("/questions", raw=b'{"title": "Half'), 400)
    assert "JSON" in body["detail"]
    assert not Post.objects.exists()


def test_unknown_field_is_named_in_the_errors(api: ApiClient) -> None:
    body = problem_of(api.post("/questions", {"title": "Signing?", "tittle": "x"}), 422)
    assert body["errors"] == [{"pointer": "#/tittle", "detail": "Extra inputs are not permitted"}]
    assert not Post.objects.exists()


def test_wrong_type_is_a_422_with_the_field(api: ApiClient) -> None:
    body = problem_of(api.post("/questions", {"title": "Signing?", "tags": "release"}), 422)
    assert [e["pointer"] for e in body["errors"]] == ["#/tags"]


def test_an_actions_refusal_names_the_field(api: ApiClient) -> None:
    body = problem_of(api.post("/questions", {"title": "   "}), 422)
    assert body["errors"] == [{"pointer": "#/title", "detail": "This cannot be empty."}]


def test_oversized_body_is_refused_before_it_is_read(api: ApiClient, settings: Any) -> None:
    settings.API_MAX_BODY = 1000
    body = problem_of(api.post("/questions", {"title": "Big", "body": "x" * 2000}), 413)
    assert "1,000 bytes" in body["detail"]
    assert not Post.objects.exists()


def test_forged_cursor_is_a_400(api: ApiClient) -> None:
    body = problem_of(api.get("/posts", cursor="eyJmYWtlIjoxfQ"), 400)
    assert body["errors"][0]["pointer"] == "cursor"
    # A real cursor of another list is not accepted either.
    problem_of(api.get("/notifications", cursor="not-a-cursor"), 400)


def test_query_parameter_out_of_range(api: ApiClient) -> None:
    body = problem_of(api.get("/posts", limit="100000"), 422)
    assert body["errors"][0]["pointer"] == "limit"


def test_unknown_endpoint_and_wrong_method(api: ApiClient) -> None:
    problem_of(api.get("/no-such-thing"), 404)
    problem_of(api.get("/posts/99999"), 404)
    wrong = problem_of(api.call("DELETE", "/questions"), 405)
    assert wrong["title"] == "Method Not Allowed"


def test_not_allowed_is_a_403(
    make_user: Callable[..., Any],
    make_question: Callable[..., Post],
    api_for: Callable[..., ApiClient],
) -> None:
    asker, other = make_user("asker"), make_user("other")
    question = make_question(author=asker, title="Who owns the build farm?")
    body = problem_of(api_for(other).call("PATCH", f"/posts/{question.pk}", {"title": "Mine"}), 403)
    assert "author" in body["detail"]
    question.refresh_from_db()
    assert question.title == "Who owns the build farm?"


def test_a_failing_action_leaves_nothing_half_written(
    api: ApiClient,
    make_user: Callable[..., Any],
    make_question: Callable[..., Post],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    question = make_question(author=make_user("asker"), title="How are releases signed?")

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the notification store is down")

    monkeypatch.setattr("questions.actions.answers.notify", broken)
    body = problem_of(api.post(f"/posts/{question.pk}/answers", {"body": "With the HSM."}), 500)
    assert "nothing was changed" in body["detail"]
    assert not Answer.objects.exists()
    question.refresh_from_db()
    assert question.answer_count == 0


def test_an_empty_content_length_header_is_no_body(api: ApiClient) -> None:
    """Browsers and some servers send "Content-Length: " on a GET; that is not oversized."""
    response = api.client.get("/api/v1/posts", headers={**api.headers}, CONTENT_LENGTH="")
    assert response.status_code == 200


def test_ids_beyond_what_the_database_holds_are_a_422(api: ApiClient) -> None:
    huge = int("9" * 25)
    for response in (
        api.post("/notifications/read", {"ids": [huge]}),
        api.post("/posts/1/accept", {"answer_id": huge}),
        api.get("/notifications", last_id=str(huge)),
    ):
        assert problem_of(response, 422)["errors"]


def test_a_null_character_is_refused_in_bodies_and_queries(api: ApiClient) -> None:
    body = problem_of(api.post("/questions", {"title": "Nul\x00 here"}), 422)
    assert body["errors"][0]["pointer"] == "#/title"
    problem_of(api.post("/questions", {"title": "Tags", "tags": ["ok", "n\x00l"]}), 422)
    problem_of(api.get("/search", q="find\x00me"), 422)
    assert not Post.objects.exists()
