import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.db import connections
from django.test import RequestFactory, override_settings


@pytest.mark.django_db
def test_healthz_reports_every_dependency_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert {name: c["status"] for name, c in body["checks"].items()} == {
        "database": "ok",
        "cache": "ok",
        "broker": "ok",
    }


@pytest.mark.django_db
def test_healthz_degraded_when_broker_is_down(client):
    # Nothing listens on port 1: the broker is unreachable.
    with override_settings(
        CELERY_BROKER_URL="redis://127.0.0.1:1/0", CELERY_BROKER_TRANSPORT_OPTIONS={}
    ):
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["broker"]["status"] == "down"
    assert body["checks"]["database"]["status"] == "ok"


@pytest.mark.django_db
def test_healthz_degraded_when_cache_is_down(client):
    caches = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    with override_settings(CACHES=caches):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"]["status"] == "down"


@pytest.mark.django_db
@pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis (REDIS_URL)")
def test_healthz_overlapping_probes_all_answer_ok_with_redis_healthy():
    # A load balancer probes every instance often; overlapping probes must not disturb one
    # another (they once shared one cache key and 39 of 200 answered 503 "cache down").
    from curiouslab.views import healthz

    factory = RequestFactory()
    threads, rounds = 16, 8
    barrier = threading.Barrier(threads)

    def probe(_n):
        try:
            barrier.wait()
            return [healthz(factory.get("/healthz")) for _ in range(rounds)]
        finally:
            connections.close_all()

    with ThreadPoolExecutor(threads) as pool:
        responses = [r for batch in pool.map(probe, range(threads)) for r in batch]
    down = [json.loads(r.content)["checks"] for r in responses if r.status_code != 200]
    assert len(responses) == threads * rounds
    assert down == []
