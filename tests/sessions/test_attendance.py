import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from curiouslab.accounts.models import Role
from sessions.models import Attendance
from sessions.selectors import attendance_rates
from sessions.services import checkin_token
from tests.sessions.factories import (
    AttendanceFactory,
    SessionFactory,
    TeamMemberFactory,
    running,
)

pytestmark = pytest.mark.django_db


def _ago(days: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


# --- Roll call -----------------------------------------------------------------------------


def test_attendance_sheet_lists_invited_people_for_the_person_in_charge(cast, login):
    session = running(cohort=cast.cohort, teams=[cast.team], in_charge=[cast.coach])
    response = login(cast.coach).get(reverse("sessions:attendance", args=[session.pk]))
    assert response.status_code == 200
    assert str(cast.student) in response.text
    assert str(cast.teammate) in response.text
    assert str(cast.other_student) not in response.text
    assert "Présents : 0 sur 2 personnes invitées" in response.text


def test_attendance_toggle_by_htmx_marks_present_then_absent(cast, login):
    session = running(cohort=cast.cohort, teams=[cast.team])
    client = login(cast.coordinator)
    url = reverse("sessions:attendance_toggle", args=[session.pk, cast.student.pk])
    response = client.post(url, {"present": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert f'id="attendance-{cast.student.pk}"' in response.text
    assert "Présent" in response.text
    assert "<html" not in response.text  # the row alone
    row = Attendance.objects.get(session=session, user=cast.student)
    assert row.present and row.method == "roll_call" and row.recorded_by == cast.coordinator
    client.post(url, {"present": "0"}, HTTP_HX_REQUEST="true")
    row.refresh_from_db()
    assert row.present is False


def test_attendance_toggle_for_uninvited_person_is_404(cast, login):
    session = running(cohort=cast.cohort, teams=[cast.team])
    url = reverse("sessions:attendance_toggle", args=[session.pk, cast.other_student.pk])
    assert login(cast.coordinator).post(url, {"present": "1"}).status_code == 404
    assert not Attendance.objects.exists()


def test_attendance_toggle_by_student_is_403(cast, login):
    session = running(cohort=cast.cohort, teams=[cast.team])
    url = reverse("sessions:attendance_toggle", args=[session.pk, cast.teammate.pk])
    assert login(cast.student).post(url, {"present": "1"}).status_code == 403
    assert not Attendance.objects.exists()


def test_attendance_toggle_before_the_session_is_refused(cast, login):
    session = SessionFactory(cohort=cast.cohort, teams=[cast.team])  # in three days
    url = reverse("sessions:attendance_toggle", args=[session.pk, cast.student.pk])
    response = login(cast.coordinator).post(url, {"present": "1"}, follow=True)
    assert "L’appel peut être fait une fois la séance commencée" in response.text
    assert not Attendance.objects.exists()


def test_attendance_sheet_query_count_does_not_grow(cast, login, django_assert_num_queries):
    session = running(cohort=cast.cohort, teams=[cast.team], roles=[Role.MUNICIPAL_STAFF])
    client = login(cast.coordinator)
    url = reverse("sessions:attendance", args=[session.pk])
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    for _ in range(15):
        member = TeamMemberFactory(team=cast.team, school=cast.world.a.school)
        AttendanceFactory(session=session, user=member.user)
    with django_assert_num_queries(len(ctx.captured_queries)):
        response = client.get(url)
    # 17 students and the municipal agent of the team's challenge.
    assert "Présents : 15 sur 18 personnes invitées" in response.text


# --- QR code check-in ----------------------------------------------------------------------


def test_checkin_code_page_shows_an_inline_svg_qr_code(cast, login):
    session = running(cohort=cast.cohort, teams=[cast.team], in_charge=[cast.coach])
    response = login(cast.coach).get(reverse("sessions:checkin_code", args=[session.pk]))
    assert response.status_code == 200
    assert "<svg" in response.text and "<path" in response.text
    assert checkin_token(session) in response.text
    assert "style=" not in response.text.split("<svg", 1)[1].split("</svg>", 1)[0]


def _checkin(client, session, token=None):
    url = reverse("sessions:checkin", args=[session.pk, token or checkin_token(session)])
    return client.post(url, follow=True)


def test_checkin_during_the_session_records_presence_once(cast, login):
    session = running(cohort=cast.cohort, teams=[cast.team])
    client = login(cast.student)
    page = client.get(reverse("sessions:checkin", args=[session.pk, checkin_token(session)]))
    assert "Je suis là" in page.text
    response = _checkin(client, session)
    assert "Votre présence est enregistrée" in response.text
    row = Attendance.objects.get(session=session, user=cast.student)
    assert row.present and row.method == "qr_code"
    again = _checkin(client, session)
    assert "Vous avez déjà émargé pour cette séance" in again.text
    assert Attendance.objects.filter(session=session, user=cast.student).count() == 1


def test_checkin_for_a_past_session_is_refused(cast, login):
    session = SessionFactory(
        cohort=cast.cohort, teams=[cast.team], starts_at=_ago(2), ends_at=_ago(1.9)
    )
    client = login(cast.student)
    page = client.get(reverse("sessions:checkin", args=[session.pk, checkin_token(session)]))
    assert "l’émargement est fermé" in page.text
    response = _checkin(client, session)
    assert "Cette séance est terminée : l’émargement est fermé" in response.text
    assert not Attendance.objects.exists()


def test_checkin_before_the_window_opens_is_refused(cast, login):
    session = SessionFactory(cohort=cast.cohort, teams=[cast.team])  # in three days
    response = _checkin(login(cast.student), session)
    assert "L’émargement ouvre 30 minutes avant le début" in response.text
    assert not Attendance.objects.exists()


def test_checkin_with_a_bad_token_is_404(cast, login):
    session = running(cohort=cast.cohort, teams=[cast.team])
    url = reverse("sessions:checkin", args=[session.pk, "0" * 32])
    assert login(cast.student).post(url).status_code == 404
    assert not Attendance.objects.exists()


def test_checkin_of_uninvited_student_is_404(cast, login):
    session = running(cohort=cast.cohort, teams=[cast.team])
    response = _checkin(login(cast.other_student), session)
    assert response.status_code == 404
    assert not Attendance.objects.exists()


def test_checkin_after_being_marked_absent_turns_to_present(cast, login):
    session = running(cohort=cast.cohort, teams=[cast.team])
    AttendanceFactory(session=session, user=cast.student, present=False)
    _checkin(login(cast.student), session)
    row = Attendance.objects.get(session=session, user=cast.student)
    assert row.present and row.method == "qr_code"


# --- Rates ---------------------------------------------------------------------------------


def _past(cast, kind="working", **kwargs):
    return SessionFactory(
        cohort=cast.cohort, kind=kind, starts_at=_ago(10), ends_at=_ago(9.9), **kwargs
    )


def test_attendance_rates_per_student_team_and_school(cast):
    s1 = _past(cast, teams=[cast.team])
    s2 = _past(cast, roles=[Role.STUDENT])
    SessionFactory(cohort=cast.cohort, teams=[cast.team])  # future: not counted
    AttendanceFactory(session=s1, user=cast.student)
    AttendanceFactory(session=s2, user=cast.student)
    AttendanceFactory(session=s2, user=cast.teammate, present=False)
    AttendanceFactory(session=s2, user=cast.other_student)
    rates = attendance_rates(cast.cohort)
    by_user = {r.user_id: r for r in rates.students}
    assert (by_user[cast.student.pk].attended, by_user[cast.student.pk].invited) == (2, 2)
    assert (by_user[cast.teammate.pk].attended, by_user[cast.teammate.pk].invited) == (0, 2)
    assert (by_user[cast.other_student.pk].attended, by_user[cast.other_student.pk].invited) == (
        1,
        1,
    )
    teams = {r.label: r.percent for r in rates.teams}
    assert teams == {"Les Curieux": 50, "Les Audacieux": 100}
    assert [(r.label, r.attended, r.invited) for r in rates.schools] == [("École A", 3, 5)]


def test_attendance_counts_only_working_sessions(cast):
    w1 = _past(cast, teams=[cast.team])
    w2 = _past(cast, teams=[cast.team])
    w3 = _past(cast, teams=[cast.team])
    w4 = _past(cast, teams=[cast.team])
    visit = _past(cast, kind="site_visit", teams=[cast.team])
    for s in (w1, w2, w3, visit):
        AttendanceFactory(session=s, user=cast.student)
    AttendanceFactory(session=w4, user=cast.teammate)
    rates = {r.user_id: r for r in attendance_rates(cast.cohort).students}
    assert rates[cast.student.pk].rate == 0.75
    assert rates[cast.teammate.pk].rate == 0.25
    assert rates[cast.other_student.pk].rate is None  # invited to none: no figure


def test_attendance_rates_page_for_coordinator_in_french(cast, login):
    s1 = _past(cast, teams=[cast.team])
    AttendanceFactory(session=s1, user=cast.student)
    response = login(cast.coordinator).get(
        reverse("sessions:attendance_rates", args=[cast.cohort.pk])
    )
    assert response.status_code == 200
    assert "Taux de présence" in response.text
    assert "50 %" in response.text  # the team Les Curieux
    assert "1 / 1" in response.text  # the student


def test_attendance_rates_page_query_count_does_not_grow(cast, login, django_assert_num_queries):
    client = login(cast.coordinator)
    url = reverse("sessions:attendance_rates", args=[cast.cohort.pk])
    _past(cast, teams=[cast.team])
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    for _ in range(10):
        s = _past(cast, teams=[cast.team, cast.other_team])
        AttendanceFactory(session=s, user=cast.student)
        TeamMemberFactory(team=cast.other_team, school=cast.world.a.school)
    with django_assert_num_queries(len(ctx.captured_queries)):
        assert client.get(url).status_code == 200


def test_attendance_rates_page_for_student_is_403(cast, login):
    url = reverse("sessions:attendance_rates", args=[cast.cohort.pk])
    assert login(cast.student).get(url).status_code == 403
    assert login(cast.world.b.people["coordinator"]).get(url).status_code == 404
