import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from cohorts.models import Milestone
from sessions.models import ReminderSent
from sessions.tasks import send_deadline_reminders, send_session_reminders
from tests.sessions.factories import SessionFactory

pytestmark = pytest.mark.django_db


def _in(hours):
    return timezone.now() + datetime.timedelta(hours=hours)


def test_beat_schedule_runs_both_reminder_tasks():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"sessions.send_session_reminders", "sessions.send_deadline_reminders"} <= tasks


def test_session_reminder_sent_once_the_day_before(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    session = SessionFactory(
        cohort=cast.cohort,
        title="Séance de janvier",
        teams=[cast.team],
        starts_at=_in(20),
        ends_at=_in(23),
        in_charge=[cast.coach],
    )
    SessionFactory(cohort=cast.cohort, teams=[cast.team], starts_at=_in(50), ends_at=_in(52))
    with django_capture_on_commit_callbacks(execute=True):
        assert send_session_reminders.delay().get() == 3
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [cast.student.email, cast.teammate.email, cast.coach.email]
    )
    assert mailoutbox[0].subject == "[Curious Lab] Demain : Séance de janvier"
    assert "Pôle Léonard de Vinci" in mailoutbox[0].body
    assert ReminderSent.objects.filter(kind="session", object_id=session.pk).count() == 3
    # A restarted beat or a retried task: nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        assert send_session_reminders.delay().get() == 0
    assert len(mailoutbox) == 3


def test_session_reminder_skips_people_already_reminded(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    session = SessionFactory(
        cohort=cast.cohort, teams=[cast.team], starts_at=_in(5), ends_at=_in(6)
    )
    ReminderSent.objects.create(kind="session", object_id=session.pk, user=cast.student)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_session_reminders() == 1
    assert [m.to[0] for m in mailoutbox] == [cast.teammate.email]


def test_deadline_reminder_sent_once_to_the_cohorts_students(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    milestone = Milestone.objects.create(
        cohort=cast.cohort, kind="prototype", name="Prototype", deadline=_in(30)
    )
    Milestone.objects.create(cohort=cast.cohort, name="Projet final", deadline=_in(24 * 10))
    with django_capture_on_commit_callbacks(execute=True):
        assert send_deadline_reminders() == 3
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [cast.student.email, cast.teammate.email, cast.other_student.email]
    )
    assert "Échéance proche : Prototype" in mailoutbox[0].subject
    with django_capture_on_commit_callbacks(execute=True):
        assert send_deadline_reminders() == 0
    assert ReminderSent.objects.filter(kind="milestone", object_id=milestone.pk).count() == 3
