"""Domain events: told after commit, with ids only, to whoever subscribed."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from intranet.lib import domain_events
from profiles.actions import mark_departed
from questions.actions import post_status, upload_version


@pytest.fixture
def heard() -> Iterator[list[tuple[str, dict[str, Any]]]]:
    events: list[tuple[str, dict[str, Any]]] = []

    def listen(event: str, payload: dict[str, Any]) -> None:
        events.append((event, payload))

    domain_events.subscribe(listen)
    yield events
    domain_events.unsubscribe(listen)


def test_event_is_told_only_after_commit(heard, db, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        domain_events.publish(domain_events.PERSON_DEPARTED, user_id=7, actor_id=1)
        assert heard == []
    assert len(callbacks) == 1
    assert heard == [(domain_events.PERSON_DEPARTED, {"user_id": 7, "actor_id": 1})]


@pytest.mark.django_db(transaction=True)
def test_rolled_back_event_is_never_told(heard) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        domain_events.publish(domain_events.PERSON_DEPARTED, user_id=7, actor_id=1)
        raise RuntimeError("rolled back")
    assert heard == []


def test_failing_subscriber_does_not_cost_others_their_event(heard, db, caplog) -> None:
    def broken(event: str, payload: dict[str, Any]) -> None:
        raise ValueError("subscriber bug")

    domain_events.subscribe(broken, domain_events.PERSON_DEPARTED)
    try:
        domain_events._deliver(domain_events.PERSON_DEPARTED, {"user_id": 1, "actor_id": 2})
    finally:
        domain_events.unsubscribe(broken)
    assert heard == [(domain_events.PERSON_DEPARTED, {"user_id": 1, "actor_id": 2})]
    assert "subscriber bug" in caplog.text


def test_unknown_event_or_missing_id_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="Unknown"):
        domain_events.publish("question.burned", post_id=1)
    with pytest.raises(ValueError, match="actor_id"):
        domain_events.publish(domain_events.QUESTION_ASKED, post_id=1)
    with pytest.raises(ValueError, match="Unknown"):
        domain_events.subscribe(lambda e, p: None, "nope")


def test_actions_tell_what_happened(
    heard,
    make_user,
    make_question,
    make_answer,
    make_draft,
    django_capture_on_commit_callbacks,
) -> None:
    asker, helper, boss = make_user(), make_user(), make_user(is_staff=True)
    with django_capture_on_commit_callbacks(execute=True):
        question = make_question(author=asker)
        answer = make_answer(post=question, author=helper, accepted=True)
        status = post_status(author=asker, body="Working on the release notes")
        draft = make_draft(author=helper)
        first_version_id = draft.current_version_id
        version = upload_version(
            post=draft, uploader=helper, file=io.BytesIO(b"# Plan v2\n"), filename="plan.md"
        )
        mark_departed(by=boss, user=helper)
        mark_departed(by=boss, user=helper)  # already departed: nothing new happened
    assert heard == [
        ("question.asked", {"post_id": question.pk, "actor_id": asker.pk}),
        ("answer.posted", {"post_id": question.pk, "answer_id": answer.pk, "actor_id": helper.pk}),
        ("answer.accepted", {"post_id": question.pk, "answer_id": answer.pk, "actor_id": asker.pk}),
        ("status.posted", {"post_id": status.pk, "actor_id": asker.pk}),
        (
            "draft.shared",
            {"post_id": draft.pk, "version_id": first_version_id, "actor_id": helper.pk},
        ),
        (
            "draft.version_shared",
            {"post_id": draft.pk, "version_id": version.pk, "actor_id": helper.pk},
        ),
        ("person.departed", {"user_id": helper.pk, "actor_id": boss.pk}),
    ]


def test_refused_action_tells_nothing(heard, make_user, make_question) -> None:
    from intranet.lib.access import NotAllowed
    from questions.actions import accept_answer

    asker, stranger = make_user(), make_user()
    question = make_question(author=asker)
    heard.clear()
    with pytest.raises(NotAllowed):
        accept_answer(post=question, answer=None, by=stranger)
    assert heard == []
