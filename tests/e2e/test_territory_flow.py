"""A coordinator invites the agent of a commune of her territory, picked from the referential by
typing its name without accents, with the keyboard alone on a desktop and by touch on a phone."""

from __future__ import annotations

import pytest

from curiouslab.accounts.models import Invitation, Organisation, OrganisationKind, Role
from tests.e2e.conftest import sign_in_home, verified
from tests.factories import OrganisationFactory, member
from tests.territories.factories import commune, departement

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def coordinator():
    essonne = OrganisationFactory(
        kind=OrganisationKind.DEPARTEMENT,
        name="Département de l'Essonne",
        departement=departement("91", "Essonne"),
    )
    commune("91228", "Évry-Courcouronnes", "91", population=66919, postcodes="91000 91080")
    commune("91174", "Corbeil-Essonnes", "91", population=52000, postcodes="91100")
    commune("92002", "Antony", "92", population=62000, postcodes="92160")
    return verified(
        member(Role.COORDINATOR, essonne, email="claire@essonne.fr", first_name="Claire")
    )


def _open_invitations(page, *, phone=False):
    if phone:
        page.get_by_role("button", name="Afficher ou masquer le menu").click()
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Invitations"
    ).click()
    expect(
        page.get_by_role("heading", name="Inviter une commune de votre territoire")
    ).to_be_visible()


def test_a_commune_is_found_without_its_accents_and_invited_with_the_keyboard(
    page, page_audit, coordinator
):
    sign_in_home(page, coordinator.email)
    _open_invitations(page)
    field = page.get_by_role("searchbox", name="Commune")
    field.focus()
    page.keyboard.type("evry")
    expect(page.get_by_role("status").filter(has_text="1 commune correspond.")).to_be_visible()
    choice = page.get_by_role("radio", name="Évry-Courcouronnes")
    expect(choice).to_be_checked()
    page_audit.capture(page)  # the suggestions, as HTMX showed them
    page.keyboard.press("Tab")
    expect(choice).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.type("agent@evry.fr")
    page.keyboard.press("Enter")
    expect(page.locator(".alert-success")).to_contain_text("Invitation envoyée à agent@evry.fr")
    evry = Organisation.objects.get(commune_id="91228")
    assert (
        evry.name == "Commune d'Évry-Courcouronnes"
        and evry.territory == coordinator.memberships.get().organisation
    )
    assert Invitation.objects.get(email="agent@evry.fr").organisation == evry


def test_a_commune_of_another_departement_is_not_offered_on_a_phone(phone, coordinator):
    sign_in_home(phone, coordinator.email)
    _open_invitations(phone, phone=True)
    phone.get_by_role("searchbox", name="Commune").fill("antony")
    expect(
        phone.get_by_role("status").filter(has_text="Aucune commune ne correspond à « antony ».")
    ).to_be_visible()
    phone.get_by_role("searchbox", name="Commune").fill("91100")
    phone.get_by_role("radio", name="Corbeil-Essonnes").check()
    phone.locator("#id_commune_invite-email").fill("agent@corbeil.fr")
    phone.get_by_role("button", name="Inviter l’agent de cette commune").click()
    expect(phone.locator(".alert-success")).to_contain_text("Invitation envoyée à agent@corbeil.fr")
    assert Organisation.objects.filter(commune_id="91174").exists()
    assert not Organisation.objects.filter(commune_id="92002").exists()


def test_the_accessibility_statement_is_one_click_from_the_footer(phone):
    phone.goto("/")
    phone.get_by_role("contentinfo").get_by_role(
        "link", name="Accessibilité : partiellement conforme"
    ).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Déclaration d’accessibilité")
    expect(phone.get_by_role("link", name="accessibilite@curiouslab.example.org")).to_be_visible()
