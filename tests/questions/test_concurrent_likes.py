"""Fifty simultaneous "like" clicks by one person leave exactly one like and a count of 1."""

from __future__ import annotations

import threading

import pytest
from django.db import connections
from django.test import Client

from questions import actions
from questions.models import Answer, Like

pytestmark = pytest.mark.django_db(transaction=True)
CLICKS = 50


def test_fifty_concurrent_likes_by_one_person_count_once(make_user, make_question):
    question = make_question(author=make_user())
    answer = actions.post_answer(post=question, author=make_user(), body="Use the HSM.")
    fan = make_user("fan")
    signed_in = Client()
    signed_in.force_login(fan)
    cookies = signed_in.cookies
    start = threading.Barrier(CLICKS, timeout=30)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def click() -> None:
        try:
            client = Client()
            client.cookies = cookies
            start.wait()
            response = client.post(
                f"/a/{answer.pk}/like/", {"liked": "1"}, headers={"HX-Request": "true"}
            )
            statuses.append(response.status_code)
        except BaseException as exc:  # reported below, not swallowed
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=click) for _ in range(CLICKS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(90)
    assert not any(t.is_alive() for t in threads), "clicks still running after 90 s"
    assert not errors, errors[:3]
    assert statuses == [200] * CLICKS
    assert Like.objects.filter(answer=answer).count() == 1
    assert Answer.objects.get(pk=answer.pk).like_count == 1
