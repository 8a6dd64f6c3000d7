"""The Redis cache backend (curiouslab/cache.py) stores and reads like Django's, and keeps one
Redis client for every operation instead of building one per operation."""

import os
import threading

import pytest
import redis

from curiouslab.cache import RedisCache

URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/9")


@pytest.fixture
def cache():
    try:
        redis.Redis.from_url(URL).ping()
    except redis.ConnectionError:
        pytest.skip(f"no Redis at {URL}")
    backend = RedisCache(URL, {"KEY_PREFIX": "test-cache-backend"})
    yield backend
    backend.clear()


def test_values_round_trip_and_expire_as_with_djangos_backend(cache):
    cache.set("greeting", {"fr": "Bonjour"}, timeout=60)
    assert cache.get("greeting") == {"fr": "Bonjour"}
    assert cache.add("greeting", "again") is False
    cache.set("gone", 1, timeout=0)
    assert cache.get("gone") is None
    cache.delete("greeting")
    assert cache.get("greeting", "missing") == "missing"


def test_one_client_serves_every_operation_from_every_thread(cache):
    clients = []

    def read(i):
        cache.set(f"k{i}", i)
        assert cache.get(f"k{i}") == i
        clients.append(cache._cache.get_client(write=True))

    threads = [threading.Thread(target=read, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(clients) == 8
    assert len({id(c) for c in clients}) == 1
