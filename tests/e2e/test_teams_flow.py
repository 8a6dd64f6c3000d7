"""A coordinator forms the cohort's teams from the proposal, by clicking from her home page:
she moves a student out, checks again, renames a team and creates them; a phone shows the same
page in one column."""

from __future__ import annotations

import re

import pytest

from cohorts.models import Team, TeamMember
from curiouslab.accounts.models import OrganisationKind, Role
from tests.cohorts import factories as f
from tests.e2e.conftest import sign_in_home, verified
from tests.factories import CohortFactory, OrganisationFactory, ProgrammeFactory, member

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def cohort_to_form():
    dep = OrganisationFactory(kind=OrganisationKind.DEPARTEMENT, name="Hauts-de-Seine")
    programme = ProgrammeFactory(
        organisation=dep, name="Curious Lab'", team_min_size=3, team_max_size=6
    )
    cohort = CohortFactory(programme=programme, name="Curious Lab' 2026-2027")
    coordinator = verified(member(Role.COORDINATOR, dep, email="claire@example.org"))
    students = []
    for name in ("École d'ingénieurs", "École de design"):
        school = f.school(dep, name)
        f.enrol(cohort, school)
        for i, discipline in enumerate(("ingénierie", "commerce", "design")):
            students.append(
                f.student(school, discipline, first_name=f"Élève{i}", last_name=name.split()[-1])
            )
    return cohort, coordinator, students


def _open_proposal(page, cohort):
    page.get_by_role("main").get_by_role("link", name="Programmes").click()
    page.get_by_role("link", name=cohort.name).first.click()
    page.get_by_role("navigation", name="Gestion de la promotion").get_by_role(
        "link", name="Équipes"
    ).click()
    page.get_by_role("link", name=re.compile("Proposer des équipes pour 6 étudiants")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Équipes proposées")


def test_coordinator_forms_teams_from_the_proposal(page, cohort_to_form):
    cohort, coordinator, students = cohort_to_form
    sign_in_home(page, coordinator.email)
    _open_proposal(page, cohort)
    # One team of six meets the rule (3 disciplines, 2 schools): nothing saved yet.
    first = students[0]
    team_of_first = page.get_by_label(f"Équipe d'{first.first_name} {first.last_name}")
    expect(team_of_first).to_have_value("1")
    assert not Team.objects.exists()

    team_of_first.select_option(label="aucune")
    page.get_by_role("button", name="Vérifier à nouveau").click()
    expect(page.get_by_role("heading", name="Étudiants laissés de côté")).to_be_visible()
    page.get_by_label("Nom de l'équipe").first.fill("Les Pionniers")
    page.get_by_role("button", name="Créer ces équipes").click()

    expect(page.get_by_text("1 équipe a été créée.")).to_be_visible()
    expect(page.get_by_role("link", name="Les Pionniers")).to_be_visible()
    team = Team.objects.get(cohort=cohort)
    assert team.name == "Les Pionniers" and team.members.count() == 5
    assert not TeamMember.objects.filter(user=first).exists()


def test_a_refused_team_name_keeps_what_was_typed_on_a_phone(phone, cohort_to_form):
    cohort, coordinator, _ = cohort_to_form
    sign_in_home(phone, coordinator.email)
    _open_proposal(phone, cohort)
    name = phone.get_by_label("Nom de l'équipe").first
    name.fill("x" * 121)  # the field's maxlength stops at 120: the server checks too
    expect(name).to_have_value("x" * 120)
    phone.evaluate("document.querySelector('[name=team-0-name]').removeAttribute('maxlength')")
    name.fill("x" * 121)
    phone.get_by_role("button", name="Créer ces équipes").click()
    expect(phone.get_by_role("alert")).to_contain_text("120 caractères au plus")
    expect(phone.get_by_label("Nom de l'équipe").first).to_have_value("x" * 121)
    assert not Team.objects.exists()
