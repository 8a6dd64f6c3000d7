"""A body asks to start from the public home page on a phone; the platform administrator
approves it from her home on a desktop; the invited coordinator joins. Then a person finds
their personal data from their profile, asks for their export, and an erasure refused for a
wrong password keeps the focus on its error summary. Every page is audited by axe-core."""

from __future__ import annotations

import pytest

from curiouslab.accounts.models import Invitation, OrganisationKind, Role
from onboarding.models import TerritoryRequest
from privacy.models import DataExport
from tests.e2e.conftest import sign_in_home, verified
from tests.factories import OrganisationFactory, member
from tests.territories.factories import departement

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def platform_admin():
    departement("91", "Essonne")
    platform = OrganisationFactory(kind=OrganisationKind.PLATFORM, name="Plateforme")
    return verified(
        member(Role.PLATFORM_ADMIN, platform, email="karim@plateforme.fr", first_name="Karim")
    )


def test_a_territory_asks_on_a_phone_and_is_approved_on_a_desktop(phone, page, platform_admin):
    phone.goto("/")
    phone.get_by_role("link", name="Lancer un programme sur votre territoire").click()
    phone.get_by_role("button", name="Envoyer la demande").click()  # nothing filled in
    summary = phone.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Le formulaire comporte")
    phone.get_by_label("Type d’organisme").select_option(label="Département")
    phone.get_by_label("Nom de l’organisme").fill("Département de l'Essonne")
    phone.locator("#id_departement").select_option(label="Essonne (91)")
    phone.get_by_label("Prénom").fill("Sophie")
    phone.locator("#id_last_name").fill("Garnier")
    phone.get_by_label("Adresse électronique professionnelle").fill("sophie@essonne.fr")
    phone.get_by_label("Fonction").fill("Cheffe de service")
    phone.get_by_label("Votre projet").fill("Une année de défis.")
    phone.get_by_role("button", name="Envoyer la demande").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Demande envoyée")
    assert TerritoryRequest.objects.get().departement_id == "91"

    sign_in_home(page, platform_admin.email)
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Plateforme"
    ).click()
    expect(page.get_by_role("heading", name="1 demande en attente")).to_be_visible()
    page.get_by_role("link", name="Département de l'Essonne").click()
    page.get_by_role("button", name="Approuver et inviter").click()
    expect(page.locator(".alert-success")).to_contain_text("a son espace")
    invitation = Invitation.objects.get(email="sophie@essonne.fr")
    assert invitation.role == Role.COORDINATOR and invitation.organisation.departement_id == "91"
    expect(page.get_by_text("invité, l’invitation est valable jusqu’au")).to_be_visible()


def test_a_person_finds_their_data_from_their_profile(page, platform_admin):
    student = verified(
        member(
            Role.STUDENT,
            OrganisationFactory(kind=OrganisationKind.SCHOOL),
            email="lea@ecole.fr",
            first_name="Léa",
        )
    )
    sign_in_home(page, student.email)
    page.get_by_role("link", name="Léa").first.click()
    page.get_by_role("link", name="Télécharger une copie de mes données ou les effacer").click()
    page.get_by_role("button", name="Préparer mon export").click()
    expect(page.locator(".alert-success")).to_contain_text("Votre export est en préparation")
    assert DataExport.objects.filter(user=student).exists()
    page.get_by_role("link", name="Effacer mes données…").click()
    page.get_by_label("Votre mot de passe").fill("pas-le-bon")
    page.get_by_label("Je comprends").check()
    page.get_by_role("button", name="Effacer mes données et fermer mon compte").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Ce n’est pas votre mot de passe.")
    student.refresh_from_db()
    assert student.anonymised_at is None
