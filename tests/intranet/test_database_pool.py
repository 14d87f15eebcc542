"""On PostgreSQL, requests borrow pooled connections instead of opening their own.

Under uvicorn every request runs in a thread of its own, so a connection kept per thread
(CONN_MAX_AGE) is never used again: each request opened a new connection, about 750 in a
20-second throughput run. The pool lends each one a connection and takes it back when
Django closes it at the end of the request.
"""

from __future__ import annotations

import threading

import pytest
from django.db import close_old_connections, connection

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the pool is PostgreSQL's (Django with psycopg)"
)


def _one_request(pids: list[int]) -> None:
    """What a request does in its own thread: a query, then Django's end-of-request close."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pids.append(cursor.fetchone()[0])
    finally:
        close_old_connections()
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_requests_in_threads_of_their_own_reuse_pooled_connections(settings):
    pool = settings.DATABASES["default"]["OPTIONS"].get("pool")
    assert pool, "PostgreSQL connections are not pooled"
    most = pool["max_size"]
    requests = 2 * most + 1
    pids: list[int] = []
    for _ in range(requests):
        thread = threading.Thread(target=_one_request, args=(pids,))
        thread.start()
        thread.join()
    assert len(pids) == requests
    # Never more connections than the pool holds (it may have grown in earlier tests);
    # without it, each request had a connection, and a server process, of its own.
    assert len(set(pids)) <= most
