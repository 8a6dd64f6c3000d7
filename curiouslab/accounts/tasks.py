from __future__ import annotations

import logging
import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives

log = logging.getLogger(__name__)


@shared_task(
    name="accounts.send_email",
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30,
    retry_kwargs={"max_retries": 5},
    acks_late=True,
)
def send_email(*, to: list[str], subject: str, body: str, html: str | None = None) -> None:
    message = EmailMultiAlternatives(
        subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=to
    )
    if html:
        message.attach_alternative(html, "text/html")
    message.send()


@shared_task(name="accounts.relay_outbox", acks_late=True)
def relay_outbox() -> int:
    """Publish the tasks that wait in the outbox (beat every 30 s, and a worker whose broker
    connection came back: see curiouslab/outbox.py)."""
    from curiouslab.outbox import outbox_relay  # noqa: PLC0415 -- tasks are leaves: the service loads when the task first runs

    return outbox_relay()


@shared_task(name="accounts.purge_expired_invitations")
def purge_expired_invitations() -> int:
    """Beat, daily: the service deletes the invitations long expired and never used."""
    from curiouslab.accounts.services import invitations_purge_expired  # noqa: PLC0415 -- tasks are leaves: the service loads when the task first runs

    return invitations_purge_expired()


@shared_task(name="accounts.storage_sweep", acks_late=True)
def storage_sweep() -> int:
    """Beat, daily: delete the files in storage that no row points to, older than a day,
    and the upload temporary files of processes gone (curiouslab/storedfiles.py)."""
    from curiouslab.storedfiles import storage_sweep as sweep  # noqa: PLC0415 -- tasks are leaves: the service loads when the task first runs

    return len(sweep(delete=True))
