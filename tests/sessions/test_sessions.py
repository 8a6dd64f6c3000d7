import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from curiouslab.accounts.models import AuditLogEntry
from sessions.models import Session, SessionMaterial
from tests.sessions.factories import SessionFactory

pytestmark = pytest.mark.django_db


def _form(cast, **overrides):
    start = timezone.localtime() + datetime.timedelta(days=10)
    start = start.replace(hour=14, minute=0, second=0, microsecond=0)
    data = {
        "kind": "working",
        "title": "Séance de travail de décembre",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + datetime.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
        "place": "Salle du conseil",
        "address": "57 rue des Longues Raies, 92000 Nanterre",
        "capacity": "40",
        "agenda": "Point d'étape et ateliers.",
        "invited_teams": [cast.team.pk],
        "invited_roles": ["municipal_staff"],
        "people_in_charge": [cast.coach.pk],
    }
    data.update(overrides)
    return data


def test_create_session_by_coordinator_saves_it_with_its_audience(cast, login):
    client = login(cast.coordinator)
    response = client.post(reverse("sessions:create", args=[cast.cohort.pk]), _form(cast))
    session = Session.objects.get(title="Séance de travail de décembre")
    assert response.status_code == 302
    assert response.url == reverse("sessions:detail", args=[session.pk])
    assert list(session.invited_teams.all()) == [cast.team]
    assert [r.role for r in session.invited_roles.all()] == ["municipal_staff"]
    assert list(session.people_in_charge.all()) == [cast.coach]
    assert timezone.localtime(session.starts_at).hour == 14  # entered in Paris time
    assert AuditLogEntry.objects.filter(action="session.create", object_id=str(session.pk)).exists()


def test_create_session_page_is_in_french(cast, login):
    response = login(cast.coordinator).get(reverse("sessions:create", args=[cast.cohort.pk]))
    assert response.status_code == 200
    assert "Planifier une séance" in response.text
    assert "Les Curieux" in response.text


def test_create_session_by_other_coordinator_is_404(cast, login):
    client = login(cast.world.b.people["coordinator"])
    response = client.post(reverse("sessions:create", args=[cast.cohort.pk]), _form(cast))
    assert response.status_code == 404
    assert not Session.objects.exists()


def test_create_session_by_student_is_403(cast, login):
    response = login(cast.student).post(
        reverse("sessions:create", args=[cast.cohort.pk]), _form(cast)
    )
    assert response.status_code == 403
    assert not Session.objects.exists()


def test_create_session_ending_before_start_is_refused(cast, login):
    data = _form(cast)
    data["ends_at"] = data["starts_at"]
    response = login(cast.coordinator).post(reverse("sessions:create", args=[cast.cohort.pk]), data)
    assert response.status_code == 400
    assert "Une séance doit finir après avoir commencé" in response.text
    assert not Session.objects.exists()


def test_create_session_overlapping_for_a_team_warns_the_coordinator(cast, login):
    start = timezone.localtime() + datetime.timedelta(days=10)
    start = start.replace(hour=15, minute=0, second=0, microsecond=0)
    SessionFactory(
        cohort=cast.cohort,
        title="Visite du fablab",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        teams=[cast.team],
    )
    client = login(cast.coordinator)
    response = client.post(
        reverse("sessions:create", args=[cast.cohort.pk]), _form(cast), follow=True
    )
    assert "chevauche « Visite du fablab » pour l’équipe Les Curieux" in response.text
    calendar = client.get(reverse("sessions:cohort_calendar", args=[cast.cohort.pk]))
    assert "Séances qui se chevauchent pour une même équipe" in calendar.text


def test_edit_session_date_notifies_invited_people_after_commit(
    cast, login, mailoutbox, django_capture_on_commit_callbacks
):
    session = SessionFactory(cohort=cast.cohort, teams=[cast.team])
    data = _form(cast, invited_roles=[], title=session.title)
    with django_capture_on_commit_callbacks(execute=True):
        response = login(cast.coordinator).post(reverse("sessions:edit", args=[session.pk]), data)
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.place == "Salle du conseil"
    recipients = sorted(m.to[0] for m in mailoutbox)
    assert recipients == sorted([cast.student.email, cast.teammate.email])
    assert "Changement de la séance" in mailoutbox[0].subject
    assert "Nouvelle date" in mailoutbox[0].body
    assert "Salle du conseil" in mailoutbox[0].body


def test_edit_session_without_date_or_place_change_sends_nothing(
    cast, login, mailoutbox, django_capture_on_commit_callbacks
):
    session = SessionFactory(cohort=cast.cohort, teams=[cast.team])
    local = timezone.localtime
    data = _form(
        cast,
        invited_roles=[],
        title="Nouveau titre",
        starts_at=local(session.starts_at).strftime("%Y-%m-%dT%H:%M"),
        ends_at=local(session.ends_at).strftime("%Y-%m-%dT%H:%M"),
        place=session.place,
        address=session.address,
    )
    session.starts_at = session.starts_at.replace(second=0, microsecond=0)
    session.ends_at = session.ends_at.replace(second=0, microsecond=0)
    session.save()
    with django_capture_on_commit_callbacks(execute=True):
        login(cast.coordinator).post(reverse("sessions:edit", args=[session.pk]), data)
    session.refresh_from_db()
    assert session.title == "Nouveau titre"
    assert mailoutbox == []


def test_edit_session_by_person_in_charge_is_403(cast, login):
    session = SessionFactory(cohort=cast.cohort, teams=[cast.team], in_charge=[cast.coach])
    response = login(cast.coach).post(reverse("sessions:edit", args=[session.pk]), _form(cast))
    assert response.status_code == 403
    session.refresh_from_db()
    assert session.place == "Pôle Léonard de Vinci"


def test_session_detail_shows_paris_time_in_french(cast, login):
    paris = datetime.timezone(datetime.timedelta(hours=1))
    session = SessionFactory(
        cohort=cast.cohort,
        teams=[cast.team],
        starts_at=datetime.datetime(2027, 1, 15, 9, 30, tzinfo=paris),
        ends_at=datetime.datetime(2027, 1, 15, 17, 0, tzinfo=paris),
    )
    response = login(cast.student).get(reverse("sessions:detail", args=[session.pk]))
    assert response.status_code == 200
    assert "vendredi 15 janvier 2027, 09:30" in response.text
    assert "17:00" in response.text


def test_session_detail_of_other_team_is_404_for_student(cast, login):
    session = SessionFactory(cohort=cast.cohort, teams=[cast.other_team])
    response = login(cast.student).get(reverse("sessions:detail", args=[session.pk]))
    assert response.status_code == 404


def test_material_upload_and_download_by_invited_student(cast, login, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    session = SessionFactory(cohort=cast.cohort, teams=[cast.team])
    upload = SimpleUploadedFile("programme.pdf", b"%PDF-1.4 programme", "application/pdf")
    response = login(cast.coordinator).post(
        reverse("sessions:material_upload", args=[session.pk]),
        {"title": "Programme de la journée", "file": upload},
    )
    assert response.status_code == 302
    material = SessionMaterial.objects.get(session=session)
    url = reverse("sessions:material_download", args=[session.pk, material.pk])
    download = login(cast.student).get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 programme"
    # Served by the one responder: a download, never sniffed, sandboxed, kept by no cache.
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert download["Cache-Control"] == "private, no-store"
    assert login(cast.other_student).get(url).status_code == 404
    assert login(cast.world.b.people["coordinator"]).get(url).status_code == 404


def test_material_upload_of_executable_is_refused(cast, login):
    session = SessionFactory(cohort=cast.cohort, teams=[cast.team])
    upload = SimpleUploadedFile("virus.exe", b"MZ", "application/octet-stream")
    response = login(cast.coordinator).post(
        reverse("sessions:material_upload", args=[session.pk]),
        {"title": "Outil", "file": upload},
        follow=True,
    )
    assert "n&#x27;est pas un type de fichier accepté" in response.text
    assert not SessionMaterial.objects.exists()
