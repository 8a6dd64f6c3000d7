"""Project-level views: health check, the accessibility statement and the styled error
pages."""

from __future__ import annotations

import datetime
import logging
import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from kombu import Connection

from curiouslab.site import absolute_url

log = logging.getLogger(__name__)


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_cache() -> None:
    ping = getattr(cache, "ping", None)  # our Redis cache: a real answer, not its outage fallback
    if ping is not None:
        ping()
    # A key of its own per probe: overlapping probes (a load balancer, several instances)
    # would otherwise overwrite one another's value between the write and the read back.
    key = f"healthz-probe:{uuid.uuid4().hex}"
    value = str(time.time())
    cache.set(key, value, 10)
    try:
        if cache.get(key) != value:
            raise RuntimeError("cache did not return what was stored")
    finally:
        cache.delete(key)


def _check_broker() -> None:
    conn = Connection(
        settings.CELERY_BROKER_URL,
        transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS,
        connect_timeout=2,
    )
    try:
        conn.ensure_connection(max_retries=1, timeout=2)
        if conn.transport.driver_type == "redis":
            conn.default_channel.client.ping()
    finally:
        conn.release()


CHECKS = {"database": _check_database, "cache": _check_cache, "broker": _check_broker}


# The day the accessibility statement was last drawn up (RGAA: the statement is dated).
ACCESSIBILITY_STATEMENT_DATE = datetime.date(2026, 12, 3)


def accessibility_statement(request):
    return render(
        request,
        "legal/accessibility.html",
        {
            "publisher": settings.PUBLISHER_NAME,
            "site_url": absolute_url("/"),
            "contact_email": settings.ACCESSIBILITY_CONTACT_EMAIL,
            "statement_date": ACCESSIBILITY_STATEMENT_DATE,
        },
    )


@never_cache
def healthz(request):
    """JSON with the state of each dependency; 503 when any is down."""
    result: dict[str, dict[str, str]] = {}
    healthy = True
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            check()
        except Exception as exc:  # any failure means "down", with its reason
            healthy = False
            log.warning("healthz: %s is down: %s", name, exc)
            result[name] = {"status": "down", "error": exc.__class__.__name__}
        else:
            result[name] = {"status": "ok"}
        result[name]["ms"] = f"{(time.perf_counter() - started) * 1000:.1f}"
    return JsonResponse(
        {"status": "ok" if healthy else "degraded", "checks": result},
        status=200 if healthy else 503,
    )


def bad_request(request, exception=None):
    return render(request, "errors/400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "errors/403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    return render(request, "errors/500.html", status=500)
