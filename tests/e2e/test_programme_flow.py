"""A coordinator starts a programme from her home page, by clicking, then its first cohort."""

from __future__ import annotations

import re

import pytest

from cohorts.models import Programme
from curiouslab.accounts.models import AuditLogEntry
from tests.e2e.conftest import sign_in
from tests.e2e.test_core_flows import coordinator, departement  # noqa: F401 - fixtures

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_coordinator_creates_a_programme_by_clicking(page, coordinator):  # noqa: F811
    sign_in(page, coordinator.email)
    expect(page).to_have_url(re.compile(r"/$"))
    page.get_by_role("main").get_by_role("link", name="Programmes").click()
    page.get_by_role("link", name="Nouveau programme").click()
    # First the format, each with what it is; then the programme's name and rules.
    expect(page.get_by_role("heading", level=2, name="Sprint multi-sites")).to_be_visible()
    page.get_by_role("link", name="Lancer un programme\u00a0: Année scolaire").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouveau programme Année scolaire")
    # The only organisation she coordinates is chosen for her.
    expect(page.get_by_label("Organisation coordinatrice")).to_have_value(
        str(coordinator.memberships.get().organisation_id)
    )

    # A missing name is marked on the field itself, and the error summary, which takes the
    # focus, links to it.
    page.get_by_role("button", name="Créer le programme").click()
    expect(page.locator("#id_name")).to_have_class(re.compile("is-invalid"))
    expect(page.get_by_text("Ce champ est obligatoire.", exact=True)).to_be_visible()
    expect(page.locator("[data-error-summary]")).to_be_focused()
    page.get_by_role("link", name="Nom\u00a0: Ce champ est obligatoire.").click()
    expect(page.locator("#id_name")).to_be_focused()
    assert not Programme.objects.exists()

    page.get_by_role("textbox", name="Nom*").fill("Curious Lab Val-de-Marne")
    page.get_by_label("Taille minimale d'une équipe").fill("4")
    page.get_by_role("button", name="Créer le programme").click()
    expect(
        page.get_by_text("Le programme « Curious Lab Val-de-Marne » a été créé.")
    ).to_be_visible()
    programme = Programme.objects.get()
    assert programme.organisation == coordinator.memberships.get().organisation
    assert programme.team_min_size == 4 and programme.slug == "curious-lab-val-de-marne"
    assert AuditLogEntry.objects.filter(action="programme.create", actor=coordinator).exists()

    # Its first cohort is one click away.
    page.get_by_role("link", name="Nouvelle promotion").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Curious Lab Val-de-Marne")
    # The refused submission answered 400 (on purpose); nothing else went wrong.
    assert [e for e in page.console_errors if "400 (Bad Request)" not in e] == []
