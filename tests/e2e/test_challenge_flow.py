"""A challenge's life as people click it: a municipal agent writes and submits it, a
coordinator asks for changes, the agent edits and resubmits, the coordinator accepts."""

from __future__ import annotations

import re

import pytest

from challenges.models import Challenge, ChallengeStatus, ChallengeTransition
from curiouslab.accounts.models import OrganisationKind, Role
from tests.challenges.factories import submitted
from tests.e2e.conftest import sign_in_home, verified
from tests.factories import CohortFactory, OrganisationFactory, ProgrammeFactory, member

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TITLE = "Un kiosque citoyen"
QUESTION = "Comment faire venir les habitants aux conseils de quartier ?"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def programme_side():
    departement = OrganisationFactory(kind=OrganisationKind.DEPARTEMENT, name="Hauts-de-Seine")
    town = OrganisationFactory(
        kind=OrganisationKind.MUNICIPALITY, name="Nanterre", territory=departement
    )
    programme = ProgrammeFactory(organisation=departement, name="Curious Lab 92")
    cohort = CohortFactory(programme=programme)  # its call for challenges is open
    agent = verified(
        member(
            Role.MUNICIPAL_STAFF,
            town,
            email="agente@example.org",
            first_name="Inès",
            last_name="Durand",
        )
    )
    coordinator = verified(
        member(
            Role.COORDINATOR,
            departement,
            email="coordination@example.org",
            first_name="Claire",
            last_name="Martin",
        )
    )
    # Another town's challenge waits in the same queue: the search must leave it out.
    other_town = OrganisationFactory(
        kind=OrganisationKind.MUNICIPALITY, name="Colombes", territory=departement
    )
    other = submitted(call=cohort, municipality=other_town, title="Une piscine ouverte")
    return {"town": town, "cohort": cohort, "agent": agent, "coord": coordinator, "other": other}


def similar(response) -> bool:
    return "/challenges/similar/" in response.url


def messages(page):
    return page.locator(".messages")


def test_challenge_submitted_changed_resubmitted_and_accepted(
    browser, live_server, page, programme_side
):
    agent, coord = programme_side["agent"], programme_side["coord"]

    # --- The agent writes a draft, then submits it ---------------------------------------
    sign_in_home(page, agent.email)
    nav = page.get_by_role("navigation", name="Navigation principale")
    nav.get_by_role("link", name="Mes défis").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes défis")
    page.get_by_role("link", name="Rédiger un nouveau défi").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouveau défi")

    # The "similar challenges" panel reloads when the title, question or theme change: wait
    # for each reload (the test database cannot serve it while the form is being saved).
    page.get_by_label("Titre court").fill(TITLE)
    with page.expect_response(similar):
        page.get_by_label("Question").fill(QUESTION)
    with page.expect_response(similar):
        page.keyboard.press("Tab")
    with page.expect_response(similar):
        page.get_by_label("Thème").select_option(label="Démocratie locale")
    page.get_by_role("button", name="Enregistrer le brouillon").click()

    expect(messages(page)).to_contain_text("Le défi a été enregistré.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Modifier le défi")
    expect(page.locator(".challenge-status")).to_have_text("Brouillon")
    challenge = Challenge.objects.get(title=TITLE)
    assert challenge.status == ChallengeStatus.DRAFT
    assert challenge.municipality == programme_side["town"]
    assert challenge.call == programme_side["cohort"]
    assert challenge.created_by == agent

    page.get_by_label("Territoire").fill("Le quartier du Parc")
    page.get_by_label("Enjeux").fill("Les conseils de quartier réunissent dix personnes.")
    page.get_by_label("Usagers concernés").fill("Les habitants, les élus de quartier.")
    page.get_by_label("Résultat attendu").fill("Un dispositif d'invitation prototypé.")
    page.get_by_label("Contact dans les services").fill("Inès Durand, démocratie locale")
    page.get_by_role("button", name="Enregistrer et soumettre").click()

    expect(messages(page)).to_contain_text("Le défi a été soumis à la coordination.")
    expect(page).to_have_url(re.compile(rf"/challenges/{challenge.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator("h1 + p .challenge-status")).to_have_text("Soumis")
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.SUBMITTED and challenge.submitted_at
    page.get_by_role("button", name="Se déconnecter").click()

    # --- The coordinator finds it in the queue and asks for changes -----------------------
    sign_in_home(page, coord.email)
    nav = page.get_by_role("navigation", name="Navigation principale")
    nav.get_by_role("link", name="Défis à examiner").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Défis à examiner")
    table = page.get_by_role("table", name="Défis à examiner")
    expect(table.get_by_role("link", name="Une piscine ouverte")).to_be_visible()
    page.get_by_label("Rechercher").fill("kiosque")
    page.get_by_role("button", name="Filtrer").click()
    expect(page).to_have_url(re.compile(r"q=kiosque"))
    expect(table.get_by_role("link", name="Une piscine ouverte")).to_have_count(0)
    expect(table.locator("tbody tr")).to_have_count(1)
    table.get_by_role("link", name=TITLE).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_text(QUESTION)).to_be_visible()
    decision = page.get_by_role("region", name="Décision")
    decision.get_by_label("Message à la commune").fill(
        "Précisez quels quartiers sont concernés, s'il vous plaît."
    )
    decision.get_by_role("button", name="Demander des modifications").click()
    expect(messages(page)).to_contain_text("Des modifications ont été demandées à la commune.")
    expect(page.locator("h1 + p .challenge-status")).to_have_text("Modifications demandées")
    page.get_by_role("button", name="Se déconnecter").click()

    # --- The agent, on a phone, reads the message, edits and resubmits --------------------
    phone = browser.new_context(base_url=live_server.url, viewport=PHONE, locale="fr-FR")
    phone.set_default_timeout(10_000)
    mobile = phone.new_page()
    mobile_errors: list[str] = []
    mobile.on("console", lambda m: mobile_errors.append(m.text) if m.type == "error" else None)
    mobile.on("pageerror", lambda exc: mobile_errors.append(str(exc)))
    try:
        sign_in_home(mobile, agent.email)
        mobile.goto("/challenges/")
        row = mobile.get_by_role("row").filter(has_text=TITLE)
        expect(row.locator(".challenge-status")).to_have_text("Modifications demandées")
        row.get_by_role("link", name=TITLE).click()
        alert = mobile.get_by_role("status").filter(has_text="Message de la coordination :")
        expect(alert).to_contain_text("Précisez quels quartiers sont concernés")
        mobile.get_by_role("link", name="Modifier", exact=True).click()
        expect(mobile.get_by_text("La coordination demande des modifications :")).to_be_visible()
        mobile.get_by_label("Territoire").fill("Les quartiers du Parc et des Provinces")
        mobile.get_by_role("button", name="Enregistrer les modifications").click()
        expect(messages(mobile)).to_contain_text("Le défi a été enregistré.")
        mobile.get_by_role("link", name=TITLE).click()  # the breadcrumb
        submit_again = mobile.get_by_role("button", name="Soumettre à nouveau")
        submit_again.scroll_into_view_if_needed()
        expect(submit_again).to_be_in_viewport()
        submit_again.click()
        expect(messages(mobile)).to_contain_text("Le défi a été soumis à nouveau.")
        expect(mobile.locator("h1 + p .challenge-status")).to_have_text("Soumis à nouveau")
        # Nothing spills past the phone's width.
        assert mobile.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert mobile_errors == []
    finally:
        phone.close()
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.RESUBMITTED
    assert challenge.territory == "Les quartiers du Parc et des Provinces"

    # --- The coordinator sees the change and accepts ---------------------------------------
    sign_in_home(page, coord.email)
    page.goto(f"/challenges/{challenge.pk}/")
    changes = page.get_by_role("region", name="Modifications depuis le dernier examen")
    expect(changes.locator("ins")).to_contain_text(["Provinces"])
    decision = page.get_by_role("region", name="Décision")
    decision.get_by_label("Message à la commune").fill("Merci, c'est parfait.")
    decision.get_by_role("button", name="Accepter").click()
    expect(messages(page)).to_contain_text("Le défi a été accepté.")
    page.get_by_role("button", name="Se déconnecter").click()

    # --- The agent sees it accepted --------------------------------------------------------
    sign_in_home(page, agent.email)
    page.goto("/challenges/")
    row = page.get_by_role("row").filter(has_text=TITLE)
    expect(row.locator(".challenge-status")).to_have_text("Accepté")
    row.get_by_role("link", name=TITLE).click()
    expect(page.locator("h1 + p .challenge-status")).to_have_text("Accepté")
    expect(page.get_by_text("Merci, c'est parfait.").first).to_be_visible()
    history = page.get_by_role("region", name="Historique")
    expect(history.locator("li .fw-semibold")).to_have_text(
        ["Soumis", "Modifications demandées", "Soumis à nouveau", "Accepté"]
    )
    assert page.console_errors == []

    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.ACCEPTED and challenge.decided_at
    assert challenge.review_message == "Merci, c'est parfait."
    steps = list(
        ChallengeTransition.objects.filter(challenge=challenge)
        .order_by("created_at", "id")
        .values_list("from_status", "to_status", "actor__email", "message")
    )
    assert steps == [
        (ChallengeStatus.DRAFT, ChallengeStatus.SUBMITTED, agent.email, ""),
        (
            ChallengeStatus.SUBMITTED,
            ChallengeStatus.CHANGES_REQUESTED,
            coord.email,
            "Précisez quels quartiers sont concernés, s'il vous plaît.",
        ),
        (ChallengeStatus.CHANGES_REQUESTED, ChallengeStatus.RESUBMITTED, agent.email, ""),
        (
            ChallengeStatus.RESUBMITTED,
            ChallengeStatus.ACCEPTED,
            coord.email,
            "Merci, c'est parfait.",
        ),
    ]
    programme_side["other"].refresh_from_db()
    assert programme_side["other"].status == ChallengeStatus.SUBMITTED
