"""School enrolment, student invitations one by one and by CSV import."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cohorts.models import SchoolEnrolment
from curiouslab.accounts.models import AuditLogEntry, Invitation, Role
from tests.cohorts import factories as f
from tests.factories import CohortFactory, member

pytestmark = pytest.mark.django_db


def test_referent_requests_and_coordinator_approves(
    setup, login, mailoutbox, django_capture_on_commit_callbacks
):
    cohort = CohortFactory(programme=setup.programme)
    client = login(setup.referent)
    assert "Inscrire mon école" in client.get("/cohorts/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/cohorts/{cohort.pk}/enrol/", {"disciplines": "ingénierie, design, ingénierie"}
        )
    enrolment = SchoolEnrolment.objects.get(cohort=cohort, school=setup.school)
    assert response.status_code == 302
    assert enrolment.status == "requested"
    assert enrolment.disciplines == ["ingénierie", "design"]
    assert [m.to for m in mailoutbox] == [[setup.coordinator.email]]
    assert "demande à participer" in mailoutbox[0].subject
    # Another school's referent cannot see the enrolment; another coordinator cannot decide.
    assert login(setup.referent2).get(f"/cohorts/enrolments/{enrolment.pk}/").status_code == 404
    other = setup.world.b.people["coordinator"]
    assert (
        login(other)
        .post(f"/cohorts/enrolments/{enrolment.pk}/decide/", {"status": "approved"})
        .status_code
        == 404
    )
    with django_capture_on_commit_callbacks(execute=True):
        login(setup.coordinator).post(
            f"/cohorts/enrolments/{enrolment.pk}/decide/", {"status": "approved"}
        )
    enrolment.refresh_from_db()
    assert enrolment.status == "approved"
    assert mailoutbox[-1].to == [setup.referent.email]
    assert AuditLogEntry.objects.filter(action="enrolment.approved").exists()


def test_referent_of_other_territory_cannot_enrol(setup, login):
    cohort = CohortFactory(programme=setup.programme)
    response = login(setup.world.b.people["school_referent"]).get(f"/cohorts/{cohort.pk}/enrol/")
    assert response.status_code == 404


def test_invite_one_student_with_declared_discipline(setup, login, mailoutbox):
    client = login(setup.referent)
    url = f"/cohorts/enrolments/{setup.enrolment.pk}/invite/"
    data = {
        "first_name": "Inès",
        "last_name": "Haddad",
        "email": "ines.haddad@example.org",
        "discipline": "design",
        "level": "Master 1",
    }
    response = client.post(url, data, follow=True)
    invitation = Invitation.objects.get(email="ines.haddad@example.org")
    assert invitation.role == Role.STUDENT
    assert invitation.organisation == setup.school
    assert invitation.discipline == "design"
    assert "Invitation envoyée" in response.content.decode()
    data["email"] = "autre@example.org"
    data["discipline"] = "astrologie"
    client.post(url, data)
    assert not Invitation.objects.filter(email="autre@example.org").exists()


CSV_BAD = (
    "name,email,discipline,level\n"
    "Inès Haddad,ines@example.org,design,M1\n"
    "Paul Girard,pas-une-adresse,ingénierie,M1\n"
    "Inès Bis,INES@example.org,design,M1\n"
    "Zoé Lambert,zoe@example.org,astrologie,L3\n"
    "Déjà Invité,deja@example.org,commerce,M2\n"
    "Déjà Membre,{member},commerce,M2\n"
)


def test_import_preview_lists_every_problem_and_imports_nothing(setup, login):
    Invitation.objects.create(
        email="deja@example.org",
        organisation=setup.school,
        role=Role.STUDENT,
        expires_at="2999-01-01T00:00:00Z",
    )
    existing = f.student(setup.school, "commerce")
    content = CSV_BAD.format(member=existing.email).encode()
    client = login(setup.referent)
    before = Invitation.objects.count()
    response = client.post(
        f"/cohorts/enrolments/{setup.enrolment.pk}/import/",
        {"file": SimpleUploadedFile("eleves.csv", content, "text/csv")},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "5 lignes posent problème" in body
    assert "n&#x27;est pas une adresse e-mail valide" in body
    assert "figure déjà à la ligne 2" in body
    assert "Discipline « astrologie » inconnue" in body
    assert "a déjà été invité" in body
    assert "déjà membre de l&#x27;école" in body
    assert 'name="confirm"' not in body
    assert Invitation.objects.count() == before


def test_import_clean_file_previews_then_invites(setup, login, mailoutbox):
    content = (
        "name;email;discipline;level\n"
        "Inès Haddad;ines@example.org;Design;M1\n"
        "Paul Girard;paul@example.org;ingénierie;M1\n"
    ).encode()
    client = login(setup.coordinator)
    url = f"/cohorts/enrolments/{setup.enrolment.pk}/import/"
    response = client.post(url, {"file": SimpleUploadedFile("e.csv", content, "text/csv")})
    body = response.content.decode()
    assert response.status_code == 200
    assert "2 étudiants sont prêts à être invités" in body
    assert not Invitation.objects.filter(email="ines@example.org").exists()
    token = response.context["token"]
    response = client.post(url, {"confirm": "1", "rows": token})
    assert response.status_code == 302
    ines = Invitation.objects.get(email="ines@example.org")
    assert (ines.first_name, ines.last_name, ines.discipline) == ("Inès", "Haddad", "design")
    assert Invitation.objects.filter(organisation=setup.school, role=Role.STUDENT).count() == 2
    # Replaying the same confirmation imports nothing more.
    response = client.post(url, {"confirm": "1", "rows": token})
    assert response.status_code == 400
    assert Invitation.objects.filter(organisation=setup.school, role=Role.STUDENT).count() == 2


def test_import_tampered_rows_are_refused(setup, login):
    response = login(setup.referent).post(
        f"/cohorts/enrolments/{setup.enrolment.pk}/import/",
        {"confirm": "1", "rows": "not-signed"},
        follow=True,
    )
    assert "L'import a expiré" in response.content.decode() or "L&#x27;import a expiré" in (
        response.content.decode()
    )
    assert not Invitation.objects.exists()


def test_enrolment_detail_constant_queries(setup, login, django_assert_num_queries):
    client = login(setup.referent)
    url = f"/cohorts/enrolments/{setup.enrolment.pk}/"
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for i in range(15):
        f.student(setup.school, "design")
        member(Role.STUDENT, setup.school, email=f"extra{i}@example.org")
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200
