"""A Redis cache that a Redis outage degrades instead of breaking.

Everything this project keeps in the cache can be recomputed from the database: built
reports, "viewed today" marks, rate-limit counters. So while Redis does not answer, pages
must still work: reads miss, writes are dropped, and an increment finds no counter (as
after the counter expired), which makes rate limits let the write through rather than
refuse everyone. Each failure is logged, at most once every LOG_EVERY seconds per process,
so that an outage is visible without flooding the log.

Connecting and each command give up after SOCKET_TIMEOUT seconds, so a Redis that accepts
connections but does not answer costs a request that long, not forever.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)
SOCKET_TIMEOUT = 2.0
LOG_EVERY = 30.0


class ResilientRedisCache(RedisCache):
    _last_logged = 0.0

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = params.setdefault("OPTIONS", {})
        options.setdefault("socket_connect_timeout", SOCKET_TIMEOUT)
        options.setdefault("socket_timeout", SOCKET_TIMEOUT)
        super().__init__(server, params)

    def _unavailable(self, operation: str, error: Exception) -> None:
        now = time.monotonic()
        if now - ResilientRedisCache._last_logged >= LOG_EVERY:
            ResilientRedisCache._last_logged = now
            logger.warning(
                "cache unavailable (%s skipped, pages go on without it): %s", operation, error
            )

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        try:
            return bool(super().add(key, value, timeout, version))
        except UNAVAILABLE as error:
            self._unavailable("add", error)
            return False

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        try:
            return super().get(key, default, version)
        except UNAVAILABLE as error:
            self._unavailable("get", error)
            return default

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> None:
        try:
            super().set(key, value, timeout, version)
        except UNAVAILABLE as error:
            self._unavailable("set", error)

    def delete(self, key: Any, version: int | None = None) -> bool:
        try:
            return bool(super().delete(key, version))
        except UNAVAILABLE as error:
            self._unavailable("delete", error)
            return False

    def get_many(self, keys: Any, version: int | None = None) -> dict[Any, Any]:
        try:
            return dict(super().get_many(keys, version))
        except UNAVAILABLE as error:
            self._unavailable("get_many", error)
            return {}

    def set_many(
        self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> list[Any]:
        try:
            return list(super().set_many(data, timeout, version))
        except UNAVAILABLE as error:
            self._unavailable("set_many", error)
            return list(data)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        try:
            return int(super().incr(key, delta, version))
        except UNAVAILABLE as error:
            self._unavailable("incr", error)
            # As for a counter that is not there: callers already handle that.
            raise ValueError(f"Key '{key}' not found (cache unavailable)") from error
