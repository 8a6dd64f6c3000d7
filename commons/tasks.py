"""Celery tasks of the commons: the follow-up reminders sent by beat (CELERY_BEAT_SCHEDULE).
Each run is idempotent: an OutcomeReminder row is claimed before each e-mail."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="commons.send_outcome_reminders")
def send_outcome_reminders() -> int:
    from commons.services import outcome_reminders_send  # noqa: PLC0415 -- tasks are leaves: the service loads when the task first runs

    return outcome_reminders_send()
