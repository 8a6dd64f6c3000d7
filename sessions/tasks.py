"""Celery tasks of the sessions app: the reminders sent by beat (see CELERY_BEAT_SCHEDULE).
Each run is idempotent: a ReminderSent row is claimed before each e-mail."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="sessions.send_session_reminders")
def send_session_reminders() -> int:
    from sessions.services import session_reminders_send  # noqa: PLC0415 -- tasks are leaves: the service loads when the task first runs

    return session_reminders_send()


@shared_task(name="sessions.send_deadline_reminders")
def send_deadline_reminders() -> int:
    from sessions.services import milestone_reminders_send  # noqa: PLC0415 -- tasks are leaves: the service loads when the task first runs

    return milestone_reminders_send()
