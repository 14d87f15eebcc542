"""A small world with something to hide: a private community with questions, answers, a
draft and its file, a status and a tag of its own; public things beside them; five people.

- olga owns the private community, its questions and draft, the public question and draft,
  a private bookmark, and notifications of her own.
- mia is a member of the private community (mentioned in its question); she wrote the
  answers, private and public.
- dora is a member who answered in the private community; tests mark her departed.
- otto is an ordinary colleague outside the private community (mentioned there, in vain).
- stan is staff (a superuser) and not a member.

Every private text carries a token (a capitalised animal name, or the community's own tag)
that nobody outside the community may ever receive: PRIVATE_TOKENS.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.http import HttpResponseBase
from django.test import Client

from notifications.models import Notification
from profiles.actions import set_follow_person, set_follow_tag
from profiles.models import User
from questions import actions
from questions.models import Answer, Bookmark, Community, DraftVersion, Post
from reports.expertise import recompute_expertise
from tests.conftest import TEST_PASSWORD

PRIVATE_COMMUNITY = "Skunkworks Okapi"
PRIVATE_QUESTION_TITLE = "Quokka merger timeline"
PRIVATE_QUESTION_BODY = "The Axolotl figures are in; @mia and @otto please check them."
PRIVATE_ANSWER = "Pangolin says the merger figures hold."
DEPARTED_ANSWER = "Tapir notes: the timeline slips a week."
PRIVATE_DRAFT_TITLE = "Dugong board deck"
PRIVATE_DRAFT_BODY = "Is the Gharial section right?"
PRIVATE_FILE_CONTENT = b"# Capybara revenue plan\n\nCapybara grows by a third.\n"
PRIVATE_FILENAME = "Numbat_plan.md"
PRIVATE_STATUS = "Wombat launch is on track"
PRIVATE_UNANSWERED = "Quokka budget: who signs off?"
# A tag used only inside the private community.
PRIVATE_TAG = "kakapo-deal"

PRIVATE_TOKENS = (
    "Okapi",
    "Quokka",
    "Axolotl",
    "Pangolin",
    "Tapir",
    "Dugong",
    "Gharial",
    "Capybara",
    "Numbat",
    "Wombat",
    PRIVATE_TAG,
)


@dataclass
class World:
    olga: User
    mia: User
    dora: User
    otto: User
    stan: User
    private_community: Community
    public_community: Community
    private_question: Post
    private_answer: Answer
    departed_answer: Answer
    private_draft: Post
    private_version: DraftVersion
    private_status: Post
    public_question: Post
    public_answer: Answer
    public_draft: Post
    public_version: DraftVersion
    olga_bookmark: Bookmark
    olga_notification: Notification


@pytest.fixture
def world(
    make_user: Callable[..., User],
    make_community: Callable[..., Community],
    make_question: Callable[..., Post],
    make_draft: Callable[..., Post],
    make_answer: Callable[..., Answer],
    django_capture_on_commit_callbacks: Callable[..., AbstractContextManager[Any]],
) -> World:
    # Run what actions queue for after commit (search indexing, pushes), as a server would,
    # so that search and the socket have the private things to (not) show.
    with django_capture_on_commit_callbacks(execute=True):
        olga = make_user("olga", display_name="Olga Owner")
        mia = make_user("mia", display_name="Mia Member")
        dora = make_user("dora", display_name="Dora Departing")
        otto = make_user("otto", display_name="Otto Outsider")
        stan = make_user("stan", display_name="Stan Staff", is_staff=True, is_superuser=True)
        private = make_community(PRIVATE_COMMUNITY, owner=olga, private=True, members=[mia, dora])
        public = make_community("Platform", owner=olga)

        private_question = make_question(
            author=olga,
            title=PRIVATE_QUESTION_TITLE,
            body=PRIVATE_QUESTION_BODY,
            tags=[PRIVATE_TAG, "release"],
            community=private,
        )
        private_answer = make_answer(
            post=private_question, author=mia, body=PRIVATE_ANSWER, accepted=True
        )
        actions.set_like(user=olga, answer=private_answer, liked=True)
        departed_answer = make_answer(post=private_question, author=dora, body=DEPARTED_ANSWER)
        private_draft = make_draft(
            author=olga,
            title=PRIVATE_DRAFT_TITLE,
            body=PRIVATE_DRAFT_BODY,
            content=PRIVATE_FILE_CONTENT,
            filename=PRIVATE_FILENAME,
            tags=[PRIVATE_TAG],
            community=private,
        )
        private_status = actions.post_status(
            author=olga, body=PRIVATE_STATUS, tags=["release"], community=private
        )

        public_question = make_question(
            author=olga, title="How do we sign release builds?", tags=["release"]
        )
        public_answer = make_answer(
            post=public_question, author=mia, body="With the HSM.", accepted=True
        )
        actions.set_like(user=olga, answer=public_answer, liked=True)
        make_question(author=olga, title=PRIVATE_UNANSWERED, tags=[PRIVATE_TAG], community=private)
        public_draft = make_draft(author=olga, title="Release checklist", tags=["release"])
        bookmark = actions.set_bookmark(user=olga, post=public_question, saved=True)
        assert bookmark is not None
        actions.set_bookmark_privacy(by=olga, bookmark=bookmark, is_private=True)

        # otto reads olga's network and the shared tag: the feeds must filter for him.
        set_follow_person(follower=otto, person=olga, following=True)
        set_follow_tag(follower=otto, tag=public_question.tags.get(name="release"), following=True)
        # Expertise is computed nightly; here from the evidence above, private and public.
        recompute_expertise()

    return World(
        olga=olga,
        mia=mia,
        dora=dora,
        otto=otto,
        stan=stan,
        private_community=private,
        public_community=public,
        private_question=private_question,
        private_answer=private_answer,
        departed_answer=departed_answer,
        private_draft=private_draft,
        private_version=private_draft.versions.get(),
        private_status=private_status,
        public_question=public_question,
        public_answer=public_answer,
        public_draft=public_draft,
        public_version=public_draft.versions.get(),
        olga_bookmark=bookmark,
        olga_notification=Notification.objects.get(
            recipient=olga, verb=Notification.Verb.ANSWERED, answer=private_answer
        ),
    )


def signed_in(user: User, **client_options: Any) -> Client:
    client = Client(**client_options)
    client.force_login(user)
    return client


def signed_in_through_the_form(user: User) -> Client:
    """A client with a session opened the way a person opens one: the sign-in form."""
    client = Client()
    response = client.post("/accounts/login/", {"login": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302, response.content[:500]
    assert settings.SESSION_COOKIE_NAME in client.cookies
    return client


def body_of(response: HttpResponseBase) -> str:
    """The whole body, streamed or not, as text (undecodable bytes replaced). Reading a
    streamed body to its end closes it (the test client's wrapper)."""
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    else:
        content = response.content  # type: ignore[attr-defined]
    return content.decode("utf-8", "replace")


def leaked_tokens(text: str) -> list[str]:
    return [token for token in PRIVATE_TOKENS if token in text]
