"""Search learns about posts through the provider their owner registers, and about people's
topics from their earned and declared expertise (profiles.expertise), read directly."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import ImproperlyConfigured

from profiles.actions import set_declared_topics
from profiles.models import User
from questions.models import Post
from questions.search_provider import QuestionsPostProvider
from search import providers
from search.documents import person_documents


def test_the_questions_app_registers_the_post_provider() -> None:
    assert isinstance(providers.posts(), QuestionsPostProvider)


def test_search_without_a_post_provider_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(providers, "_posts", None)
    with pytest.raises(ImproperlyConfigured):
        providers.posts()


def test_people_without_expertise_are_found_by_what_they_write(
    make_user: Callable[..., User], make_question: Callable[..., Post]
) -> None:
    person = make_user()
    make_question(author=person, tags=["kubernetes"])
    [document], gone = person_documents([person.pk])
    assert document.tags == ["kubernetes"]
    assert gone == []


def test_declared_expertise_reaches_people_documents(
    make_user: Callable[..., User], make_question: Callable[..., Post]
) -> None:
    person = make_user()
    set_declared_topics(user=person, topics="helm")
    make_question(author=person, tags=["kubernetes"])
    [document], gone = person_documents([person.pk])
    assert document.tags == ["helm", "kubernetes"]  # expertise first, then what they write
    assert gone == []
