"""The accessibility statement (RGAA model), linked from the footer of every page."""

import pytest
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


@override_settings(
    ACCESSIBILITY_CONTACT_EMAIL="a11y@departement.fr", PUBLISHER_NAME="Le Département"
)
def test_the_statement_has_the_rgaa_sections_and_a_contact(client):
    html = client.get(reverse("accessibility")).content.decode()
    for section in [
        "Déclaration d’accessibilité",
        "Le Département s’engage à rendre ses services numériques accessibles",
        "État de conformité",
        "partiellement conforme avec le référentiel général d’amélioration de l’accessibilité (RGAA)",
        "Contenus non accessibles",
        "Dérogations pour charge disproportionnée",
        "Cette déclaration a été établie le 3 décembre 2026.",
        'href="mailto:a11y@departement.fr"',
        "Voies de recours",
        "Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07",
    ]:
        assert section in html, section


@pytest.mark.parametrize("signed_in", [False, True])
def test_every_page_links_to_the_statement_from_its_footer(client, world, login, signed_in):
    if signed_in:
        client = login(world.a.people["coordinator"])
    for url in [
        reverse("home"),
        reverse("account_login") if not signed_in else reverse("accounts:profile"),
    ]:
        html = client.get(url).content.decode()
        footer = html[html.index("<footer") :]
        assert (
            f'<a href="{reverse("accessibility")}">Accessibilité : partiellement conforme</a>'
            in footer
        )
