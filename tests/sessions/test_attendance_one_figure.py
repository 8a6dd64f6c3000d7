"""Issue #12.10: one attendance figure. The rule (sessions.selectors.attendance_rates): the
ended *working* sessions a student was invited to, and which of them they attended. The
cohort dashboard, the attendance page and the diploma eligibility show the same percentage
for the same student and count the same sessions."""

import datetime
import re

import pytest
from django.utils import timezone

from curiouslab.accounts.models import Role
from documents import eligibility
from sessions.selectors import attendance_rates
from tests.sessions.factories import AttendanceFactory, SessionFactory, running

pytestmark = pytest.mark.django_db


def _ago(days: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def _ended(cast, kind="working", **kwargs):
    return SessionFactory(
        cohort=cast.cohort, kind=kind, starts_at=_ago(10), ends_at=_ago(9.9), **kwargs
    )


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_dashboard_attendance_page_and_diploma_say_the_same_figure(cast, login):
    # The other student is alone in "Les Audacieux": the team's rate is theirs.
    student = cast.other_student
    counted = [
        _ended(cast, teams=[cast.other_team]),  # invited with the team, attended
        _ended(cast, roles=[Role.STUDENT]),  # invited as a student, attended
        _ended(cast, roles=[Role.STUDENT]),  # invited, absent
    ]
    not_counted = [
        _ended(cast, teams=[cast.team]),  # another team's session (attended anyway)
        _ended(cast, kind="site_visit", teams=[cast.other_team]),  # not a working session
        running(cohort=cast.cohort, teams=[cast.other_team]),  # not over yet
    ]
    SessionFactory(cohort=cast.cohort, teams=[cast.other_team])  # in the future
    for s in [counted[0], counted[1], *not_counted]:
        AttendanceFactory(session=s, user=student)
    AttendanceFactory(session=counted[2], user=student, present=False)

    # The rule: 2 of the 3 counted sessions.
    row = next(r for r in attendance_rates(cast.cohort).students if r.user_id == student.pk)
    assert (row.attended, row.invited, row.percent) == (2, 3, 67)

    client = login(cast.coordinator)
    # The dashboard loads its attendance figures by HTMX once shown (they sum every mark).
    dashboard = client.get(f"/cohorts/{cast.cohort.pk}/dashboard/").content.decode()
    summary_url = f"/sessions/cohort/{cast.cohort.pk}/attendance/summary/"
    assert f'hx-get="{summary_url}" hx-trigger="load"' in dashboard
    dashboard = _text(client.get(summary_url, HTTP_HX_REQUEST="true"))
    assert "Les Audacieux 67 %" in dashboard
    # The cohort held four ended working sessions (the three above and the other team's).
    assert "sur 4 séances de travail terminées" in dashboard

    page = _text(client.get(f"/sessions/cohort/{cast.cohort.pk}/attendance/"))
    assert f"{student} Les Audacieux" in page
    assert re.search(rf"{re.escape(str(student))} Les Audacieux [^%]*? 2 / 3 67 %", page)

    eligibility_page = _text(
        client.get(f"/documents/cohort/{cast.cohort.pk}/eligibility/?kind=diploma")
    )
    assert re.search(rf"{re.escape(student.get_full_name())} Les Audacieux 67 %", eligibility_page)
    assert eligibility.attendance_by_user(cast.cohort)[student.pk] == 67


def test_student_invited_to_no_ended_working_session_has_no_figure_and_missed_nothing(cast):
    _ended(cast, teams=[cast.team])
    assert eligibility.attendance_by_user(cast.cohort)[cast.other_student.pk] is None
    rows = {c.recipient.pk: c for c in eligibility.candidates(cohort=cast.cohort, kind="diploma")}
    assert rows[cast.other_student.pk].attendance is None
    assert "présence" not in rows[cast.other_student.pk].reason  # not refused for attendance
