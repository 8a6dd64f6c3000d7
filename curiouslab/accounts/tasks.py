from __future__ import annotations

import logging
import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone

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
    from curiouslab.outbox import outbox_relay

    return outbox_relay()


@shared_task(name="accounts.purge_expired_invitations")
def purge_expired_invitations() -> int:
    """Delete invitations that expired more than 90 days ago and were never used."""
    from curiouslab.accounts.models import Invitation

    cutoff = timezone.now() - timezone.timedelta(days=90)
    deleted, _ = Invitation.objects.filter(accepted_at__isnull=True, expires_at__lt=cutoff).delete()
    return deleted
