"""The outbox: every Celery task the platform asks for is first a row in the database.

What happens, exactly:

1. ``outbox_enqueue`` writes one ``OutboxMessage`` per task (name, keyword arguments, queue)
   in the caller's transaction, so that the row exists if and only if the change that asked
   for the task was committed, and asks for ``outbox_dispatch`` once that transaction commits.
2. ``outbox_dispatch`` publishes the rows to the broker and marks them ``sent_at``, holding a
   lock on each row while it publishes it (``SELECT … FOR UPDATE SKIP LOCKED``), so that the
   dispatch and the relay never both publish one row. A row is published at least once: a
   process that dies between the publication and the commit leaves the row to the relay,
   which publishes it again (renders, archives and the documents' e-mail claim their rows,
   so they do nothing twice; a plain e-mail could then, rarely, go twice).
3. When the broker cannot be reached (a refused connection, a time-out, Redis loading its data
   after a restart), the row stays, with ``attempts`` and ``last_error``; the process logs a
   warning, stops trying the broker for ``BROKER_RETRY_AFTER`` seconds (rows then just wait)
   and, when a request asked for it, the page says in French that the work will be done when
   the service is back (``OutboxNoticeMiddleware``). The change itself is committed.
4. ``outbox_relay`` (task ``accounts.relay_outbox``) publishes every row still waiting, oldest
   first. It runs every 30 seconds (beat: ``outbox-relay`` in CELERY_BEAT_SCHEDULE), whenever
   a worker's connection to the broker comes back (``curiouslab.celery.BrokerReturn``), and
   is asked for by the first dispatch that succeeds in a process after one that failed. Rows
   sent more than a day ago are deleted by it (an e-mail's row holds its text until then).

So an e-mail or a render asked for while Redis is down is published within about 30 s of
Redis's return (the workers reconnect within 30 s), and nothing asked for is lost.
"""

from __future__ import annotations

import contextvars
import logging
import time
from collections.abc import Iterable
from datetime import timedelta

import redis
from celery import current_app
from django.contrib import messages
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError

from curiouslab.accounts.models import OutboxMessage

log = logging.getLogger(__name__)

BROKER_RETRY_AFTER = 10.0  # seconds during which a process does not try a broker that failed
RELAY_BATCH = 500
KEEP_SENT = timedelta(days=1)

_state = {"down_until": 0.0, "failed": False}
_deferred: contextvars.ContextVar[list | None] = contextvars.ContextVar(
    "outbox_deferred", default=None
)


def broker_errors() -> tuple[type[BaseException], ...]:
    """The exceptions that mean "the broker cannot be reached", not "the task is wrong"."""
    return (
        OperationalError,
        OSError,
        redis.exceptions.ConnectionError,
        redis.exceptions.TimeoutError,
    )


def outbox_enqueue(*, task: str, kwargs: dict, queue: str | None = None) -> None:
    """Write one task to the outbox in the current transaction, published after commit."""
    outbox_enqueue_many(task=task, kwargs_list=[kwargs], queue=queue)


def outbox_enqueue_many(*, task: str, kwargs_list: Iterable[dict], queue: str | None = None):
    now = timezone.now()
    rows = OutboxMessage.objects.bulk_create(
        [
            OutboxMessage(task=task, kwargs=kw, queue=queue or "", created_at=now)
            for kw in kwargs_list
        ]
    )
    ids = [row.pk for row in rows]
    if ids:
        # Robust: whatever goes wrong in the dispatch, the change is committed and the rows
        # wait for the relay (in-process tasks, in the tests, let their errors through).
        transaction.on_commit(
            lambda: outbox_dispatch(ids=ids), robust=not current_app.conf.task_always_eager
        )
    return rows


def _task(name: str):
    if name not in current_app.tasks:  # a web process imports the apps' tasks on demand
        current_app.loader.import_default_modules()
    return current_app.tasks[name]


def _publish(row) -> None:
    _task(row.task).apply_async(kwargs=row.kwargs, queue=row.queue or None)


def _record_failure(ids: list[int], exc: BaseException) -> None:
    OutboxMessage.objects.filter(pk__in=ids, sent_at__isnull=True).update(
        last_error=f"{exc.__class__.__name__}: {exc}"[:2000]
    )


def _broker_failed(exc: BaseException) -> None:
    first = not _state["failed"]
    _state["failed"] = True
    _state["down_until"] = time.monotonic() + BROKER_RETRY_AFTER
    if first:
        log.warning(
            "outbox: the broker is unreachable (%s: %s); tasks wait in the outbox",
            exc.__class__.__name__,
            exc,
        )


def _note_deferred() -> None:
    pending = _deferred.get()
    if pending is not None:
        pending.append(True)


def _send(rows: list, *, honour_pause: bool) -> int:
    """Publish ``rows`` (locked by the caller), marking each sent; stop at the first broker
    error, recording it on the rows left. Returns how many were published."""

    if honour_pause and time.monotonic() < _state["down_until"]:
        OutboxMessage.objects.filter(pk__in=[r.pk for r in rows]).update(
            attempts=F("attempts") + 1, last_attempt_at=timezone.now()
        )
        return 0
    # Tasks run in-process (the test suite's eager mode) touch no broker: their errors are
    # theirs and propagate.
    eager = current_app.conf.task_always_eager
    errors = () if eager else broker_errors()
    others = () if eager else (Exception,)
    sent = 0
    for index, row in enumerate(rows):
        now = timezone.now()
        try:
            _publish(row)
        except errors as exc:
            left = [r.pk for r in rows[index:]]
            OutboxMessage.objects.filter(pk__in=left).update(
                attempts=F("attempts") + 1, last_attempt_at=now
            )
            _record_failure(left, exc)
            _broker_failed(exc)
            return sent
        except others as exc:  # this row only (an unknown task name): the others go on
            log.exception("outbox: task %s #%s could not be published", row.task, row.pk)
            OutboxMessage.objects.filter(pk=row.pk).update(
                attempts=F("attempts") + 1, last_attempt_at=now
            )
            _record_failure([row.pk], exc)
            continue
        OutboxMessage.objects.filter(pk=row.pk).update(
            sent_at=now, attempts=F("attempts") + 1, last_attempt_at=now, last_error=""
        )
        sent += 1
    return sent


def outbox_dispatch(*, ids: list[int]) -> int:
    """Publish the given rows that are still waiting (see the module's docstring). Returns how
    many were published; the others wait for the relay."""
    with transaction.atomic():
        rows = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk__in=ids, sent_at__isnull=True)
            .order_by("pk")
        )
        if not rows:
            return 0
        sent = _send(rows, honour_pause=True)
    if sent < len(rows):
        _note_deferred()
    elif _state["failed"]:
        # The broker is back for this process: have the rows that waited published now.
        _state["failed"] = False
        _state["down_until"] = 0.0
        try:
            _task("accounts.relay_outbox").apply_async()
        except broker_errors() as exc:  # gone again: the periodic relay will do it
            _broker_failed(exc)
    return sent


def outbox_relay(*, limit: int = RELAY_BATCH) -> int:
    """Publish the rows still waiting, oldest first, up to ``limit``; delete rows sent more
    than a day ago. Returns how many were published."""
    with transaction.atomic():
        rows = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(sent_at__isnull=True)
            .order_by("created_at", "pk")[:limit]
        )
        sent = _send(rows, honour_pause=False) if rows else 0
    if rows and sent == len(rows):
        _state["failed"] = False
        _state["down_until"] = 0.0
    if sent:
        log.warning("outbox: relayed %s waiting tasks", sent)
    OutboxMessage.objects.filter(sent_at__lt=timezone.now() - KEEP_SENT).delete()
    return sent


class OutboxNoticeMiddleware:
    """Tell the person when work their request asked for waits for the broker (placed after
    MessageMiddleware, so that the message is stored with the response)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        deferred: list = []
        token = _deferred.set(deferred)
        try:
            response = self.get_response(request)
        finally:
            _deferred.reset(token)
        if deferred and hasattr(request, "_messages"):
            messages.warning(
                request,
                _(
                    "The background service is unavailable for a moment: your request is "
                    "saved and will be carried out as soon as it is back (e-mails sent, "
                    "documents rendered)."
                ),
            )
        return response
