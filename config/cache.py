"""The Redis cache, failing soft (settings.CACHES when REDIS_URL is set).

Everything the portal keeps in the cache can be worked out again: the review queue's summaries and
their HTML (nominations/selectors_review.py), the password-reset throttle's counts
(config/password_reset.py), sessions when SESSION_STORE is cached_db (the database holds them too).
So Redis restarting or unreachable must not turn a page into an error page: a read is a miss, a
write is skipped, each logged (at most once a minute per process), and the page is worked out from
the database. Connecting and each command give up after REDIS_CACHE_TIMEOUT seconds.
"""
from __future__ import annotations

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

LOG_EVERY_SECONDS = 60


class ResilientRedisCache(RedisCache):
    """Django's Redis cache, with Redis errors logged and answered as a miss or a skipped write."""

    _logged_at = 0.0

    def _failed(self, operation: str, error: Exception):
        now = time.monotonic()
        if now - ResilientRedisCache._logged_at >= LOG_EVERY_SECONDS:
            ResilientRedisCache._logged_at = now
            logger.warning("Redis cache unavailable (%s): %s; working without it", operation, error)

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except RedisError as error:
            self._failed("get", error)
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except RedisError as error:
            self._failed("get_many", error)
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except RedisError as error:
            self._failed("has_key", error)
            return False

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set(key, value, timeout, version)
        except RedisError as error:
            self._failed("set", error)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set_many(data, timeout, version)
        except RedisError as error:
            self._failed("set_many", error)
            return list(data)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout, version)
        except RedisError as error:
            self._failed("add", error)
            return False

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().touch(key, timeout, version)
        except RedisError as error:
            self._failed("touch", error)
            return False

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except RedisError as error:
            self._failed("incr", error)
            raise ValueError(f"Key '{key}' not found (the cache is unavailable).") from error

    def decr(self, key, delta=1, version=None):
        try:
            return super().decr(key, delta, version)
        except RedisError as error:
            self._failed("decr", error)
            raise ValueError(f"Key '{key}' not found (the cache is unavailable).") from error

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except RedisError as error:
            self._failed("delete", error)
            return False

    def delete_many(self, keys, version=None):
        try:
            return super().delete_many(keys, version)
        except RedisError as error:
            self._failed("delete_many", error)

    def clear(self):
        try:
            return super().clear()
        except RedisError as error:
            self._failed("clear", error)
            return False
