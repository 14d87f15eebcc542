"""Report pages read a fixed number of queries, whatever the amount of data."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from questions.actions import set_like
from questions.models import PostView
from reports.catalog import CATALOG
from tests.reports.conftest import days_ago

MAX_QUERIES = 40


@pytest.fixture
def grow(make_user, make_question, make_answer, make_departed, make_leaving, make_community):
    """Adds n people who each ask, answer, like, view, and then leave or announce leaving."""
    owner = make_user("owner")
    community = make_community("Platform", owner=owner)
    count = [0]

    def add(n):
        for _ in range(n):
            count[0] += 1
            i = count[0]
            person, other = make_user(f"p{i}"), make_user(f"o{i}")
            q = make_question(
                author=person, title=f"Q {i}", tags=[f"t{i % 3}"], community=community
            )
            a = make_answer(post=q, author=other, accepted=True)
            set_like(user=other, post=q, liked=True)
            set_like(user=person, answer=a, liked=True)
            PostView.objects.create(post=q, user=owner, day=days_ago(1))
            if i % 2:
                make_departed(person, on=days_ago(5))
            else:
                make_leaving(person, on=timezone.localdate() + timedelta(days=10))

    return add


@pytest.mark.parametrize("url_name", [entry.url_name for entry in CATALOG] + ["reports:index"])
def test_report_pages_use_constant_queries(grow, client_for, staff, url_name):
    client = client_for(staff)
    grow(2)
    client.get(reverse(url_name))  # warm the caches (the risk page's list of people)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse(url_name)).status_code == 200
    grow(6)
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse(url_name)).status_code == 200
    assert len(many) == len(few), f"{url_name}: {len(few)} then {len(many)} queries"
    assert len(many) <= MAX_QUERIES
