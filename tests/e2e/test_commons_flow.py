"""The commons end to end (issue 16): the coordinator proposes a team's project from
Publications, the municipality approves the text about its commune, a member consents on a
phone, the coordinator publishes; then a visitor on a phone finds it from the public home
page by searching the archive and reads it. Every page is audited by axe-core; the project
page's JSON-LD raises no CSP error."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from commons.models import Publication
from tests.cohorts import factories as f
from tests.e2e.conftest import sign_in_home, verified
from tests.world import build_world

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def closed_team(media):
    world = build_world()
    a = world.a
    cohort = a.cohort
    cohort.closing = timezone.localdate() - datetime.timedelta(days=2)
    cohort.save(update_fields=["closing"])
    challenge = f.challenge(
        a.programme, a.municipality, cohort=cohort, title="Un marché couvert le soir"
    )
    team = f.team(cohort, name="Les Défricheurs", challenge=challenge)
    student = a.people["student"]
    student.first_name, student.last_name = "Alice", "Martin"
    student.save()
    f.add_member(team, student, a.school)
    for user in a.people.values():
        verified(user)
    return {"world": world, "team": team, "student": student}


def _sign_out(page):
    page.goto("/")
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():  # a phone: the account menu is in the collapsed navigation
        toggler.click()
    page.locator("button:visible", has_text="Se déconnecter").click()
    expect(page.get_by_role("banner").get_by_role("link", name="Se connecter")).to_be_visible()


def _open_publications(page):
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Publications"
    ).click()


def test_publish_end_to_end_and_read_it_on_a_phone(page, phone, closed_team):
    people = closed_team["world"].a.people
    # The coordinator proposes it.
    sign_in_home(page, people["coordinator"].email)
    _open_publications(page)
    page.get_by_role("link", name="Proposer le projet de Les Défricheurs").click()
    page.get_by_label("Texte sur la commune").fill("Une commune de 20 000 habitants.")
    page.get_by_role("button", name="Proposer à la publication").click()
    expect(page.locator(".alert-success")).to_contain_text("Le projet est proposé")
    _sign_out(page)

    # The municipality approves its text.
    sign_in_home(page, people["municipal_staff"].email)
    _open_publications(page)
    page.get_by_role("link", name="Un marché couvert le soir · Les Défricheurs").click()
    page.get_by_role("button", name="Approuver le texte sur ma commune").click()
    expect(page.locator(".alert-success")).to_contain_text("est approuvé")
    _sign_out(page)

    # The member consents, on a phone, from the home page's cards.
    sign_in_home(phone, closed_team["student"].email)
    phone.get_by_role("main").get_by_role("link", name="Publications").click()
    phone.get_by_role("link", name="Un marché couvert le soir · Les Défricheurs").click()
    phone.get_by_label("Oui, mon nom peut apparaître").check()
    phone.get_by_role("button", name="Enregistrer ma réponse").click()
    expect(phone.locator(".alert-success")).to_contain_text("Votre nom apparaîtra")
    _sign_out(phone)

    # The coordinator publishes.
    sign_in_home(page, people["coordinator"].email)
    _open_publications(page)
    page.get_by_role("link", name="Un marché couvert le soir · Les Défricheurs").click()
    page.get_by_role("button", name="Publier", exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text("publié dans les communs")
    assert Publication.objects.get().status == "published"

    # A visitor on a phone: home → archive → search → the project page.
    phone.goto("/")
    phone.get_by_role("link", name="Parcourir l’archive des projets").click()
    phone.get_by_label("Rechercher", exact=True).fill("marché")
    phone.get_by_role("button", name="Rechercher").click()
    expect(phone.get_by_role("status")).to_contain_text("1 projet")
    phone.get_by_role("link", name="Un marché couvert le soir").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Un marché couvert le soir")
    expect(phone.get_by_text("Alice Martin")).to_be_visible()
    expect(phone.get_by_text("Une commune de 20 000 habitants.")).to_be_visible()
    assert phone.locator('script[type="application/ld+json"]').count() == 1
    assert not [e for e in phone.console_errors if "Content Security Policy" in e]
