"""The school referent imports a French-headed students file from their home page, by
clicking: the page says which columns it recognised, then the students are invited."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress

from cohorts.models import SchoolEnrolment
from curiouslab.accounts.models import Invitation, OrganisationKind, Role
from tests.e2e.conftest import sign_in
from tests.factories import CohortFactory, OrganisationFactory, ProgrammeFactory, member

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# What a French school office exports from its spreadsheet: cp1252, semicolons, French
# headers in capitals, one column the import does not need.
EXPORT = (
    "NOM;Prénom;Courriel;Filière;Niveau;Téléphone\r\n"
    "Haddad;Inès;ines.haddad@example.org;Design;Master 1;0600000000\r\n"
    "Girard;Jean-Paul;jp.girard@example.org;ingénierie;Master 2;0600000001\r\n"
).encode("cp1252")


@pytest.fixture
def referent():
    dep = OrganisationFactory(kind=OrganisationKind.DEPARTEMENT, name="Hauts-de-Seine")
    programme = ProgrammeFactory(organisation=dep, name="Curious Lab'")
    cohort = CohortFactory(programme=programme, name="Curious Lab' 2026-2027")
    school = OrganisationFactory(
        kind=OrganisationKind.SCHOOL, name="École d'ingénieurs Paris-Ouest", territory=dep
    )
    user = member(Role.SCHOOL_REFERENT, school, email="school@example.org", first_name="Sam")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    SchoolEnrolment.objects.create(
        cohort=cohort,
        school=school,
        status=SchoolEnrolment.Status.APPROVED,
        disciplines=["ingénierie", "design"],
    )
    return user


def test_referent_imports_a_french_export_and_sees_recognised_columns(page, referent, tmp_path):
    sign_in(page, referent.email)
    expect(page).to_have_url(re.compile(r"/$"))
    page.get_by_role("link", name="Programmes").first.click()
    page.get_by_role("link", name="Curious Lab' 2026-2027").click()
    page.get_by_role("link", name="École d'ingénieurs Paris-Ouest").click()
    page.get_by_role("link", name="Importer un fichier CSV").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Importer des étudiants")
    expect(page.get_by_role("link", name="Télécharger un modèle à remplir (CSV)")).to_be_visible()

    export = tmp_path / "eleves.csv"
    export.write_bytes(EXPORT)
    page.get_by_label("Fichier CSV").set_input_files(str(export))
    page.get_by_role("button", name="Vérifier le fichier").click()

    columns = page.get_by_role("region", name="Colonnes reconnues dans votre fichier")
    expect(columns).to_contain_text("NOM → nom")
    expect(columns).to_contain_text("Prénom → prénom")
    expect(columns).to_contain_text("Courriel → adresse e-mail")
    expect(columns).to_contain_text("Filière → discipline")
    expect(columns).to_contain_text("Niveau → niveau")
    expect(columns).to_contain_text("Colonne ignorée : Téléphone.")
    expect(page.get_by_role("status")).to_contain_text("2 étudiants sont prêts à être invités")

    page.get_by_role("button", name="Inviter ces étudiants").click()
    expect(page.get_by_text("2 étudiants ont été invités.")).to_be_visible()
    expect(
        page.get_by_text("Jean-Paul Girard <jp.girard@example.org> · ingénierie")
    ).to_be_visible()
    ines = Invitation.objects.get(email="ines.haddad@example.org")
    assert (ines.first_name, ines.last_name, ines.discipline, ines.level) == (
        "Inès",
        "Haddad",
        "design",
        "Master 1",
    )
    assert page.console_errors == []
