"""Redis down is not the site down (issue 13, point 4), in-process with a Redis server of the
test's own that it stops and starts again:

- the cache degrades to misses (writes to the process's memory), after half a second at most
  when Redis hangs, and logs one warning;
- with Redis stopped, the sign-in works and every page of the role × URL matrix answers each
  role what it answers with Redis up;
- an action that needs the broker is committed, says in French that the work waits, and its
  task waits in the outbox until the relay publishes it once Redis is back;
- /healthz still reports the cache and the broker down.

The same stack with a real worker and beat is in test_redis_outage_worker.py.
"""

from __future__ import annotations

import logging
import socket
import threading
import time

import pytest
import redis
from allauth.account.models import EmailAddress
from celery import current_app
from django.conf import settings as django_settings
from django.urls import reverse

from curiouslab import outbox
from curiouslab.cache import RedisCache
from tests.deploy.redis_server import RedisServer, needs_redis_server
from tests.factories import PASSWORD

pytestmark = needs_redis_server

needs_redis_settings = pytest.mark.skipif(
    not django_settings.REDIS_URL,
    reason="the settings with REDIS_URL set (the PostgreSQL + Redis pass)",
)


def _site_cache_on(server: RedisServer) -> dict:
    """The site's cache settings (as REDIS_URL makes them), on the test's own Redis."""
    return {"default": {**django_settings.CACHES["default"], "LOCATION": server.url(0)}}


# --- The cache backend ------------------------------------------------------------------------
def test_cache_degrades_to_a_miss_and_warns_once_then_serves_redis_again(redis_server, caplog):
    cache = RedisCache(redis_server.url(0), {"KEY_PREFIX": "outage"})
    cache.set("kept", "in Redis", 60)
    redis_server.stop()
    caplog.set_level(logging.WARNING, logger="curiouslab.cache")

    assert cache.get("kept", "missing") == "missing"  # what Redis held: a miss, no exception
    assert cache.has_key("kept") is False
    cache.set("during", 1, 60)  # no exception: kept in this process's memory
    assert cache.add("lock", True, 10) is True
    assert cache.add("lock", True, 10) is False  # add still means "only once", in-process
    assert cache.incr("during") == 2
    cache.delete("during")
    assert cache.get("during") is None
    warnings = [r for r in caplog.records if "unreachable" in r.getMessage()]
    assert len(warnings) == 1
    with pytest.raises(redis.ConnectionError):
        cache.ping()  # what /healthz uses: the truth, not the fallback

    redis_server.start()  # empty: this Redis keeps nothing across a restart
    cache._cache._outage.down_until = 0  # do not wait for the retry delay
    cache.set("after", "back", 60)
    assert redis.Redis.from_url(redis_server.url(0)).exists(cache.make_key("after")) == 1
    assert cache.get("lock") is None  # the process's memory was emptied on the return
    assert any("answers again" in r.getMessage() for r in caplog.records)


def test_a_redis_that_hangs_costs_half_a_second_once(caplog):
    """A server that accepts connections and never answers (a hung Redis, a lost network)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    accepted = []
    stop = threading.Event()

    def accept():
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        cache = RedisCache(
            f"redis://127.0.0.1:{listener.getsockname()[1]}/0",
            {"OPTIONS": dict(django_settings.CACHES["default"].get("OPTIONS", {}))},
        )
        started = time.monotonic()
        assert cache.get("anything", "default") == "default"
        first = time.monotonic() - started
        started = time.monotonic()
        for i in range(50):
            cache.get(f"k{i}")
            cache.set(f"k{i}", i)
        then = time.monotonic() - started
    finally:
        stop.set()
        thread.join()
        for conn in accepted:
            conn.close()
        listener.close()
    assert first < 1.5
    assert then < 0.5  # not tried again during the retry delay
    assert any("unreachable" in r.getMessage() for r in caplog.records)


# --- The site with Redis stopped --------------------------------------------------------------
@needs_redis_settings
@pytest.mark.django_db
def test_sign_in_and_every_signed_in_page_answer_while_redis_is_down(
    client, settings, redis_server
):
    from tests.matrix import all_rows, build_all
    from tests.world import ROLES, build_world

    settings.CACHES = _site_cache_on(redis_server)
    world = build_world()
    build_all(world)
    redis_server.stop()

    # The sign-in itself (of side B's coordinator: side A's are the matrix's).
    coordinator = world.b.people["coordinator"]
    EmailAddress.objects.create(
        user=coordinator, email=coordinator.email, verified=True, primary=True
    )
    response = client.post(
        reverse("account_login"), {"login": coordinator.email, "password": PASSWORD}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert client.session["_auth_user_id"] == str(coordinator.pk)
    assert client.get(reverse("home")).status_code == 200
    client.logout()

    # Every page of the matrix, as each role of side A, gives what it gives with Redis up
    # (but /healthz, which says that Redis is down: see below).
    failures, slowest = [], 0.0
    rows = {
        name: row for name, row in all_rows().items() if row.method == "get" and name != "healthz"
    }
    for name, row in sorted(rows.items()):
        url_name = "admin:index" if name == "admin:*" else name
        url = row.url(url_name, world)
        for role in ROLES:
            persona = str(role)
            client.force_login(
                world.persona(persona), backend="curiouslab.accounts.backends.ModelBackend"
            )
            started = time.monotonic()
            response = client.get(url)
            slowest = max(slowest, time.monotonic() - started)
            if response.status_code != row.status_for(persona):
                failures.append(f"GET {url} as {persona}: {response.status_code}")
    assert not failures, "\n".join(failures)
    assert len(rows) > 50
    assert slowest < 5.0  # no page waits for Redis (a PDF page takes a second on a busy machine)


# --- Actions that need the broker -------------------------------------------------------------
def forget_broker_connections(app) -> None:
    """Have the app look its connection and producer pools up again, for ``app.conf.broker_url``
    as it is now (kombu keeps one pool per URL; Celery has no public call for that)."""
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker_on(redis_server, settings):
    """The test process's Celery publishes to the test's own Redis (database 1), not eagerly."""
    conf = current_app.conf
    saved = conf.broker_url, conf.task_always_eager, conf.broker_transport_options
    url = redis_server.url(1)
    settings.CELERY_BROKER_URL = url  # for /healthz
    conf.broker_url = url
    conf.broker_transport_options = django_settings.CELERY_BROKER_TRANSPORT_OPTIONS
    conf.task_always_eager = False
    forget_broker_connections(current_app)
    outbox._state.update(down_until=0.0, failed=False)
    yield url
    conf.broker_url, conf.task_always_eager, conf.broker_transport_options = saved
    forget_broker_connections(current_app)
    outbox._state.update(down_until=0.0, failed=False)


@needs_redis_settings
@pytest.mark.django_db(transaction=True)
def test_documents_asked_for_while_the_broker_is_down_wait_in_the_outbox(
    client, settings, redis_server, broker_on
):
    from curiouslab.accounts.models import OutboxMessage
    from documents.models import Document, DocumentStatus
    from tests.documents.document_fixtures import build_documents_world
    from tests.world import build_world

    settings.CACHES = _site_cache_on(redis_server)
    world = build_world()
    build_documents_world(world, extra_students=3)
    cohort = world.a.cohort
    coordinator = world.a.people["coordinator"]
    client.force_login(coordinator, backend="curiouslab.accounts.backends.ModelBackend")
    redis_server.stop()

    started = time.monotonic()
    response = client.post(
        reverse("documents:issue", kwargs={"cohort_id": cohort.pk}), {"kind": "diploma"}
    )
    took = time.monotonic() - started
    assert response.status_code == 302
    assert took < 5
    page = client.get(response["Location"]).content.decode()
    assert "momentanément indisponible" in page
    assert "votre demande est enregistrée" in page
    documents = Document.objects.filter(cohort=cohort)
    assert documents.count() >= 4
    assert set(documents.values_list("status", flat=True)) == {DocumentStatus.PENDING}
    waiting = OutboxMessage.objects.filter(sent_at__isnull=True, task="documents.render_documents")
    assert waiting.count() >= 1
    assert all("OperationalError" in m.last_error for m in waiting)
    chunks = sorted(m.kwargs["document_ids"] for m in waiting)
    assert sorted(pk for c in chunks for pk in c) == sorted(documents.values_list("pk", flat=True))

    # A second action during the outage does not even wait for the broker.
    started = time.monotonic()
    response = client.post(reverse("documents:email", kwargs={"cohort_id": cohort.pk}))
    assert response.status_code == 302
    assert time.monotonic() - started < 1
    assert OutboxMessage.objects.filter(
        sent_at__isnull=True, task="documents.email_documents"
    ).exists()

    # Redis is back: the relay (what beat runs every 30 s) publishes everything, once.
    redis_server.start()
    waiting_count = OutboxMessage.objects.filter(sent_at__isnull=True).count()
    assert outbox.outbox_relay() == waiting_count
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()
    queued = redis.Redis.from_url(broker_on).llen("celery")
    assert queued == OutboxMessage.objects.count()
    assert outbox.outbox_relay() == 0


@pytest.mark.django_db
def test_healthz_reports_cache_and_broker_down_while_redis_is_stopped(
    client, settings, redis_server
):
    settings.CACHES = {
        "default": {
            "BACKEND": "curiouslab.cache.RedisCache",
            "LOCATION": redis_server.url(0),
            "OPTIONS": {"socket_timeout": 0.5, "socket_connect_timeout": 0.5},
        }
    }
    settings.CELERY_BROKER_URL = redis_server.url(1)
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2}
    assert client.get("/healthz").status_code == 200
    redis_server.stop()
    response = client.get("/healthz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["cache"] == {**checks["cache"], "status": "down", "error": "ConnectionError"}
    assert checks["broker"]["status"] == "down"
    assert checks["database"]["status"] == "ok"
    redis_server.start()
    response = client.get("/healthz")
    assert response.status_code == 200, response.json()


@needs_redis_settings
@pytest.mark.django_db(transaction=True)
def test_a_task_that_cannot_be_published_does_not_hold_the_others_back(broker_on):
    from curiouslab.accounts.models import OutboxMessage

    broken = OutboxMessage.objects.create(task="no.such.task", kwargs={})
    good = OutboxMessage.objects.create(task="accounts.purge_expired_invitations", kwargs={})
    assert outbox.outbox_relay() == 1
    good.refresh_from_db()
    broken.refresh_from_db()
    assert good.sent_at is not None
    assert broken.sent_at is None and "NotRegistered" in broken.last_error
    assert redis.Redis.from_url(broker_on).llen("celery") == 1
