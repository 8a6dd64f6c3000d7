"""The jury in a browser: a juror scores on a phone (HTMX saves on change, conflicts of
interest), then the coordinator follows the vote live, closes it and reads the ranking."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache

from curiouslab.accounts.models import Membership, OrganisationKind, Role
from tests.factories import (
    PASSWORD,
    CohortFactory,
    OrganisationFactory,
    ProgrammeFactory,
    UserFactory,
    member,
)
from tests.trophies.factories import juror, ready_jury
from trophies.models import ConflictDeclaration, JuryStatus, Score

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def verified(user):
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def sign_in(page, email: str, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Courriel").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Connexion").click()


@pytest.fixture
def phone(browser, live_server):
    """A page in a phone-sized, touch-enabled context (the juror's usual device)."""
    cache.clear()
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        locale="fr-FR",
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.console_errors = errors
    yield page
    context.close()
    cache.clear()


@pytest.fixture
def setting():
    departement = OrganisationFactory(kind=OrganisationKind.DEPARTEMENT, name="Hauts-de-Seine")
    cohort = CohortFactory(programme=ProgrammeFactory(organisation=departement))
    coordinator = verified(
        member(Role.COORDINATOR, departement, email="coordinator@example.org", first_name="Claire")
    )
    jury, _members, finalists, crits = ready_jury(
        cohort, jurors=0, finalists=4, weights=(2, 1, 1), name="Jury des Trophées"
    )
    seat = juror(
        jury,
        verified(UserFactory(email="jure@example.org", first_name="Jules", last_name="Rivière")),
    )
    other = juror(jury, UserFactory(first_name="Odile", last_name="Bernard"))
    # The juror also works for the municipality of the third project: a conflict of interest.
    Membership.objects.create(
        user=seat.user,
        organisation=finalists[2].challenge.municipality,
        role=Role.MUNICIPAL_STAFF,
    )
    return jury, coordinator, seat, other, finalists, crits


def card(page, finalist):
    return page.locator(f"#finalist-{finalist.pk}")


def tap_mark(page, finalist, criterion, value: int) -> None:
    page.locator(f"label[for='m{finalist.pk}-{criterion.pk}-{value}']").tap()


def test_juror_scores_on_a_phone_then_coordinator_closes_the_vote(page, phone, setting):
    jury, coordinator, seat, other, finalists, crits = setting
    pertinence, innovation, faisabilite = crits
    f0, f1, f2, f3 = finalists

    # --- The juror, on a phone -----------------------------------------------------------
    sign_in(phone, seat.user.email)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Bonjour Jules")
    phone.goto("/jury/")
    phone.get_by_role("link", name="Noter les projets").tap()
    expect(phone).to_have_url(re.compile(rf"/jury/{jury.pk}/score/$"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("Jury des Trophées")
    expect(phone.get_by_text("0 projet(s) complet(s) sur 3")).to_be_visible()

    # The project of the juror's municipality cannot be scored, and the page says why.
    expect(card(phone, f2)).to_contain_text("Vous ne notez pas ce projet.")
    expect(card(phone, f2)).to_contain_text("membre de la commune du projet")
    expect(card(phone, f2).locator("form.score-form")).to_have_count(0)

    # One mark after the other, each saved at once; the status says what is left.
    status = phone.locator(f"#status-{f0.pk}")
    expect(status).to_have_text(
        "Il manque encore : Pertinence (note), Innovation (note), Faisabilité (note)"
    )
    tap_mark(phone, f0, pertinence, 4)
    expect(status).to_have_text(
        re.compile(r"Enregistré à \d\d:\d\d:\d\d\. Il manque encore : Innovation \(note\), ")
    )
    tap_mark(phone, f0, innovation, 3)
    expect(status).to_have_text(
        re.compile(r"Enregistré à .* Il manque encore : Faisabilité \(note\)\s*$")
    )
    tap_mark(phone, f0, faisabilite, 5)
    expect(status).to_have_text(re.compile(r"^\s*✓ Complète · enregistrée à \d\d:\d\d:\d\d\s*$"))

    # The other projects still say what is missing.
    for other_project in (f1, f3):
        expect(phone.locator(f"#status-{other_project.pk}")).to_have_text(
            "Il manque encore : Pertinence (note), Innovation (note), Faisabilité (note)"
        )

    # Declaring a conflict on the page takes the project off the sheet.
    f3_card = card(phone, f3)
    f3_card.get_by_text("Déclarer un conflit d'intérêts").tap()
    f3_card.get_by_label("Motif").fill("Ma fille est dans l'équipe")
    f3_card.get_by_role("button", name="Je ne noterai pas ce projet").tap()
    expect(phone.get_by_role("status")).to_contain_text(
        f"Votre conflit avec {f3.team.name} est enregistré : vous ne le noterez pas."
    )
    expect(card(phone, f3)).to_contain_text("Vous ne notez pas ce projet.")
    expect(card(phone, f3)).to_contain_text("déclaré : Ma fille est dans l'équipe")
    expect(card(phone, f3).locator("form.score-form")).to_have_count(0)

    # A reload keeps the saved marks.
    phone.reload()
    expect(phone.get_by_text("1 projet(s) complet(s) sur 2")).to_be_visible()
    expect(phone.locator(f"#m{f0.pk}-{pertinence.pk}-4")).to_be_checked()
    expect(phone.locator(f"#m{f0.pk}-{innovation.pk}-3")).to_be_checked()
    expect(phone.locator(f"#m{f0.pk}-{faisabilite.pk}-5")).to_be_checked()
    expect(phone.locator(f"#status-{f0.pk}")).to_have_text("✓ Complète")
    expect(phone.locator(f"#status-{f1.pk}")).to_contain_text("Il manque encore : Pertinence")
    assert phone.console_errors == []

    # Each mark is in the database exactly once.
    rows = sorted(
        Score.objects.filter(member=seat).values_list("finalist_id", "criterion_id", "value")
    )
    assert rows == sorted(
        [(f0.pk, pertinence.pk, 4), (f0.pk, innovation.pk, 3), (f0.pk, faisabilite.pk, 5)]
    )
    assert Score.objects.count() == 3
    assert ConflictDeclaration.objects.filter(member=seat, finalist=f3).count() == 1

    # --- The coordinator, on a desktop -----------------------------------------------------
    sign_in(page, coordinator.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Claire")
    page.goto(f"/jury/{jury.pk}/live/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Suivi du vote en direct")
    progress = page.locator("#live-progress")
    juror_row = progress.get_by_role("row").filter(has_text="Jules Rivière")
    expect(juror_row.get_by_role("cell").nth(1)).to_have_text("1 / 2")
    expect(juror_row.get_by_role("cell").nth(2)).to_have_text(f1.team.name)
    other_row = progress.get_by_role("row").filter(has_text="Odile Bernard")
    expect(other_row.get_by_role("cell").nth(1)).to_have_text("0 / 4")
    # No mark and no ranking while voting is open.
    expect(page.get_by_role("heading", name="Classement")).to_have_count(0)
    expect(page.get_by_role("columnheader", name="Rang")).to_have_count(0)

    # The live view refreshes itself (every 5 s): the juror finishes from the phone.
    tap_mark(phone, f1, pertinence, 2)
    expect(phone.locator(f"#status-{f1.pk}")).to_contain_text("Enregistré à")
    tap_mark(phone, f1, innovation, 2)
    expect(phone.locator(f"#status-{f1.pk}")).to_contain_text("Faisabilité (note)")
    tap_mark(phone, f1, faisabilite, 2)
    expect(phone.locator(f"#status-{f1.pk}")).to_contain_text("✓ Complète")
    expect(juror_row.get_by_role("cell").nth(1)).to_have_text("2 / 2", timeout=12_000)
    expect(juror_row.get_by_role("cell").nth(0)).to_contain_text("terminé")
    expect(juror_row.get_by_role("cell").nth(2)).to_have_text("—")
    expect(page.get_by_role("heading", name="Classement")).to_have_count(0)

    # Asking for the results while voting is open leads back to the live view.
    page.goto(f"/jury/{jury.pk}/results/")
    expect(page).to_have_url(re.compile(rf"/jury/{jury.pk}/live/$"))
    expect(page.get_by_role("status")).to_contain_text("Le classement apparaît")

    # Closing the vote asks for a confirmation first.
    dialogs: list[str] = []

    def accept(dialog):
        dialogs.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    page.get_by_role("button", name="Clore le vote").click()
    expect(page).to_have_url(re.compile(rf"/jury/{jury.pk}/results/$"))
    assert dialogs == ["Clore le vote ? Les notes ne pourront plus être modifiées ensuite."]
    expect(page.get_by_role("status")).to_contain_text("Le vote est clos.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Résultats · Jury des Trophées")
    ranking = page.get_by_role("region", name="Classement")
    expect(ranking.get_by_role("heading", name="Classement")).to_be_visible()
    first = ranking.get_by_role("row").nth(1)
    expect(first.get_by_role("cell").nth(0)).to_have_text("1")
    expect(first.get_by_role("cell").nth(1)).to_contain_text(f0.team.name)
    expect(first.get_by_role("cell").nth(2)).to_have_text("4,000")  # (2×4 + 3 + 5) ÷ 4
    second = ranking.get_by_role("row").nth(2)
    expect(second.get_by_role("cell").nth(0)).to_have_text("2")
    expect(second.get_by_role("cell").nth(1)).to_contain_text(f1.team.name)
    expect(second.get_by_role("cell").nth(2)).to_have_text("2,000")
    jury.refresh_from_db()
    assert jury.status == JuryStatus.CLOSED and jury.closed_at is not None
    assert page.console_errors == []

    # The juror's sheet is now read-only.
    phone.reload()
    expect(
        phone.get_by_text("Le vote est clos : vos notes ne peuvent plus être modifiées.")
    ).to_be_visible()
    expect(phone.locator(f"#m{f0.pk}-{pertinence.pk}-4")).to_be_disabled()
    expect(phone.get_by_role("button", name="Enregistrer")).to_have_count(0)
    assert Score.objects.filter(member=seat).count() == 6
    assert phone.console_errors == []
