"""What pages do when a service they use does not answer: the Redis cache degrades to
misses, and a database error becomes a 503 saying nothing was saved. (The same faults
against real servers: tests/faults/.)"""

from __future__ import annotations

from django.db import OperationalError
from django.test import RequestFactory

from intranet.lib.cache import ResilientRedisCache
from intranet.views import server_error
from tests.support.server import free_port


def unreachable_cache() -> ResilientRedisCache:
    return ResilientRedisCache(f"redis://127.0.0.1:{free_port()}/0", {})


def test_a_cache_that_does_not_answer_misses_and_drops_writes():
    cache = unreachable_cache()
    assert cache.get("k", "default") == "default"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.add("k", 1) is False
    cache.set("k", 1)  # dropped, not raised
    assert cache.delete("k") is False
    try:
        cache.incr("k")
    except ValueError as error:  # as for a counter that is not there
        assert "not found" in str(error)
    else:
        raise AssertionError("incr on an unreachable cache must say the key is missing")


def test_rate_limits_let_writes_through_while_the_cache_is_down(monkeypatch, settings):
    from intranet.lib import ratelimit

    monkeypatch.setattr(ratelimit, "cache", unreachable_cache())
    settings.RATE_LIMITS = {"post": (1, 60)}

    class Person:
        pk = 1

    assert [ratelimit.throttle(user=Person(), action="post") for _ in range(3)] == [None] * 3


def test_a_database_error_is_a_503_saying_nothing_was_saved():
    request = RequestFactory().get("/")
    try:
        raise OperationalError("connection refused")
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 503 and int(response["Retry-After"]) > 0
    assert "nothing you sent was saved" in response.content.decode()


def test_any_other_error_is_a_plain_500_page():
    request = RequestFactory().get("/")
    try:
        raise KeyError("bug")
    except KeyError:
        response = server_error(request)
    assert response.status_code == 500 and "Something went wrong" in response.content.decode()
