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

    def _soft(self, operation: str, call, *args, failed=None):
        """call(*args), or `failed` when Redis cannot answer (logged)."""
        try:
            return call(*args)
        except RedisError as error:
            now = time.monotonic()
            if now - ResilientRedisCache._logged_at >= LOG_EVERY_SECONDS:
                ResilientRedisCache._logged_at = now
                logger.warning("Redis cache unavailable (%s): %s; working without it", operation, error)
            return failed

    def get(self, key, default=None, version=None):
        return self._soft("get", super().get, key, default, version, failed=default)

    def get_many(self, keys, version=None):
        return self._soft("get_many", super().get_many, keys, version, failed={})

    def has_key(self, key, version=None):
        return self._soft("has_key", super().has_key, key, version, failed=False)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._soft("set", super().set, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._soft("set_many", super().set_many, data, timeout, version, failed=list(data))

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._soft("add", super().add, key, value, timeout, version, failed=False)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._soft("touch", super().touch, key, timeout, version, failed=False)

    def delete(self, key, version=None):
        return self._soft("delete", super().delete, key, version, failed=False)

    def delete_many(self, keys, version=None):
        return self._soft("delete_many", super().delete_many, keys, version)

    def clear(self):
        return self._soft("clear", super().clear, failed=False)

    def incr(self, key, delta=1, version=None):
        """As a missing key (ValueError) when Redis cannot answer: a counter starts again."""
        missing = object()
        found = self._soft("incr", super().incr, key, delta, version, failed=missing)
        if found is missing:
            raise ValueError(f"Key '{key}' not found (the cache is unavailable).")
        return found

    def decr(self, key, delta=1, version=None):
        return self.incr(key, -delta, version)
