"""Kickoff as the commune clicks it (issue #12.2): from her home page to the teams' scenarios,
two possibles of one team side by side, one selected, and back to her challenge."""

from __future__ import annotations

import datetime
import re

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone

from challenges.models import ChallengeStatus
from cohorts.models import KickoffScenario
from curiouslab.accounts.models import OrganisationKind, Role
from tests.cohorts import factories as f
from tests.e2e.conftest import sign_in_home
from tests.factories import PASSWORD, CohortFactory, OrganisationFactory, ProgrammeFactory, member

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TITLE = "Réinventer la place du marché"


@pytest.fixture
def kickoff_day():
    departement = OrganisationFactory(kind=OrganisationKind.DEPARTEMENT, name="Hauts-de-Seine")
    town = OrganisationFactory(
        kind=OrganisationKind.MUNICIPALITY, name="Nanterre", territory=departement
    )
    programme = ProgrammeFactory(organisation=departement, name="Curious Lab 92")
    today = timezone.localdate()
    cohort = CohortFactory(
        programme=programme,
        call_opens=today - datetime.timedelta(days=90),
        call_closes=today - datetime.timedelta(days=1),
        kickoff=today,
    )
    agent = member(Role.MUNICIPAL_STAFF, town, email="municipality@example.org", first_name="Inès")
    EmailAddress.objects.create(user=agent, email=agent.email, verified=True, primary=True)
    challenge = f.challenge(
        programme, town, status=ChallengeStatus.ACCEPTED, cohort=cohort, title=TITLE
    )
    team = f.team(cohort, "Les Défricheurs", challenge=challenge)
    halle = KickoffScenario.objects.create(
        team=team, challenge=challenge, title="La halle du soir", text="Une halle ouverte le soir."
    )
    barge = KickoffScenario.objects.create(
        team=team, challenge=challenge, title="Le marché flottant", text="Un marché sur la Seine."
    )
    rival = f.team(cohort, "Les Rivaux", challenge=challenge)
    f.scenario(rival, challenge, "Une place sans voitures.")
    return {"agent": agent, "challenge": challenge, "halle": halle, "barge": barge}


def test_commune_reaches_the_possibles_from_home_selects_one_and_goes_back(page, kickoff_day):
    page.goto("/accounts/login/")
    page.get_by_label("Courriel").fill("municipality@example.org")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Bonjour "))

    home = page.get_by_role("region", name="Lancement : les scénarios des équipes")
    expect(home).to_contain_text("3 scénarios remis")
    home.get_by_role("link", name=f"Scénarios pour « {TITLE} »").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Scénarios de lancement")

    team = page.get_by_role("region", name=re.compile("Les Défricheurs"))
    halle = team.get_by_role("article", name="La halle du soir")
    barge = team.get_by_role("article", name="Le marché flottant")
    expect(halle).to_contain_text("Une halle ouverte le soir.")
    expect(barge).to_contain_text("Un marché sur la Seine.")
    # Side by side: one row, the second to the right of the first.
    a, b = halle.bounding_box(), barge.bounding_box()
    assert abs(a["y"] - b["y"]) < 2 and b["x"] >= a["x"] + a["width"] - 1

    dialogs: list[str] = []

    def accept(dialog):
        dialogs.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    halle.get_by_role("button", name="Retenir ce scénario").click()
    expect(page.locator(".messages")).to_contain_text("Vous avez retenu le scénario")
    expect(halle).to_contain_text("Retenu")
    expect(barge.get_by_role("button", name="Retenir ce scénario")).to_be_visible()
    assert dialogs and "Retenir ce scénario ?" in dialogs[0]
    kickoff_day["halle"].refresh_from_db()
    kickoff_day["barge"].refresh_from_db()
    assert kickoff_day["halle"].selected and not kickoff_day["barge"].selected

    page.get_by_role("link", name=f"Retour au défi « {TITLE} »").click()
    expect(page).to_have_url(re.compile(rf"/challenges/{kickoff_day['challenge'].pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator(".kickoff-scenarios")).to_contain_text("3 scénarios de lancement")
    assert page.console_errors == []


# --- The coordinator's side: the review queue (#12.12) and the next cohort (#12.9) -----------


@pytest.fixture
def coordinator_side():
    from sessions.models import Session, SessionKind
    from tests.challenges.factories import submitted

    departement = OrganisationFactory(kind=OrganisationKind.DEPARTEMENT, name="Hauts-de-Seine")
    town = OrganisationFactory(
        kind=OrganisationKind.MUNICIPALITY, name="Nanterre", territory=departement
    )
    programme = ProgrammeFactory(organisation=departement, name="Curious Lab 92")
    cohort = CohortFactory(programme=programme, year=2026, name="Curious Lab 2026-2027")
    coordinator = member(
        Role.COORDINATOR, departement, email="coordinator@example.org", first_name="Claire"
    )
    EmailAddress.objects.create(
        user=coordinator, email=coordinator.email, verified=True, primary=True
    )
    submitted(call=cohort, municipality=town, title="Un kiosque citoyen")
    submitted(call=cohort, municipality=town, title="Une piscine ouverte", status="accepted")
    paris = timezone.get_default_timezone()
    Session.objects.create(
        cohort=cohort,
        kind=SessionKind.WORKING,
        title="Atelier prototypage",
        starts_at=datetime.datetime(2026, 10, 27, 14, 0, tzinfo=paris),
        ends_at=datetime.datetime(2026, 10, 27, 17, 0, tzinfo=paris),
    )
    return {"cohort": cohort, "coordinator": coordinator}


def test_review_queue_opens_on_what_needs_action_and_all_is_one_click_away(page, coordinator_side):
    sign_in_home(page, "coordinator@example.org")
    page.get_by_role("main").get_by_role("link", name="Défis à examiner").click()
    table = page.get_by_role("table", name="Défis à examiner")
    expect(table.get_by_role("link", name="Un kiosque citoyen")).to_be_visible()
    expect(table.get_by_role("link", name="Une piscine ouverte")).to_have_count(0)
    page.get_by_role("link", name="Tous les défis").click()
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(table.locator("tbody tr").first).to_contain_text("Un kiosque citoyen")
    expect(table.get_by_role("link", name="Une piscine ouverte")).to_be_visible()


def test_next_cohort_lists_the_copied_sessions_to_confirm(page, coordinator_side):
    from sessions.models import Session

    page.on("dialog", lambda dialog: dialog.accept())
    sign_in_home(page, "coordinator@example.org")
    page.get_by_role("main").get_by_role("link", name="Programmes").click()
    page.get_by_role("link", name="Curious Lab 2026-2027").click()
    page.get_by_role("button", name="Créer la promotion suivante à partir de celle-ci").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Curious Lab 2027-2028")
    drafts = page.get_by_role("region", name="Copié de la promotion précédente : à confirmer")
    row = drafts.get_by_role("row", name=re.compile("Atelier prototypage"))
    expect(row).to_contain_text("27/10/2027 14:00")
    row.get_by_role("button", name="Confirmer").click()
    expect(page.locator(".messages")).to_contain_text(
        "La séance « Atelier prototypage » a été ajoutée au calendrier."
    )
    expect(page.get_by_role("region", name=re.compile("à confirmer"))).to_have_count(0)
    new = Session.objects.get(cohort__year=2027)
    local = timezone.localtime(new.starts_at, timezone.get_default_timezone())
    assert (local.month, local.day, local.hour) == (10, 27, 14)
