"""List and detail pages use a constant number of queries, whatever the number of items."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from taggit.models import Tag

from profiles.actions import set_follow_person, set_follow_tag
from questions import actions

MAX_QUERIES = 20
# The home feed's tabs, pinned tighter: the first page everyone opens (issue 24). A person
# following one tag; following more adds one query per tag up to feeds.MAX_TAGS_READ_APART.
PAGE_MAX_QUERIES = {"/": 14, "/?tab=all": 9, "/?tab=unanswered": 9, "/?tab=mytags": 10}
# The question page (issue 24): the reader's likes and bookmarks of the post and its answers
# are one query each; the reader comes with their profile (profiles.auth).
QUESTION_PAGE_MAX_QUERIES = 13


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.fixture
def world(make_user, make_community, make_question):
    """A viewer who follows people and a tag, and a way to add n richly connected posts."""
    viewer = make_user("viewer")
    people = [make_user(f"author{i}") for i in range(5)]
    for person in people:
        set_follow_person(follower=viewer, person=person, following=True)
    community = make_community("Platform", owner=people[0], members=[viewer])

    def add_posts(n):
        for i in range(n):
            author = people[i % len(people)]
            post = make_question(
                author=author,
                body=f"@{people[(i + 1) % len(people)].username} and @viewer?",
                tags=["ops", f"t{i % 7}"],
                community=community if i % 2 else None,
            )
            actions.set_like(user=people[(i + 2) % len(people)], post=post, liked=True)
        set_follow_tag(follower=viewer, tag=Tag.objects.get(name="ops"), following=True)

    return viewer, people, add_posts


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/?tab=all",
        "/?tab=unanswered",
        "/?tab=mytags",
        "/tags/ops/",
        "/people/author0/",
        "/c/platform/",
    ],
)
def test_list_pages_use_constant_queries(world, client_for, url):
    viewer, _, add_posts = world
    client = client_for(viewer)
    add_posts(3)
    few = count_queries(client, url)
    add_posts(30)
    many = count_queries(client, url)
    assert many == few, f"{url}: {few} queries with few posts, {many} with many"
    assert many <= PAGE_MAX_QUERIES.get(url, MAX_QUERIES)


def test_question_page_with_fifty_answers_uses_constant_queries(
    make_user, make_question, client_for
):
    viewer = make_user("viewer")
    question = make_question(author=make_user(), tags=["ops"], body="@viewer")
    client = client_for(viewer)
    people = [make_user() for _ in range(5)]

    def add_answers(n):
        for i in range(n):
            answer = actions.post_answer(
                post=question, author=people[i % 5], body=f"Try {i} @viewer"
            )
            actions.set_like(user=people[(i + 1) % 5], answer=answer, liked=True)
            actions.set_bookmark(user=viewer, answer=answer, saved=True)

    add_answers(3)
    client.get(question.get_absolute_url())  # the day's first visit also records the view
    few = count_queries(client, question.get_absolute_url())
    add_answers(47)
    many = count_queries(client, question.get_absolute_url())
    assert many == few and many <= QUESTION_PAGE_MAX_QUERIES, many
