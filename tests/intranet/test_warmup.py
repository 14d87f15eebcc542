"""A server process reads what search by meaning needs as it starts, in the background:
its first search then reads no vector from the database."""

from __future__ import annotations

import pytest

from intranet import warmup
from search import meaning
from search.service import audience_for

pytestmark = pytest.mark.django_db(transaction=True)  # the warm-up thread has its own connection


def test_a_server_reads_the_vectors_before_the_first_search(
    settings,
    make_user,
    make_question,
    django_capture_on_commit_callbacks,
    django_assert_num_queries,
):
    asker = make_user()
    with django_capture_on_commit_callbacks(execute=True):
        post = make_question(author=asker, title="Rotating the on-call pager every week")
    meaning.reset_vectors()  # as in a process that has just started
    settings.SEARCH_WARM_UP = True
    thread = warmup.start()
    assert thread is not None
    thread.join(timeout=60)
    audience = audience_for(asker)  # read before counting: it looks up memberships
    with django_assert_num_queries(0):
        found = meaning.similar_keys("who holds the pager", audience, limit=1)
    assert found[0][0] == f"post:{post.pk}"


def test_warming_up_can_be_turned_off(settings):
    settings.SEARCH_WARM_UP = False
    assert warmup.start() is None
