"""Celery tasks of the trophies app. Thin: they call a service and return quietly when there
is nothing (left) to do. Rendering is idempotent (a conditional claim on each row, a
deterministic storage path), so ``acks_late`` and ``reject_on_worker_lost`` are safe: a task
delivered again after a worker died renders only what is not ready yet."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="trophies.render_documents", acks_late=True, reject_on_worker_lost=True)
def render_documents(*, document_ids: list[int]) -> int:
    """Render a chunk of documents; returns how many this call made ready."""
    from trophies.document_services import documents_render

    return documents_render(document_ids=document_ids)


@shared_task(name="trophies.requeue_stuck_documents", acks_late=True)
def requeue_stuck_documents() -> int:
    """Beat, every 30 s: documents pending or rendering for longer than the stale age."""
    from trophies.document_services import documents_requeue_stuck

    return documents_requeue_stuck()


@shared_task(name="trophies.requeue_lost_documents", acks_late=True)
def requeue_lost_documents(*, queued_before: str) -> int:
    """Sent by a worker whose broker connection came back (``curiouslab.celery``): every
    document still pending that was queued before that moment is queued again."""
    from django.utils.dateparse import parse_datetime

    from trophies.document_services import documents_requeue_lost

    return documents_requeue_lost(queued_before=parse_datetime(queued_before))


@shared_task(name="trophies.build_document_archive", acks_late=True, reject_on_worker_lost=True)
def build_document_archive(*, archive_id: int) -> bool:
    from trophies.document_services import archive_build

    return archive_build(archive_id=archive_id)


@shared_task(name="trophies.email_documents", acks_late=True, reject_on_worker_lost=True)
def email_documents(*, cohort_id: int) -> int:
    from trophies.document_services import documents_email_send

    return documents_email_send(cohort_id=cohort_id)
