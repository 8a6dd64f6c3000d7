"""Sessions in a browser: a coordinator plans a session in the cohort calendar, an invited
student finds it in "my sessions" at the right Paris time, and the roll call marks a student
present with one tap on a phone."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from curiouslab.accounts.models import OrganisationKind, Role
from sessions.models import Attendance, Session, SessionKind
from sessions.services import attendance_check_in, checkin_token
from tests.e2e.conftest import sign_in, verified
from tests.factories import (
    CohortFactory,
    OrganisationFactory,
    ProgrammeFactory,
    TeamFactory,
    member,
)
from tests.sessions.factories import TeamMemberFactory

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WEEKDAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]


@pytest.fixture
def cast():
    departement = OrganisationFactory(kind=OrganisationKind.DEPARTEMENT, name="Hauts-de-Seine")
    cohort = CohortFactory(programme=ProgrammeFactory(organisation=departement))
    coordinator = verified(
        member(Role.COORDINATOR, departement, email="coordinator@example.org", first_name="Claire")
    )
    school = OrganisationFactory(kind=OrganisationKind.SCHOOL, name="Lycée Paul Lapie")
    curieux = TeamFactory(cohort=cohort, name="Les Curieux")
    voisins = TeamFactory(cohort=cohort, name="Les Voisins")

    def student(team, email, first, last):
        user = member(
            Role.STUDENT, school, email=email, first_name=first, last_name=last, language="fr"
        )
        TeamMemberFactory(team=team, user=user, school=school)
        return verified(user)

    lea = student(curieux, "lea@example.org", "Léa", "Arnaud")
    tom = student(curieux, "tom@example.org", "Tom", "Bellec")
    other = student(voisins, "zoe@example.org", "Zoé", "Chevalier")
    return cohort, coordinator, curieux, voisins, lea, tom, other


def test_coordinator_plans_session_student_sees_it_roll_call_marks_present(page, phone, cast):
    cohort, coordinator, curieux, voisins, lea, tom, other = cast
    # A summer date (Paris is UTC+2), always in the future.
    day = datetime.date(timezone.localdate().year + 1, 6, 15)
    when = f"{WEEKDAYS[day.weekday()]} 15 juin {day.year}, 14:30 – 16:30"

    # --- The coordinator plans the session from the cohort calendar --------------------------
    sign_in(page, coordinator.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Claire")
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Mes séances"
    ).click()
    page.get_by_role("link", name=str(cohort)).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Calendrier de {cohort}")
    page.get_by_role("link", name="Planifier une séance").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Planifier une séance")
    page.get_by_label("Type").select_option(label="Séance de travail")
    page.get_by_label("Titre").fill("Atelier prototype")
    page.get_by_label("Début").fill(f"{day.isoformat()}T14:30")
    page.get_by_label("Fin").fill(f"{day.isoformat()}T16:30")
    page.get_by_label("Lieu").fill("Pôle Léonard de Vinci")
    page.get_by_label("Les Curieux").check()
    page.get_by_role("button", name="Enregistrer").click()

    expect(page.get_by_role("status")).to_contain_text("La séance a été planifiée.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Atelier prototype")
    expect(page.get_by_text(when)).to_be_visible()
    session = Session.objects.get()
    assert session.cohort == cohort
    assert session.kind == SessionKind.WORKING
    assert session.place == "Pôle Léonard de Vinci"
    assert session.starts_at == datetime.datetime(
        day.year, 6, 15, 12, 30, tzinfo=datetime.UTC
    )  # 14:30 in Paris
    assert session.ends_at == datetime.datetime(day.year, 6, 15, 14, 30, tzinfo=datetime.UTC)
    assert list(session.invited_teams.all()) == [curieux]

    # The month of the session shows it in the calendar.
    page.goto(f"/sessions/cohort/{cohort.pk}/?view=month&month={day.year}-06")
    expect(page.get_by_role("link", name="14:30 Atelier prototype")).to_be_visible()

    # --- A student of the invited team finds it among her sessions ---------------------------
    page.context.clear_cookies()
    sign_in(page, lea.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Léa")
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Mes séances"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes séances")
    row = page.get_by_role("row").filter(has_text="Atelier prototype")
    expect(row).to_have_count(1)
    cells = row.get_by_role("cell")
    expect(cells.nth(0)).to_have_text(when)
    expect(cells.nth(2)).to_have_text("Séance de travail")
    expect(cells.nth(3)).to_have_text("Pôle Léonard de Vinci")
    assert page.console_errors == []

    # A student of a team that is not invited does not see it.
    page.context.clear_cookies()
    sign_in(page, other.email)
    page.goto("/sessions/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes séances")
    expect(page.get_by_text("Atelier prototype")).to_have_count(0)

    # --- The day of the session: roll call on the coordinator's phone ------------------------
    now = timezone.now()
    Session.objects.filter(pk=session.pk).update(
        starts_at=now - datetime.timedelta(minutes=10), ends_at=now + datetime.timedelta(hours=2)
    )
    sign_in(phone, coordinator.email)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Bonjour Claire")
    # From her home page, through the folded menu and the cohort calendar.
    phone.get_by_role("button", name="Afficher ou masquer le menu").tap()
    phone.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Mes séances"
    ).tap()
    phone.get_by_role("link", name=str(cohort)).tap()
    phone.get_by_role("link", name=re.compile("Atelier prototype")).first.tap()
    phone.get_by_role("link", name="Faire l’appel").tap()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Présence")
    expect(phone.get_by_text("Présents : 0 sur 2 personnes invitées")).to_be_visible()
    lea_row = phone.locator(f"#attendance-{lea.pk}")
    tom_row = phone.locator(f"#attendance-{tom.pk}")
    expect(lea_row.get_by_role("rowheader")).to_have_text(str(lea))
    expect(phone.locator(f"#attendance-{other.pk}")).to_have_count(0)
    expect(lea_row.get_by_role("button")).to_have_text("Non pointé — toucher pour marquer présent")

    lea_row.get_by_role("button", name="Non pointé").tap()
    expect(lea_row.get_by_role("button")).to_have_text(re.compile(r"^Présent\b"))
    # The counter follows the tap, without a reload.
    expect(phone.get_by_text("Présents : 1 sur 2 personnes invitées")).to_be_visible()
    expect(lea_row.get_by_role("button")).to_have_attribute("aria-pressed", "true")
    expect(lea_row.get_by_role("cell").last).to_have_text("Appel")
    expect(tom_row.get_by_role("button")).to_have_attribute("aria-pressed", "false")

    attendance = Attendance.objects.get(session=session)
    assert attendance.user == lea
    assert attendance.present is True
    assert attendance.method == Attendance.Method.ROLL_CALL
    assert attendance.recorded_by == coordinator

    phone.reload()
    expect(phone.get_by_text("Présents : 1 sur 2 personnes invitées")).to_be_visible()
    lea_row = phone.locator(f"#attendance-{lea.pk}")
    expect(lea_row.get_by_role("button")).to_have_attribute("aria-pressed", "true")

    # A second tap marks her absent: the same row changes, no second one.
    lea_row.get_by_role("button", name="Présent").tap()
    expect(lea_row.get_by_role("button")).to_have_text("Absent — toucher pour marquer présent")
    expect(phone.get_by_text("Présents : 0 sur 2 personnes invitées")).to_be_visible()
    expect(lea_row.get_by_role("button")).to_have_attribute("aria-pressed", "false")
    attendance.refresh_from_db()
    assert attendance.present is False
    assert Attendance.objects.filter(session=session).count() == 1

    # Tom checks in with the QR code on his own phone: the sheet shows it without a reload.
    phone.evaluate("window.notReloaded = true")
    session.refresh_from_db()  # its times were moved to now above
    attendance_check_in(session=session, user=tom, token=checkin_token(session))
    expect(tom_row.get_by_role("button")).to_have_attribute(
        "aria-pressed", "true", timeout=12_000
    )  # the sheet asks every 5 s
    expect(tom_row.get_by_role("cell").last).to_have_text("Émargement par QR code")
    expect(phone.get_by_text("Présents : 1 sur 2 personnes invitées")).to_be_visible()
    assert phone.evaluate("window.notReloaded") is True
    assert phone.console_errors == []


def test_roll_call_before_the_session_starts_shows_the_refusal(phone, cast):
    """A refused HTMX action is never silent: the row shows the server's message."""
    cohort, coordinator, curieux, _voisins, lea, _tom, _other = cast
    start = timezone.now() + datetime.timedelta(days=3)
    session = Session.objects.create(
        cohort=cohort,
        kind=SessionKind.WORKING,
        title="Atelier de jeudi",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
    )
    session.invited_teams.add(curieux)
    sign_in(phone, coordinator.email)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Bonjour Claire")
    phone.goto(f"/sessions/{session.pk}/attendance/")
    lea_row = phone.locator(f"#attendance-{lea.pk}")
    lea_row.get_by_role("button", name="Non pointé").tap()
    expect(lea_row.get_by_role("alert")).to_contain_text("une fois la séance commencée")
    expect(lea_row.get_by_role("button")).to_have_attribute("aria-pressed", "false")
    assert not Attendance.objects.filter(session=session).exists()
