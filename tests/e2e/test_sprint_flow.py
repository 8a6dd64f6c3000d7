"""The sprint on a phone: a participant registers on the public page (three preferred
challenges), lands on their pass, is placed in a team, then at the exhibition opens a stand's
address (what its QR code holds) and leaves their feedback once; the team's page counts it."""

from __future__ import annotations

import pytest

from sprints.models import Feedback, Registration
from tests.sprints.factories import make_sprint, register

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_registration_and_exhibition_feedback_on_a_phone(phone):
    sprint = make_sprint()
    rennes = sprint.challenges["Rennes"]
    phone.goto(f"/sprints/{sprint.edition.pk}/inscription/")
    expect(phone.get_by_role("heading", level=1)).to_contain_text("S'inscrire")
    phone.get_by_label("Prénom").fill("Maëlle")
    phone.locator("#id_last_name").fill("Le Goff")
    phone.get_by_label("Adresse électronique professionnelle").fill(
        "maelle.legoff@rennes.example.org"
    )
    phone.get_by_label("Collectivité employeuse").fill("Ville de Rennes")
    phone.get_by_label("Famille de métiers").select_option("digital")
    phone.locator("#id_site").select_option(str(sprint.sites["Rennes"].pk))
    for label, stand in zip(
        ("Premier choix", "Deuxième choix", "Troisième choix"), rennes, strict=True
    ):
        phone.get_by_label(label).select_option(str(stand.pk))
    phone.get_by_role("button", name="M'inscrire").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Bonjour Maëlle Le Goff")
    expect(phone.get_by_role("status")).to_contain_text("Confirmée")
    me = Registration.objects.get(email="maelle.legoff@rennes.example.org")
    assert me.choices == [s.pk for s in rennes]

    # Placed in the second team; the first team's stand is at the exhibition.
    me.team = rennes[1].team
    me.save(update_fields=["team"])
    stand = rennes[0]
    phone.goto(f"/sprints/stand/{stand.stand_token}/")
    phone.get_by_role("group", name="Est-ce utile ?").get_by_label("Tout à fait").check()
    phone.get_by_role("group", name="Est-ce utilisable ?").get_by_label("Plutôt").check()
    phone.get_by_label("Que changeriez-vous ?").fill("Un parcours plus court")
    phone.get_by_role("button", name="Envoyer mon retour").click()
    expect(phone.get_by_role("alert").or_(phone.get_by_role("status")).first).to_contain_text(
        "Merci"
    )
    (feedback,) = Feedback.objects.filter(stand=stand)
    assert (feedback.registration_id, feedback.useful, feedback.usable) == (me.pk, 4, 3)
    # Once only: the stand says so instead of a second form.
    phone.goto(f"/sprints/stand/{stand.stand_token}/")
    expect(phone.get_by_text("Vous avez déjà laissé un retour à ce stand")).to_be_visible()
    expect(phone.get_by_role("button", name="Envoyer mon retour")).to_have_count(0)

    # The stand's team sees the count on its page (a participant of that team, by their pass).
    teammate = register(sprint, "Rennes", 7)
    teammate.team = stand.team
    teammate.save(update_fields=["team"])
    from sprints.services import pass_token

    phone.goto(f"/sprints/pass/{pass_token(teammate)}/")
    phone.get_by_role("link", name="Mon équipe").click()
    expect(phone.get_by_text("1 retour reçu")).to_be_visible()
