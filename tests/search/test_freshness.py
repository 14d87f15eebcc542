"""Indexing happens after commit on the in-process task thread, outside the request, and a
new answer is searchable within two seconds."""

from __future__ import annotations

import threading
import time

import pytest

from intranet.lib.tasks import wait_for_tasks
from questions import actions
from search import service

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_new_answer_is_searchable_within_two_seconds_without_indexing_in_the_request(
    settings, make_user, make_question
):
    settings.TASKS = {"default": {"BACKEND": "intranet.lib.tasks.BackgroundThreadBackend"}}
    asker, expert = make_user(), make_user()
    question = make_question(author=asker, title="Where do the build caches live?")
    wait_for_tasks()
    indexing_threads = []
    original = service.get_backend().index

    def spy(documents):
        indexing_threads.append(threading.current_thread())
        return original(documents)

    service.get_backend().index = spy  # type: ignore[method-assign]
    try:
        committed = time.monotonic()
        actions.post_answer(post=question, author=expert, body="In the zephyrcache bucket.")
        while not service.search(asker, "zephyrcache").results:
            assert time.monotonic() - committed < 2.0, "not searchable within 2 s"
            time.sleep(0.02)
        wait_for_tasks()
    finally:
        del service.get_backend().index
    assert indexing_threads and threading.current_thread() not in indexing_threads
