"""The agents' school in a browser, clicking from each role's home page: the coordinator adds
a module from the cohort's navigation, an agent reads their training record (hours) from
their home page, and anyone reads the published replication sheet on a phone. Every page
visited is audited (axe-core, no horizontal overflow)."""

from __future__ import annotations

import re

import pytest

from curiouslab.accounts.models import OrganisationKind, Role
from tests.e2e.conftest import sign_in_home, verified
from tests.factories import OrganisationFactory, UserFactory, member
from tests.training import factories as f
from training.models import Module

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def creuse():
    dep = OrganisationFactory(kind=OrganisationKind.DEPARTEMENT, name="Département de la Creuse")
    cohort = f.edition(dep, name="Session de formation 2026-2027")
    coordinator = verified(member(Role.COORDINATOR, dep, email="creuse@example.org"))
    agent = verified(UserFactory(email="lea@example.org", first_name="Léa", last_name="Martin"))
    f.agent(cohort, dep, user=agent, team_name="Équipe Accueil")
    design = f.module(cohort, "Les bases du design de service")
    f.present(f.module_session(design, days_ago=10, hours=3.5), agent)
    f.present(f.module_session(design, days_ago=9, hours=3), agent)
    experiment = f.experiment(cohort, cohort.teams.get(), title="Un accueil sans rendez-vous")
    f.sheet(experiment, slug="accueil-sans-rendez-vous-gueret", published=True)
    return cohort, coordinator, agent


def test_coordinator_adds_a_module_from_the_cohort_navigation(page, creuse):
    cohort, coordinator, _agent = creuse
    sign_in_home(page, coordinator.email)
    page.get_by_role("main").get_by_role("link", name="Programmes").click()
    page.get_by_role("link", name=cohort.name).first.click()
    page.get_by_role("link", name="Modules", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Modules de formation")
    page.get_by_label("Titre").fill("Prototyper et tester avec les habitants")
    page.get_by_label("Objectifs pédagogiques").fill("Fabriquer un prototype rapide.")
    page.get_by_label("Durée (heures)").fill("3.5")
    page.get_by_label("Formateur ou formatrice").fill("Julien Moreau")
    page.get_by_role("button", name="Ajouter le module").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Prototyper et tester")
    assert Module.objects.filter(cohort=cohort, trainer="Julien Moreau").exists()
    page.get_by_role("link", name="Parcours de formation").click()
    expect(page.get_by_role("table")).to_contain_text("6,5")


def test_an_agent_reads_their_record_and_anyone_the_sheet_on_a_phone(phone, creuse):
    _cohort, _coordinator, agent = creuse
    sign_in_home(phone, agent.email)
    phone.get_by_role("link", name="Mon parcours de formation").click()
    expect(phone.get_by_role("main")).to_contain_text("6,5 heures de formation, 1 module suivi")
    phone.get_by_role("link", name="Un accueil sans rendez-vous").click()
    phone.get_by_role("link", name="sa page publique").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Un accueil sans rendez-vous")
    expect(phone.get_by_role("main")).to_contain_text(re.compile("Comment la reproduire"))
    # Public on purpose: signed out, the same address opens.
    url = phone.url
    phone.context.clear_cookies()
    phone.goto(url)
    expect(phone.get_by_role("main")).to_contain_text("Les heures creuses.")
