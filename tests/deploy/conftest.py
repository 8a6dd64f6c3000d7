import pytest

from tests.deploy.redis_server import RedisServer


@pytest.fixture
def redis_server():
    """A Redis server of the test's own, on a free port, running (see redis_server.py)."""
    server = RedisServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()
