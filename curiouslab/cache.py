"""The Redis cache backend, keeping one Redis client per connection pool.

Django's Redis client builds a new ``redis.Redis`` object for every cache operation, and
redis-py's constructor sets up its response callbacks each time: on the closing session's load
test, that was about 5 % of the web processes' processor time, spent mostly reading the session.
A ``redis.Redis`` object is safe to share between threads (each command borrows a connection
from the pool), so one per pool serves every operation.
"""

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
