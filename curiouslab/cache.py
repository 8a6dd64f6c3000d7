"""The Redis cache backend: one Redis client per connection pool, and a site that keeps
working when Redis does not answer.

One client per pool: Django's Redis client builds a new ``redis.Redis`` object for every cache
operation, and redis-py's constructor sets up its response callbacks each time: on the closing
session's load test, that was about 5 % of the web processes' processor time. A ``redis.Redis``
object is safe to share between threads (each command borrows a connection from the pool), so
one per pool serves every operation.

Redis down is not the site down. Nothing the site needs lives only in this cache (sessions are
in the database: see SESSION_ENGINE), so when Redis refuses a connection, times out (after
``socket_timeout``/``socket_connect_timeout``, half a second unless OPTIONS say otherwise) or is
still loading its data after a restart, the operation does not raise:

- what Redis held is a miss (``get`` answers the default, ``has_key`` False);
- a write goes to a small memory cache of this process instead (``add``, ``set``, ``incr`` and
  ``delete`` keep their meaning there), so the sign-in's rate limits and the used-TOTP-code
  markers still hold within one process during the outage;
- one warning is logged per process and outage, and for ``retry_after`` seconds (5) the
  process does not try Redis again, so that a page does not pay a time-out per operation.

When Redis answers again, the process's memory cache is emptied and Redis serves as before.
``ping()`` bypasses all this and raises, for /healthz.
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache.backends import redis as django_redis
from django.core.cache.backends.locmem import LocMemCache

log = logging.getLogger(__name__)

DEFAULT_SOCKET_TIMEOUT = 0.5  # seconds; a cache operation takes well under a millisecond


class _Outage:
    """Whether the Redis server(s) at one location are considered down, shared by the threads of
    a process (Django gives each thread its own cache backend)."""

    def __init__(self, location: str):
        self.location = location
        self.down_until = 0.0  # time.monotonic() before which Redis is not tried
        self.down_since: float | None = None
        self.lock = threading.Lock()
        self.fallback = LocMemCache(
            f"curiouslab-redis-fallback:{location}",
            {"KEY_FUNCTION": lambda key, prefix, version: key, "OPTIONS": {"MAX_ENTRIES": 2000}},
        )

    def skipping(self) -> bool:
        return time.monotonic() < self.down_until

    def failed(self, exc: Exception, retry_after: float) -> None:
        with self.lock:
            first = self.down_since is None
            if first:
                self.down_since = time.monotonic()
            self.down_until = time.monotonic() + retry_after
        if first:
            log.warning(
                "cache: Redis at %s is unreachable (%s: %s); serving misses and this process's "
                "memory until it answers again (retried every %s s)",
                self.location,
                exc.__class__.__name__,
                exc,
                retry_after,
            )

    def succeeded(self) -> None:
        if self.down_since is None:
            return
        with self.lock:
            if self.down_since is None:
                return
            lasted = time.monotonic() - self.down_since
            self.down_since = None
            self.down_until = 0.0
            self.fallback.clear()
        log.warning("cache: Redis at %s answers again after %.1f s", self.location, lasted)


_outages: dict[str, _Outage] = {}
_outages_lock = threading.Lock()


def outage_of(location: str) -> _Outage:
    with _outages_lock:
        if location not in _outages:
            _outages[location] = _Outage(location)
        return _outages[location]


class RedisCacheClient(django_redis.RedisCacheClient):
    retry_after = 5.0  # seconds without trying Redis after a failure

    def __init__(self, servers, *args, **options):
        options.setdefault("socket_timeout", DEFAULT_SOCKET_TIMEOUT)
        options.setdefault("socket_connect_timeout", DEFAULT_SOCKET_TIMEOUT)
        super().__init__(servers, *args, **options)
        self._clients = {}
        self._outage = outage_of(",".join(servers))
        self._errors = (self._lib.ConnectionError, self._lib.TimeoutError)

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client

    def ping(self) -> None:
        """Raise unless Redis answers (the outage fallback does not apply)."""
        self.get_client(write=True).ping()
        self._outage.succeeded()

    def _call(self, name: str, *args):
        outage = self._outage
        if not outage.skipping():
            try:
                result = getattr(django_redis.RedisCacheClient, name)(self, *args)
            except self._errors as exc:
                outage.failed(exc, self.retry_after)
            else:
                outage.succeeded()
                return result
        return getattr(outage.fallback, name)(*args)

    def add(self, key, value, timeout):
        return self._call("add", key, value, timeout)

    def get(self, key, default):
        return self._call("get", key, default)

    def set(self, key, value, timeout):
        return self._call("set", key, value, timeout)

    def touch(self, key, timeout):
        return self._call("touch", key, timeout)

    def delete(self, key):
        return self._call("delete", key)

    def get_many(self, keys):
        return self._call("get_many", list(keys))

    def has_key(self, key):
        return self._call("has_key", key)

    def incr(self, key, delta):
        return self._call("incr", key, delta)

    def set_many(self, data, timeout):
        return self._call("set_many", data, timeout)

    def delete_many(self, keys):
        return self._call("delete_many", keys)

    def clear(self):
        return self._call("clear")


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient

    def ping(self) -> None:
        self._cache.ping()
