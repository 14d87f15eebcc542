"""Search learns about posts and expertise through the providers their owners register."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import ImproperlyConfigured

from profiles.models import User
from questions.search_provider import QuestionsPostProvider
from search import providers
from search.documents import person_documents


def test_the_questions_app_registers_the_post_provider() -> None:
    assert isinstance(providers.posts(), QuestionsPostProvider)


def test_search_without_a_post_provider_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(providers, "_posts", None)
    with pytest.raises(ImproperlyConfigured):
        providers.posts()


def test_people_are_found_by_what_they_write_when_no_app_keeps_expertise(
    monkeypatch: pytest.MonkeyPatch, make_user: Callable[..., User]
) -> None:
    person = make_user()
    monkeypatch.setattr(providers, "_expertise", None)
    assert providers.expertise_tags([person.pk], 5) == {}


def test_registered_expertise_reaches_people_documents(
    monkeypatch: pytest.MonkeyPatch, make_user: Callable[..., User]
) -> None:
    person = make_user()
    monkeypatch.setattr(
        providers,
        "_expertise",
        lambda user_ids, per_person: {pk: ["kubernetes"] for pk in user_ids},
    )
    [document], gone = person_documents([person.pk])
    assert document.tags == ["kubernetes"]
    assert gone == []
