"""Personal data (RGPD): the privacy notice of each programme, the register of processing
activities, a person's export and erasure, the retention of closed cohorts and the purge of
the audit log."""

from __future__ import annotations

import csv
import datetime
import io
import json
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from cohorts.models import Cohort, TeamMember
from curiouslab.accounts.models import AuditLogEntry, User
from documents import services as document_services
from documents.models import Document, DocumentKind
from documents.tasks import render_documents
from privacy import services
from privacy.models import DataExport
from tests.factories import CohortFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


def _diploma(world):
    """Side A's student's diploma, rendered (the documents' world is built by ``docworld``)."""
    doc = document_services.documents_issue(
        cohort=world.a.cohort, kind=DocumentKind.DIPLOMA, actor=world.a.people["coordinator"]
    )
    render_documents(document_ids=[d.pk for d in doc])
    return Document.objects.get(recipient=world.a.people["student"], kind=DocumentKind.DIPLOMA)


# --- The notice and the register -------------------------------------------------------------
def test_notice_is_public_and_says_the_programmes_rules(world, client):
    programme = world.a.programme
    programme.retention_years, programme.dpo_email = 4, "dpo@hauts-de-seine.fr"
    programme.save()
    response = client.get(reverse("privacy:programme_notice", args=[programme.slug]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Département A" in page  # the controller
    assert "article\u00a06" not in page and "article 6, paragraphe 1, point e, du RGPD" in page
    assert "conservées 4\u00a0ans après la fin de leur promotion" in page
    assert 'href="mailto:dpo@hauts-de-seine.fr"' in page
    assert "CNIL" in page


def test_notice_without_dpo_names_the_publishers_contact_and_one_year_is_singular(
    world, client, settings
):
    settings.PRIVACY_CONTACT_EMAIL = "rgpd@plateforme.example.org"
    programme = world.a.programme
    programme.retention_years = 1
    programme.save()
    page = client.get(reverse("privacy:programme_notice", args=[programme.slug])).content.decode()
    assert "mailto:rgpd@plateforme.example.org" in page
    assert "conservées 1\u00a0an après" in page


def test_notice_of_an_unknown_programme_is_404(db, client):
    assert client.get(reverse("privacy:programme_notice", args=["nowhere"])).status_code == 404


def test_register_lists_only_the_coordinators_programmes(world, login):
    response = login(world.a.people["coordinator"]).get(reverse("privacy:register"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["Traitement", "Responsable du traitement"]
    assert [r[1] for r in rows[1:]] == ["Département A"]
    assert "Programme B" not in response.content.decode()
    assert "Exécution d’une mission d’intérêt public" in rows[1][4]


def test_register_is_refused_to_a_student(world, login):
    assert login(world.a.people["student"]).get(reverse("privacy:register")).status_code == 403


def test_coordinator_reaches_the_notice_and_the_register_from_the_cohorts_page(world, login):
    page = login(world.a.people["coordinator"]).get(reverse("cohorts:cohort_list")).content.decode()
    assert reverse("privacy:programme_notice", args=[world.a.programme.slug]) in page
    assert reverse("privacy:register") in page


# --- Export ----------------------------------------------------------------------------------
def test_export_is_built_by_a_worker_and_holds_the_persons_data_and_documents(
    docworld, login, django_capture_on_commit_callbacks
):
    world = docworld
    student = world.a.people["student"]
    diploma = _diploma(world)
    client = login(student)
    assert reverse("privacy:my_data") in client.get(reverse("accounts:profile")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("privacy:export_request"))
    assert response.status_code == 302
    export = DataExport.objects.get(user=student)
    assert export.status == "ready"
    page = client.get(reverse("privacy:my_data")).content.decode()
    link = reverse("privacy:export_download", args=[export.pk])
    assert link in page and "Télécharger le ZIP" in page
    response = client.get(link)
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    data = json.loads(archive.read("data.json"))
    assert data["profile"]["email"] == student.email
    assert data["teams"][0]["team__name"] == "Les Fabricants"
    assert [d["verification_code"] for d in data["documents"]] == [diploma.verification_code]
    pdf = archive.read(f"documents/{diploma.verification_code}.pdf")
    assert pdf.startswith(b"%PDF")
    assert AuditLogEntry.objects.filter(action="person.export", object_id=str(student.pk)).exists()


def test_someone_elses_export_is_404(world, login):
    export = services.export_request(user=world.a.people["student"])
    services.export_build(export_id=export.pk)
    response = login(world.a.people["coordinator"]).get(
        reverse("privacy:export_download", args=[export.pk])
    )
    assert response.status_code == 404


def test_asking_twice_while_preparing_makes_one_export(world):
    student = world.a.people["student"]
    first = services.export_request(user=student)
    assert services.export_request(user=student).pk == first.pk
    assert DataExport.objects.filter(user=student).count() == 1


def test_expired_exports_and_their_files_are_removed(world):
    export = services.export_request(user=world.a.people["student"])
    export = services.export_build(export_id=export.pk)
    assert default_storage.exists(export.file)
    later = timezone.now() + datetime.timedelta(days=8)
    assert services.exports_purge_expired(now=later) == 1
    assert not default_storage.exists(export.file)
    assert not DataExport.objects.exists()


# --- Erasure ---------------------------------------------------------------------------------
def test_wrong_password_erases_nothing_and_the_summary_says_why(world, login):
    student = world.a.people["student"]
    student.set_password("le-bon-mot-de-passe")
    student.save()
    response = login(student).post(
        reverse("privacy:erase"), {"password": "pas-le-bon", "confirm": "on"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "data-error-summary" in page and "Ce n’est pas votre mot de passe." in page
    student.refresh_from_db()
    assert student.anonymised_at is None and student.first_name


def test_erasure_anonymises_keeps_the_records_and_the_document_stays_verifiable(
    docworld, login, client, django_capture_on_commit_callbacks
):
    world = docworld
    student = world.a.people["student"]
    student.set_password("le-bon-mot-de-passe")
    student.save()
    diploma = _diploma(world)
    name, email, pdf = student.get_full_name(), student.email, diploma.file
    assert default_storage.exists(pdf)
    team_size = TeamMember.objects.filter(team__name="Les Fabricants").count()

    with django_capture_on_commit_callbacks(execute=True):
        response = login(student).post(
            reverse("privacy:erase"), {"password": "le-bon-mot-de-passe", "confirm": "on"}
        )
    assert response.status_code == 302
    student.refresh_from_db()
    assert student.anonymised_at is not None and not student.is_active
    assert student.first_name == student.last_name == "" and student.email != email
    assert not student.has_usable_password()
    assert TeamMember.objects.filter(team__name="Les Fabricants").count() == team_size
    assert not default_storage.exists(pdf)
    entry = AuditLogEntry.objects.get(action="person.erase", object_id=str(student.pk))
    assert entry.object_repr == "Personne anonymisée"
    # Signed out, and the session cannot come back.
    assert client.get(reverse("accounts:profile")).status_code == 302
    assert not User.objects.filter(email=email).exists()
    # The verification page still answers, without the name.
    page = client.get(
        reverse("documents:verify", args=[diploma.verification_code])
    ).content.decode()
    assert diploma.sha256 in page and "Titulaire anonymisé" in page and name not in page


# --- Retention -------------------------------------------------------------------------------
def _ended_cohort(side, years_ago: int) -> Cohort:
    closing = timezone.localdate() - datetime.timedelta(days=365 * years_ago + 2)
    cohort = side.cohort
    Cohort.objects.filter(pk=cohort.pk).update(closing=closing)
    cohort.refresh_from_db()
    return cohort


def test_retention_anonymises_the_participants_of_an_ended_cohort_once(docworld, caplog):
    world = docworld
    _ended_cohort(world.a, years_ago=4)  # retention 3 years: over
    student, coordinator = world.a.people["student"], world.a.people["coordinator"]
    other_student = world.b.people["student"]  # side B's cohort is current
    done = services.retention_apply()
    assert done["cohorts"] == 1 and done["people"] >= 1
    student.refresh_from_db()
    coordinator.refresh_from_db()
    other_student.refresh_from_db()
    assert student.anonymised_at is not None
    assert coordinator.anonymised_at is None and other_student.anonymised_at is None
    assert AuditLogEntry.objects.filter(action="cohort.retention").count() == 1
    assert "people anonymised" in caplog.text
    assert services.retention_apply() == {"cohorts": 0, "people": 0}


def test_retention_keeps_who_takes_part_in_a_cohort_still_kept(docworld):
    world = docworld
    _ended_cohort(world.a, years_ago=4)
    student = world.a.people["student"]
    later = CohortFactory(programme=world.a.programme, year=2030, name="Promotion suivante")
    team = later.teams.create(name="Encore", challenge=world.a.cohort.teams.first().challenge)
    TeamMember.objects.create(
        team=team, cohort=later, user=student, school=world.a.school, discipline="design"
    )
    services.retention_apply()
    student.refresh_from_db()
    assert student.anonymised_at is None


def test_a_cohort_within_its_retention_is_left_alone(docworld):
    _ended_cohort(docworld.a, years_ago=2)
    assert services.retention_apply()["cohorts"] == 0
    assert User.objects.filter(anonymised_at__isnull=False).count() == 0


# --- Audit log purge -------------------------------------------------------------------------
def test_audit_entries_older_than_the_retention_are_purged(world, settings):
    settings.AUDIT_LOG_RETENTION_DAYS = 365
    student = world.a.people["student"]
    services.export_request(user=student)  # writes one entry now
    old = AuditLogEntry.objects.get(action="person.export")
    old.pk = None
    old.created_at = timezone.now() - datetime.timedelta(days=400)
    old.save()
    assert services.audit_log_purge() == 1
    assert AuditLogEntry.objects.filter(action="person.export").count() == 1


def test_a_retention_beyond_ten_years_is_refused_and_changes_nothing(world, login):
    from tests.cohorts.test_programme_create import DATA

    programme = world.a.programme
    response = login(world.a.people["coordinator"]).post(
        reverse("cohorts:programme_edit", args=[programme.pk]),
        {**DATA, "name": programme.name, "retention_years": 11, "dpo_email": "pas-une-adresse"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "inférieure ou égale à 10" in page and "adresse de courriel valide" in page
    programme.refresh_from_db()
    assert programme.retention_years == 3 and programme.dpo_email == ""


def test_the_storage_sweep_keeps_a_waiting_export(world):
    from curiouslab.storedfiles import orphans

    export = services.export_build(
        export_id=services.export_request(user=world.a.people["student"]).pk
    )
    later = timezone.now() + datetime.timedelta(days=3)
    assert export.file not in set(orphans(now=later))
    services.exports_purge_expired(now=later + datetime.timedelta(days=5))
    assert not default_storage.exists(export.file)


def test_a_jury_seat_without_an_account_in_a_kept_cohort_keeps_nobody_else(docworld):
    """A seat of side B's (kept) jury has no account yet: the ended cohort's student is
    anonymised all the same."""
    from tests.trophies.factories import ready_jury
    from trophies.models import JuryMember

    world = docworld
    jury = ready_jury(world.b.cohort, jurors=0, finalists=0)[0]
    JuryMember.objects.create(jury=jury, email="sans.compte@example.org", name="Sans compte")
    _ended_cohort(world.a, years_ago=4)
    services.retention_apply()
    student = world.a.people["student"]
    student.refresh_from_db()
    assert student.anonymised_at is not None
