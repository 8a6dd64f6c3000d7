"""Celery tasks of the documents app. Thin: they call a service and return quietly when there
is nothing (left) to do. Rendering is idempotent (a conditional claim on each row, a
deterministic storage path), so ``acks_late`` and ``reject_on_worker_lost`` are safe.

What happens when something goes wrong, exactly:

- **A worker dies mid-render** (its pool child or its main process killed). Each document it
  was rendering carries its claim: the worker's node name, the task's id and the time
  (``Document.claimed_by``, ``claim_task``, ``claimed_at``).

  - A pool child killed: the main process gives the message back (``reject_on_worker_lost``)
    and the task is delivered again, *with the same id*: it takes back the documents claimed
    by that id and renders them (``documents.services._claim``); the next render task of
    the batch that starts or ends on that machine may already have queued them again (below).
  - A main process killed: its unacknowledged messages come back only after Redis's
    visibility time-out (an hour). Each claim also names its process and the worker's main
    process (``claim_process``: machine, pid, main pid). Each render task, as it starts and as
    it ends, looks at the claims of its batches (the cohorts of its documents): those of a
    process of the same machine that is dead are queued again at once, and, when the main
    process is dead too, so are the pending documents of those batches, whose messages it
    may have held (``documents.services.documents_take_over``). So on one machine a
    killed worker's documents are rendered again within seconds, while the other workers
    go on with the batch. Across machines (other containers), the stale sweep (beat, every
    quarter of the task time limit) asks the workers for a ping; documents claimed more
    than 10 s ago by a worker that did not answer, and the pending documents of their
    batches, are queued again at once. A worker that starts again under the same name
    releases its old claims when it is ready (``release_claims_of_previous_run``).
  - In every case, a claim older than the task time limit (``CELERY_TASK_TIME_LIMIT``, plus
    15 s: ``DOCUMENTS_STALE_SECONDS``) belongs to a task that was killed, and any task may
    take it over.

- **A transient error** (database connection lost, lock time-out: ``OperationalError``,
  ``InterfaceError``; for an archive also a full or unreachable storage): the task retries
  itself with exponential backoff (1, 2, 4 … 30 s, up to ``MAX_RETRIES`` times, about four
  minutes) and, having the same id, takes its claims back. A document whose storage was full
  fails with its reason, marked transient, and the sweep renders it again a bounded number
  of times (``DOCUMENTS_AUTO_RETRIES``, after 30 s, 1 min, 2 min).
- **A permanent error** (a template that cannot render, a bug): the document fails at once
  with its reason, shown to the coordinator, who can retry it (or all of a batch's at once).
- **Files.** A document's PDF has one path (its verification code), written again by each
  try. A write that fails leaves no empty or truncated file (``curiouslab.storedfiles.store``),
  and a document that fails has no file at its path, even one an earlier try wrote; a failed
  archive leaves no partial ZIP. What a killed machine could still leave is removed by the
  nightly ``storage_sweep`` (files older than a day that no row points to).
"""

from __future__ import annotations

import logging
import os

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.utils.dateparse import parse_datetime

log = logging.getLogger(__name__)

MAX_RETRIES = 12  # 1 + 2 + 4 + 8 + 16 + 7 × 30 s: about four minutes of backoff
DATABASE_ERRORS = (OperationalError, InterfaceError)
LONG_LIMIT = getattr(settings, "DOCUMENTS_LONG_TASK_TIME_LIMIT", 900)


def backoff(retries: int) -> int:
    """Seconds before the next try: 1, 2, 4, 8, 16, then 30."""
    return min(2**retries, 30)


def _main_pid() -> int:
    """The worker's main process: the parent of a prefork pool child, else this process."""
    from billiard.process import current_process  # noqa: PLC0415 -- only in a worker

    return os.getppid() if current_process().name != "MainProcess" else os.getpid()


def _claimant(task):
    from documents.services import Claimant, ProcessKey  # noqa: PLC0415 -- tasks are leaves: the services that queue these tasks import this module

    in_worker = not task.request.is_eager  # run eagerly (tests, the demo): no worker process
    process = str(ProcessKey.current(main_pid=_main_pid())) if in_worker else ""
    return Claimant(worker=task.request.hostname or "", task=task.request.id or "", process=process)


@shared_task(
    bind=True,
    name="documents.render_documents",
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=MAX_RETRIES,
)
def render_documents(self, *, document_ids: list[int]) -> int:
    """Render a chunk of documents; returns how many this call made ready. Delivered again
    (after its worker died) or retried (after a database error), it takes back the documents
    it had claimed: see the module's docstring."""
    from documents.services import documents_render  # noqa: PLC0415 -- tasks are leaves: the services that queue these tasks import this module

    try:
        return documents_render(document_ids=document_ids, by=_claimant(self))
    except DATABASE_ERRORS as exc:
        log.warning("render of %s: %s; retrying", document_ids, exc)
        raise self.retry(exc=exc, countdown=backoff(self.request.retries)) from exc


def _live_workers() -> set[str] | None:
    """The node names of the workers that answer a ping within a second; None when none
    answers or the broker cannot broadcast (the embedded file-system broker)."""
    from celery import current_app  # noqa: PLC0415 -- tasks are leaves: the services that queue these tasks import this module

    try:
        replies = current_app.control.inspect(timeout=1.0).ping() or {}
    except Exception:  # no broadcast: only the claims' age counts
        log.info("no ping from the workers", exc_info=True)
        return None
    return set(replies) or None


@shared_task(name="documents.requeue_stuck_documents", acks_late=True)
def requeue_stuck_documents() -> int:
    """Beat, every quarter of the task time limit: documents pending or rendering for
    longer than the stale age, documents claimed by a worker that does not answer a ping,
    and failed documents with a transient reason and retries left."""
    from documents.services import documents_requeue_stuck  # noqa: PLC0415 -- tasks are leaves: the services that queue these tasks import this module

    return documents_requeue_stuck(live_workers=_live_workers)


@shared_task(name="documents.requeue_lost_documents", acks_late=True)
def requeue_lost_documents(*, queued_before: str) -> int:
    """Sent by a worker whose broker connection came back (``curiouslab.celery``): every
    document still pending that was queued before that moment is queued again."""
    from documents.services import documents_requeue_lost  # noqa: PLC0415 -- tasks are leaves: the services that queue these tasks import this module

    return documents_requeue_lost(queued_before=parse_datetime(queued_before))


@worker_ready.connect(dispatch_uid="documents.release_claims_of_previous_run")
def release_claims_of_previous_run(sender=None, **_kwargs) -> None:
    """A worker that starts holds no claim yet: documents claimed under its node name belong
    to a previous run of it that died (a container restarted after ``kill -9``); they are
    queued again at once."""
    hostname = getattr(sender, "hostname", "") or ""
    if not hostname:
        return
    from documents.services import documents_release_claims  # noqa: PLC0415 -- tasks are leaves: the services that queue these tasks import this module

    try:
        documents_release_claims(worker=hostname)
    except Exception:  # never stop a worker from starting: the sweep will do it
        log.warning("could not release the claims of %s", hostname, exc_info=True)


@shared_task(
    bind=True,
    name="documents.build_document_archive",
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=MAX_RETRIES,
    time_limit=LONG_LIMIT,
    soft_time_limit=LONG_LIMIT - 5,
)
def build_document_archive(self, *, archive_id: int) -> bool:
    """Build a cohort's ZIP; a transient error retries with backoff, recorded as the
    archive's error only on the last try."""
    from documents.services import TransientError, archive_build  # noqa: PLC0415 -- tasks are leaves: the services that queue these tasks import this module

    final = self.request.retries >= self.max_retries
    try:
        return archive_build(archive_id=archive_id, final=final, task_id=self.request.id or "")
    except (TransientError, *DATABASE_ERRORS) as exc:
        if final:
            raise
        raise self.retry(exc=exc, countdown=backoff(self.request.retries)) from exc


@shared_task(
    bind=True,
    name="documents.email_documents",
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=MAX_RETRIES,
    time_limit=LONG_LIMIT,
    soft_time_limit=LONG_LIMIT - 5,
)
def email_documents(self, *, cohort_id: int) -> int:
    """E-mail each recipient their ready document once; a database error retries with
    backoff (what was sent stays claimed, so nothing goes twice)."""
    from documents.services import documents_email_send  # noqa: PLC0415 -- tasks are leaves: the services that queue these tasks import this module

    try:
        return documents_email_send(cohort_id=cohort_id)
    except DATABASE_ERRORS as exc:
        raise self.retry(exc=exc, countdown=backoff(self.request.retries)) from exc
