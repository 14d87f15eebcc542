"""The scale configuration really is in use when DATABASE_URL and REDIS_URL say so."""

from __future__ import annotations

import uuid

import pytest
from channels.layers import get_channel_layer
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection

pytestmark = pytest.mark.services


def test_database_is_postgresql(db):
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        assert "PostgreSQL" in cursor.fetchone()[0]


def test_cache_is_redis():
    key = f"probe-{uuid.uuid4()}"
    cache = caches["default"]
    assert isinstance(cache, RedisCache)
    cache.set(key, "value", 30)
    assert cache.get(key) == "value"


async def test_channel_layer_is_redis_and_delivers_group_messages():
    layer = get_channel_layer()
    assert type(layer).__name__ == "RedisChannelLayer"
    channel = await layer.new_channel()
    group = f"probe.{uuid.uuid4().hex}"
    await layer.group_add(group, channel)
    await layer.group_send(group, {"type": "probe.message", "n": 1})
    assert (await layer.receive(channel))["n"] == 1
    await layer.group_discard(group, channel)
