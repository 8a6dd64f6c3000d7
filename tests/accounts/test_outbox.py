"""The outbox (curiouslab/outbox.py): a task is a row written in the transaction of the change
that asks for it, published when it commits, and nothing when the change is rolled back; the
relay and the stuck-documents sweep run at least every minute."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.db import transaction

from curiouslab.accounts.models import OutboxMessage
from curiouslab.mail import send_templated_mail

pytestmark = pytest.mark.django_db(transaction=True)


def _mail_to(world):
    send_templated_mail(
        recipients=[world.a.people["student"]],
        template="sessions/email/milestone_reminder",
        context={"milestone": None, "url": settings.SITE_URL},
    )


def test_a_committed_change_publishes_its_task_and_marks_the_row(world):
    with transaction.atomic():
        _mail_to(world)
        assert OutboxMessage.objects.filter(sent_at__isnull=True).count() == 1
        assert mail.outbox == []  # nothing before the commit
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [world.a.people["student"].email]
    row = OutboxMessage.objects.get()
    assert row.task == "accounts.send_email"
    assert row.sent_at is not None and row.attempts == 1


def test_a_rolled_back_change_leaves_no_task(world):
    with pytest.raises(RuntimeError), transaction.atomic():
        _mail_to(world)
        raise RuntimeError("the change fails")
    assert not OutboxMessage.objects.exists()
    assert mail.outbox == []


def test_relay_and_stuck_sweep_run_at_least_every_minute():
    schedule = settings.CELERY_BEAT_SCHEDULE
    for name in ("outbox-relay", "documents-requeue-stuck-documents"):
        assert schedule[name]["schedule"] <= timedelta(seconds=60), name
    assert schedule["outbox-relay"]["task"] == "accounts.relay_outbox"
